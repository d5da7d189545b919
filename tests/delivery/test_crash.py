"""kill -9 in the middle of a broadcast: after a restart every recipient gets it, and messages
go twice only within the in-flight window (rows claimed and not yet recorded at the kill)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.clock import SystemClock
from bot.db.engine import create_engine, create_sessionmaker
from bot.db.migrate import upgrade
from bot.db.models import OutboxMessage
from bot.fakeapi import FakeTelegramServer
from tests.delivery.conftest import add_people, deliveries_per_chat, enqueue_texts, statuses

pytestmark = pytest.mark.slow

RECIPIENTS = 150
DATA_DIR = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer() as running:
        yield running


async def start_bot(
    server: FakeTelegramServer, database_url: str, cwd: Path
) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WEBHOOK_", "REDIS_"))}
    env.update(
        BOT_TOKEN=server.token,
        TELEGRAM_API_URL=server.base_url,
        DATABASE_URL=database_url,
        DELIVERY_RATE="100",
        PAID_BROADCAST="true",
        DELIVERY_LEASE_SECONDS="60",  # a restart here takes over at once, not after the lease
        LOG_FORMAT="json",
        TZ="Asia/Almaty",
        DATA_DIR=str(DATA_DIR),
    )
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip


async def test_a_killed_broadcast_continues_after_restart(
    server: FakeTelegramServer, tmp_path: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    await upgrade(url)
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    clock = SystemClock()
    try:
        people = await add_people(server, sessionmaker, clock, RECIPIENTS)
        await enqueue_texts(sessionmaker, clock, [p.id for p in people], text="Hall B")

        first = await start_bot(server, url, tmp_path)
        try:
            await server.wait_until(
                lambda: len(server.calls("sendMessage", ok=True)) >= RECIPIENTS // 2, timeout=30
            )
            first.kill()
        finally:
            if first.returncode is None:
                first.kill()
            await first.wait()
        at_kill = len(server.calls("sendMessage", ok=True))
        async with sessionmaker() as session:
            in_flight = await session.scalar(
                select(func.count()).where(OutboxMessage.status == "sending")
            )
        assert at_kill < RECIPIENTS, "the kill came too late to test anything"
        assert 0 < (in_flight or 0) < RECIPIENTS

        second = await start_bot(server, url, tmp_path)
        try:
            await server.wait_until(
                lambda: len(deliveries_per_chat(server)) == RECIPIENTS, timeout=30
            )
            await asyncio.sleep(0.5)  # let it record the last outcomes
            second.send_signal(signal.SIGTERM)
            output, _ = await asyncio.wait_for(second.communicate(), 15)
        finally:
            if second.returncode is None:
                second.kill()
                await second.wait()
        assert second.returncode == 0, output.decode()
        assert b"took over" in output  # the dead worker's leased rows
        assert await statuses(sessionmaker) == {"sent": RECIPIENTS}
    finally:
        await engine.dispose()

    per_chat = deliveries_per_chat(server)
    duplicates = sum(count - 1 for count in per_chat.values())
    assert set(per_chat) == {p.id for p in people}
    assert duplicates <= (in_flight or 0)
