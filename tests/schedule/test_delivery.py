"""Reminders end to end: claimed into the outbox at their moment, then sent by the delivery engine
through the fake Bot API's flood control (30 msg/s): each person gets each reminder once, people
who blocked the bot are skipped, and a reminder later than its session's start is not sent."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import AsyncIterator

from bot.delivery.limiter import MemorySendLimiter, limit_bot
from bot.delivery.worker import DeliveryConfig, OutboxWorker
from bot.fakeapi import FakeTelegramServer, SimUser
from bot.services.reminders import OUTBOX_REMINDER
from tests.schedule.conftest import Forum, almaty, minutes


@contextlib.asynccontextmanager
async def _engine(server: FakeTelegramServer, forum: Forum, rate: float) -> AsyncIterator[None]:
    """The delivery engine of one bot process: its rate limiter and its outbox worker."""
    bot = server.make_bot()
    limiter = MemorySendLimiter(rate)
    limit_bot(bot, limiter)
    worker = OutboxWorker(
        bot=bot, sessionmaker=forum.sessionmaker, clock=forum.clock,
        config=DeliveryConfig(rate=rate, poll_interval=0.05, flush_interval=0.05),
    )  # fmt: skip
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)
        await limiter.close()
        await bot.session.close()


async def _people(server: FakeTelegramServer, forum: Forum, count: int) -> list[SimUser]:
    people = [server.user(f"Participant {n}", started=True) for n in range(count)]
    for person in people:
        await forum.person(person.id)
        await forum.subscribe(person.id, "workshop")
    return people


async def _settled(forum: Forum, within: float = 20.0) -> Counter[str]:
    deadline = time.monotonic() + within
    while True:
        counts = Counter(row.status for row in await forum.outbox(OUTBOX_REMINDER))
        if counts["pending"] + counts["sending"] == 0:
            return counts
        assert time.monotonic() < deadline, dict(counts)
        await asyncio.sleep(0.05)


async def test_each_subscriber_gets_the_reminder_once_under_flood_control(forum: Forum) -> None:
    async with FakeTelegramServer(rate_limit=30) as server:
        people = await _people(server, forum, 50)
        await people[0].block()
        forum.clock.set(almaty(8, 9, 45))
        async with _engine(server, forum, rate=29.4):
            started = time.monotonic()
            assert (await forum.fire()).sent == 50
            await forum.fire()  # a second timer, the sweep, another process: nothing more
            counts = await _settled(forum)
            took = time.monotonic() - started
        received = Counter(int(c.chat_id) for c in server.calls("sendMessage", ok=True))
        assert counts == Counter(sent=49, blocked=1)
        assert set(received) == {p.id for p in people[1:]}
        assert set(received.values()) == {1}
        assert server.stats.requests_during_ban == 0
        assert took >= (49 - 30) / 30  # the limit held: no burst past 30 a second
        message = await people[1].next_message()
        assert message.body.startswith("⏰ In 15 minutes: Workshop")


async def test_a_reminder_the_engine_gets_to_after_the_start_is_not_sent(forum: Forum) -> None:
    async with FakeTelegramServer(rate_limit=30) as server:
        await _people(server, forum, 3)
        await forum.fire(almaty(8, 9, 45))
        forum.clock.set(almaty(8, 10) + minutes(1))  # the workers were down until after 10:00
        async with _engine(server, forum, rate=29.4):
            counts = await _settled(forum)
        assert counts == Counter(expired=3)
        assert server.calls("sendMessage") == []
