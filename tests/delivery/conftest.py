"""Fixtures for the delivery engine: the fake Bot API, people on both sides, a running worker."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

import pytest
from aiogram import Bot
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock, FakeClock
from bot.db.models import OutboxMessage, User
from bot.delivery.limiter import MemorySendLimiter, SendLimiter, limit_bot
from bot.delivery.outbox import Outgoing, Priority, enqueue
from bot.delivery.worker import DeliveryConfig, OutboxWorker
from bot.fakeapi import FakeTelegramServer, SimUser, Timings


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    timings = Timings(reply_timeout=5.0, callback_answer_timeout=5.0)
    async with FakeTelegramServer(timings=timings) as running:
        yield running


async def add_people(
    server: FakeTelegramServer,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    count: int,
    *,
    language: str = "en",
    first_name: str = "Reader",
) -> list[SimUser]:
    """`count` people who started the bot: in the fake server and in `users`."""
    people = [
        server.user(f"{first_name} {n}", language_code=language, started=True) for n in range(count)
    ]
    async with sessionmaker() as session, session.begin():
        session.add_all(
            User(id=person.id, language=language, created_at=clock.now(), is_active=True)
            for person in people
        )
    return people


async def enqueue_texts(
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    chat_ids: Iterable[int],
    *,
    text: str = "Hello",
    kind: str = "broadcast",
    ref: str | None = "1",
    priority: Priority = Priority.BROADCAST,
    **outgoing: Any,
) -> int:
    async with sessionmaker() as session, session.begin():
        return await enqueue(
            session,
            [
                Outgoing(chat_id, {"method": "sendMessage", "text": text}, **outgoing)
                for chat_id in chat_ids
            ],
            kind=kind,
            priority=priority,
            now=clock.now(),
            ref=ref,
        )


async def statuses(sessionmaker: async_sessionmaker[AsyncSession]) -> Counter[str]:
    async with sessionmaker() as session:
        rows = await session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        )
        return Counter({status: count for status, count in rows.all()})


async def wait_for_outbox(
    sessionmaker: async_sessionmaker[AsyncSession],
    done: Callable[[Counter[str]], bool] | None = None,
    *,
    timeout: float = 10.0,  # noqa: ASYNC109 - "wait up to N seconds" is the point
) -> Counter[str]:
    """Poll the outbox until `done(statuses)` (default: nothing pending or sending)."""
    done = done or (lambda counts: counts["pending"] + counts["sending"] == 0)
    deadline = time.monotonic() + timeout
    while True:
        counts = await statuses(sessionmaker)
        if done(counts):
            return counts
        if time.monotonic() > deadline:
            raise AssertionError(f"outbox not done after {timeout} s: {dict(counts)}")
        await asyncio.sleep(0.05)


def deliveries_per_chat(server: FakeTelegramServer, method: str = "sendMessage") -> Counter[int]:
    """Successful sends per chat id, as the fake server recorded them."""
    return Counter(int(call.chat_id) for call in server.calls(method, ok=True))  # type: ignore[arg-type]


class RunningWorker:
    def __init__(self, worker: OutboxWorker, task: asyncio.Task[None], stop: asyncio.Event):
        self.worker = worker
        self.task = task
        self.stop = stop


@pytest.fixture
def run_worker(
    server: FakeTelegramServer,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> Callable[..., contextlib.AbstractAsyncContextManager[RunningWorker]]:
    """`async with run_worker(rate=..., **config) as running:` a worker on its own limited Bot."""

    @contextlib.asynccontextmanager
    async def start(
        *,
        rate: float = 500.0,
        limiter: SendLimiter | None = None,
        bot: Bot | None = None,
        **config: Any,
    ) -> AsyncIterator[RunningWorker]:
        own_bot = bot is None
        bot = bot or server.make_bot()
        limiter = limiter or MemorySendLimiter(rate)
        if own_bot:
            limit_bot(bot, limiter)
        config.setdefault("poll_interval", 0.05)
        config.setdefault("flush_interval", 0.05)
        config.setdefault("backoff_base", 0.5)
        worker = OutboxWorker(
            bot=bot,
            sessionmaker=sessionmaker,
            clock=clock,
            config=DeliveryConfig(rate=rate, paid_broadcast=rate > 30, **config),
        )
        stop = asyncio.Event()
        task = asyncio.create_task(worker.run(stop))
        try:
            yield RunningWorker(worker, task, stop)
        finally:
            stop.set()
            await asyncio.wait_for(task, 15)
            await limiter.close()
            if own_bot:
                await bot.session.close()

    return start
