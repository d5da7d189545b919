"""Pacing through the fake Bot API with flood control on: the rate is kept, a 429 storm is
honoured (no request during a ban), replies are not queued behind a broadcast.

These are about time, not SQL: they run on SQLite only (the claims and outcomes they rely on are
tested on both databases in test_store.py and test_engine.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.db.migrate import upgrade
from bot.delivery.limiter import MemorySendLimiter, limit_bot
from bot.fakeapi import FakeTelegramServer
from tests.delivery.conftest import add_people, deliveries_per_chat, enqueue_texts, wait_for_outbox


@pytest.fixture
async def database_url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'pacing.sqlite3'}"
    await upgrade(url)
    return url


async def test_a_429_storm_is_honoured(
    server: FakeTelegramServer,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    run_worker: Callable[..., Any],
) -> None:
    server.rate_limit = 30
    people = await add_people(server, sessionmaker, clock, 40)
    server.faults.add("sendMessage", error=429, times=2, retry_after=1)
    await enqueue_texts(sessionmaker, clock, [p.id for p in people])

    async with run_worker(rate=25) as running:
        await wait_for_outbox(sessionmaker, timeout=15)

    assert server.stats.retry_after_given >= 2
    assert server.stats.requests_during_ban == 0
    assert set(deliveries_per_chat(server).values()) == {1}
    assert len(deliveries_per_chat(server)) == 40
    assert running.worker.stats.sent == 40


async def test_sends_keep_to_the_rate(
    server: FakeTelegramServer,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    run_worker: Callable[..., Any],
) -> None:
    # Not at the very limit: on a busy test machine, arrival jitter at the server would make a
    # window of 31 now and then (the benchmark measures how close to the limit it gets).
    server.rate_limit = 30
    people = await add_people(server, sessionmaker, clock, 45)
    await enqueue_texts(sessionmaker, clock, [p.id for p in people])

    async with run_worker(rate=25):
        await wait_for_outbox(sessionmaker, timeout=15)

    calls = server.calls("sendMessage", ok=True)
    assert len(calls) == 45
    rate = (len(calls) - 1) / (calls[-1].monotonic - calls[0].monotonic)
    assert 23 < rate < 25.6
    assert server.stats.retry_after_given == 0


async def test_a_reply_is_not_queued_behind_a_broadcast(
    server: FakeTelegramServer,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    run_worker: Callable[..., Any],
    make_settings: Callable[..., Any],
    make_dispatcher: Callable[..., Any],
    database_url: str,
) -> None:
    server.rate_limit = 30
    people = await add_people(server, sessionmaker, clock, 40)
    await enqueue_texts(sessionmaker, clock, [p.id for p in people])
    settings = make_settings(database_url=database_url, telegram_api_url=server.base_url)
    bot = server.make_bot()
    limiter = MemorySendLimiter(24)
    limit_bot(bot, limiter)
    try:
        async with (
            run_worker(rate=24, limiter=limiter, bot=bot, batch=40),
            server.polling(make_dispatcher(settings=settings), bot),
        ):
            await server.wait_until(lambda: len(server.calls("sendMessage", ok=True)) >= 5)
            asking = people[0]
            sent = await asking.send("/help")
            reply = await asking.wait_for_message(lambda m: "Fairbot" in m.body)
            waited = reply.at - (server.handed_at(sent.update_id or 0) or 0)
            left = 40 - len(deliveries_per_chat(server))
            await wait_for_outbox(sessionmaker, timeout=10)
    finally:
        await limiter.close()
        await bot.session.close()
    assert left > 15, "the broadcast should still be going"
    # A slot or two at 24/s, not the second and more of broadcast claimed and waiting here.
    assert waited < 0.4
    assert server.stats.requests_during_ban == 0
