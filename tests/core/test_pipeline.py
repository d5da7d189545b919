"""The update pipeline: outages are retried, poison updates are dropped, polling confirms late."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.exceptions import TelegramNetworkError
from aiogram.filters import Command
from aiogram.methods import GetMe, SendMessage
from aiogram.types import Message
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import build_bot, build_dispatcher, database_probe
from bot.clock import FakeClock
from bot.config import Settings
from bot.db.engine import create_engine, create_sessionmaker
from bot.db.migrate import upgrade
from bot.handlers.errors import DatabaseUnavailable, is_database_outage
from bot.i18n import Translator
from bot.pipeline import DatabaseProbe, Outcome, UpdateIntake
from bot.polling import Poller
from tests.updates import UpdateFactory

NO_TELEGRAM = "http://127.0.0.1:9"


def test_outage_classification() -> None:
    assert is_database_outage(sa_exc.OperationalError("SELECT 1", {}, Exception("locked")))
    assert is_database_outage(ConnectionRefusedError(111, "refused"))
    assert not is_database_outage(sa_exc.IntegrityError("INSERT", {}, Exception("dup")))
    assert not is_database_outage(RuntimeError("bug"))
    telegram_down = TelegramNetworkError(GetMe(), "no route")
    telegram_down.__cause__ = ConnectionRefusedError(111, "refused")
    assert not is_database_outage(telegram_down)


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def router(self) -> Router:
        router = Router(name="counter")

        @router.message(Command("count"))
        async def count(message: Message, session: AsyncSession) -> None:
            self.calls += 1
            await session.execute(text("SELECT 1"))

        @router.message(Command("broken"))
        async def broken(message: Message, session: AsyncSession) -> None:
            self.calls += 1
            await session.execute(text("SELECT * FROM no_such_table"))

        return router


@dataclass
class Rig:
    path: Path
    dp: Dispatcher
    bot: Bot
    intake: UpdateIntake
    counter: Counter
    probe: DatabaseProbe


@pytest.fixture
async def rig(
    tmp_path: Path, make_settings: Callable[..., Settings], clock: FakeClock
) -> AsyncIterator[Rig]:
    """A SQLite database that another connection can lock past a short busy timeout."""
    path = tmp_path / "pipeline.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    await upgrade(url)
    engine = create_engine(url, sqlite_busy_timeout_ms=150)
    settings = make_settings(database_url=url, telegram_api_url=NO_TELEGRAM)
    counter = Counter()
    dp = build_dispatcher(
        settings,
        sessionmaker=create_sessionmaker(engine),
        clock=clock,
        routers=[counter.router()],
    )
    bot = build_bot(settings)
    probe = database_probe(engine, timeout=1.0)
    intake = UpdateIntake(dp, bot, database_probe=probe)
    yield Rig(path, dp, bot, intake, counter, probe)
    await bot.session.close()
    await engine.dispose()


async def test_outage_notice_is_translated(
    rig: Rig, updates: UpdateFactory, translator: Translator
) -> None:
    blocker = sqlite3.connect(rig.path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseUnavailable) as caught:
            await rig.dp.feed_update(rig.bot, updates.message("/count", language_code="kk"))
    finally:
        blocker.close()
    notice = caught.value.notice
    assert isinstance(notice, SendMessage)
    assert notice.text == translator.get("kk", "error-temporary")
    assert rig.counter.calls == 0


async def test_poison_update_is_dropped_after_attempts(
    rig: Rig, updates: UpdateFactory, caplog: pytest.LogCaptureFixture
) -> None:
    update = updates.message("/broken")
    outcomes = [await rig.intake.process(update) for _ in range(3)]
    assert outcomes == [Outcome.RETRY, Outcome.RETRY, Outcome.HANDLED]
    assert rig.counter.calls == 3
    assert f"update {update.update_id} dropped after 3 attempts" in caplog.text
    assert await rig.intake.process(update) is Outcome.DUPLICATE


async def test_poller_keeps_the_offset_at_an_update_to_retry(
    rig: Rig, updates: UpdateFactory
) -> None:
    poller = Poller(rig.bot, rig.intake)
    first, second = updates.message("/count"), updates.message("/count", user_id=77)
    blocker = sqlite3.connect(rig.path, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        assert not await poller.handle([first, second])
        assert poller.offset == first.update_id
        blocker.execute("ROLLBACK")
        assert await poller.handle([first, second])
        assert poller.offset == second.update_id + 1
        assert rig.counter.calls == 2
        # After a crash Telegram hands the batch back to a new process: nothing runs twice.
        restarted = UpdateIntake(rig.dp, rig.bot, database_probe=rig.probe)
        assert await Poller(rig.bot, restarted).handle([first, second])
        assert rig.counter.calls == 2
    finally:
        blocker.close()


async def test_postgres_refusing_connections_is_an_outage(
    make_settings: Callable[..., Settings], clock: FakeClock, updates: UpdateFactory
) -> None:
    """A PostgreSQL that refuses connections (nothing listens on the port): retried, not lost."""
    url = "postgresql+asyncpg://postgres@127.0.0.1:9/fairbot"
    engine = create_engine(url)
    settings = make_settings(database_url=url, telegram_api_url=NO_TELEGRAM)
    counter = Counter()
    dp = build_dispatcher(
        settings, sessionmaker=create_sessionmaker(engine), clock=clock, routers=[counter.router()]
    )
    bot = build_bot(settings)
    try:
        intake = UpdateIntake(dp, bot, database_probe=database_probe(engine, timeout=1.0))
        update = updates.message("/count", language_code="ru")
        assert await intake.process(update) is Outcome.RETRY
        assert await intake.process(update) is Outcome.RETRY  # never dropped while down
        assert counter.calls == 0
    finally:
        await bot.session.close()
        await engine.dispose()
