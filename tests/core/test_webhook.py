"""The webhook server over real HTTP: secret, acknowledgement after handling, dedup, outages."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message, Update
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import build_bot, build_dispatcher, database_probe
from bot.clock import FakeClock
from bot.config import Settings
from bot.db.engine import create_engine, create_sessionmaker
from bot.db.migrate import upgrade
from bot.db.models import ProcessedUpdate, User
from bot.pipeline import UpdateIntake
from bot.webhook import SECRET_HEADER, create_webhook_app
from tests.updates import UpdateFactory

SECRET = "webhook-secret_42"
PATH = "/telegram/webhook"
# Nothing listens there: any Bot API call from these tests fails at once instead of leaving.
NO_TELEGRAM = "http://127.0.0.1:9"


class Recorder:
    """A feature router whose handlers record calls and can be held back by the test."""

    def __init__(self) -> None:
        self.handled: list[int] = []
        self.gate = asyncio.Event()
        self.gate.set()
        self.entered = asyncio.Event()

    def router(self) -> Router:
        router = Router(name="recorder")

        @router.message(Command("note"))
        async def note(message: Message, session: AsyncSession, clock: FakeClock) -> None:
            self.entered.set()
            await self.gate.wait()
            self.handled.append(message.message_id)
            session.add(User(id=message.message_id + 10**9, created_at=clock.now()))

        return router


def _payload(update: Update) -> dict[str, object]:
    return update.model_dump(mode="json", exclude_none=True)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def client(
    make_settings: Callable[..., Settings],
    database_url: str,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    recorder: Recorder,
) -> AsyncIterator[TestClient]:
    settings = make_settings(database_url=database_url, telegram_api_url=NO_TELEGRAM)
    async with _webhook_client(settings, sessionmaker, engine, clock, recorder) as test_client:
        yield test_client


@asynccontextmanager
async def _webhook_client(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    engine: AsyncEngine,
    clock: FakeClock,
    recorder: Recorder,
) -> AsyncIterator[TestClient]:
    """The webhook app as `fairbot run` builds it, served on a free loopback port."""
    bot = build_bot(settings)
    dp = build_dispatcher(
        settings, sessionmaker=sessionmaker, clock=clock, routers=[recorder.router()]
    )
    probe = database_probe(engine, timeout=1.0)
    intake = UpdateIntake(dp, bot, database_probe=probe)
    app = create_webhook_app(bot=bot, intake=intake, secret=SECRET, database_probe=probe)
    client = TestClient(TestServer(app))
    await client.start_server()
    try:
        yield client
    finally:
        await client.close()
        await bot.session.close()


async def test_wrong_or_missing_secret_is_refused(
    client: TestClient, updates: UpdateFactory, recorder: Recorder
) -> None:
    payload = _payload(updates.message("/note"))
    missing = await client.post(PATH, json=payload)
    assert missing.status == 401
    wrong = await client.post(PATH, json=payload, headers={SECRET_HEADER: SECRET + "x"})
    assert wrong.status == 401
    assert recorder.handled == []


async def test_junk_is_a_bad_request(client: TestClient) -> None:
    response = await client.post(PATH, data=b"{not json", headers={SECRET_HEADER: SECRET})
    assert response.status == 400
    response = await client.post(PATH, json={"hello": 1}, headers={SECRET_HEADER: SECRET})
    assert response.status == 400


async def test_acknowledged_only_after_handling(
    client: TestClient,
    updates: UpdateFactory,
    recorder: Recorder,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    update = updates.message("/note")
    recorder.gate.clear()
    request = asyncio.ensure_future(
        client.post(PATH, json=_payload(update), headers={SECRET_HEADER: SECRET})
    )
    await asyncio.wait_for(recorder.entered.wait(), 10)
    await asyncio.sleep(0.2)
    assert not request.done(), "answered Telegram before the update was handled"
    recorder.gate.set()
    response = await request
    assert response.status == 200
    assert recorder.handled == [update.message.message_id]  # type: ignore[union-attr]
    async with sessionmaker() as session:  # committed before the answer
        assert await session.get(ProcessedUpdate, update.update_id) is not None


async def test_redelivered_update_is_handled_once(
    client: TestClient, updates: UpdateFactory, recorder: Recorder
) -> None:
    payload = _payload(updates.message("/note"))
    headers = {SECRET_HEADER: SECRET}
    assert (await client.post(PATH, json=payload, headers=headers)).status == 200
    assert (await client.post(PATH, json=payload, headers=headers)).status == 200
    assert len(recorder.handled) == 1


async def test_redelivery_while_still_handling_is_asked_again_later(
    client: TestClient, updates: UpdateFactory, recorder: Recorder
) -> None:
    payload = _payload(updates.message("/note"))
    headers = {SECRET_HEADER: SECRET}
    recorder.gate.clear()
    first = asyncio.ensure_future(client.post(PATH, json=payload, headers=headers))
    await asyncio.wait_for(recorder.entered.wait(), 10)
    second = await client.post(PATH, json=payload, headers=headers)
    assert second.status == 409  # not acknowledged: Telegram will try again
    recorder.gate.set()
    assert (await first).status == 200
    assert (await client.post(PATH, json=payload, headers=headers)).status == 200
    assert len(recorder.handled) == 1


async def test_healthz(client: TestClient) -> None:
    response = await client.get("/healthz")
    assert response.status == 200
    assert (await response.json())["database"] is True


async def test_database_outage_is_not_acknowledged_and_not_lost(
    make_settings: Callable[..., Settings],
    tmp_path: Path,
    clock: FakeClock,
    recorder: Recorder,
    updates: UpdateFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Another process holds SQLite's write lock past the busy timeout: the database does not
    answer. The update gets 503 (Telegram re-delivers it); once the lock is gone it is handled."""
    path = tmp_path / "outage.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    await upgrade(url)
    engine = create_engine(url, sqlite_busy_timeout_ms=200)
    sessionmaker = create_sessionmaker(engine)
    settings = make_settings(database_url=url, telegram_api_url=NO_TELEGRAM)
    blocker = sqlite3.connect(path, isolation_level=None)
    update = updates.message("/note", language_code="ru")
    headers = {SECRET_HEADER: SECRET}
    try:
        async with _webhook_client(settings, sessionmaker, engine, clock, recorder) as client:
            blocker.execute("BEGIN IMMEDIATE")
            with caplog.at_level(logging.WARNING):
                response = await client.post(PATH, json=_payload(update), headers=headers)
            assert response.status == 503
            assert recorder.handled == []
            assert f"update {update.update_id} of user {updates.user_id} deferred" in caplog.text
            # The person was told (the answer could not leave: there is no Telegram here).
            assert "answer SendMessage failed" in caplog.text
            health = await client.get("/healthz")
            assert health.status == 503

            blocker.execute("ROLLBACK")
            response = await client.post(PATH, json=_payload(update), headers=headers)
            assert response.status == 200
            assert recorder.handled == [update.message.message_id]  # type: ignore[union-attr]
            response = await client.post(PATH, json=_payload(update), headers=headers)
            assert response.status == 200
            assert len(recorder.handled) == 1
        async with sessionmaker() as session:
            ledger = (await session.scalars(select(ProcessedUpdate.update_id))).all()
            assert ledger == [update.update_id]
    finally:
        blocker.close()
        await engine.dispose()
