"""The outbox worker through the fake Bot API: everyone once, blocked people skipped and marked,
errors retried with back-off then given up, expiry and scheduling, priorities, payloads intact."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.db.models import OutboxMessage, User
from bot.delivery.limiter import RedisSendLimiter, limit_bot
from bot.delivery.outbox import Outgoing, Priority, delivery_by_key, delivery_counts, enqueue
from bot.fakeapi import FakeTelegramServer
from tests.delivery.conftest import (
    add_people,
    deliveries_per_chat,
    enqueue_texts,
    statuses,
    wait_for_outbox,
)


async def test_broadcast_reaches_every_active_person_once_and_marks_the_blocked(
    server: FakeTelegramServer,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    run_worker: Callable[..., Any],
) -> None:
    people = await add_people(server, sessionmaker, clock, 120)
    inactive, blocked, gone = people[:10], people[10:15], 990_000_001
    async with sessionmaker() as session, session.begin():
        for person in inactive:  # blocked the bot earlier: the core recorded it
            (await session.get(User, person.id)).is_active = False  # type: ignore[union-attr]
        session.add(User(id=gone, created_at=clock.now(), is_active=True))
    for person in blocked:  # blocked since: Telegram answers 403
        await person.block()
    await enqueue_texts(sessionmaker, clock, [p.id for p in people] + [gone])

    async with run_worker(rate=500):
        counts = await wait_for_outbox(sessionmaker)

    assert counts == {"sent": 105, "blocked": 16}
    per_chat = deliveries_per_chat(server)
    assert set(per_chat.values()) == {1}
    assert set(per_chat) == {p.id for p in people[15:]}
    asked = {call.chat_id for call in server.calls("sendMessage")}
    assert not asked & {p.id for p in inactive}, "inactive people must not be sent to"
    async with sessionmaker() as session:
        still_active = set(await session.scalars(select(User.id).where(User.is_active)))
        assert still_active == {p.id for p in people[15:]}
        newly = (
            await session.scalars(select(User).where(User.id.in_([p.id for p in blocked])))
        ).all()
        assert all(user.blocked_at == clock.now() for user in newly)
        counts_ref = await delivery_counts(session, kind="broadcast", ref="1")
    assert (counts_ref["sent"], counts_ref["blocked"], counts_ref.left) == (105, 16, 0)


async def test_server_errors_are_retried_with_backoff_then_given_up(
    server: FakeTelegramServer,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    run_worker: Callable[..., Any],
) -> None:
    flaky, broken, fine = await add_people(server, sessionmaker, clock, 3)
    server.faults.add("sendMessage", error=502, chat_id=flaky.id, times=1)
    server.faults.add("sendMessage", error=500, chat_id=broken.id, times=None)
    server.faults.add("sendMessage", error="reset", chat_id=flaky.id, times=1)
    await enqueue_texts(sessionmaker, clock, [flaky.id, broken.id, fine.id], dedup_key=None)

    async with run_worker(max_attempts=3):
        await wait_for_outbox(sessionmaker, lambda c: c["sent"] == 1 and c["pending"] == 2)
        async with sessionmaker() as session:
            rows = {r.chat_id: r for r in await session.scalars(select(OutboxMessage))}
        assert rows[flaky.id].attempts == 1
        assert rows[flaky.id].not_before > clock.now()  # backing off, not hammering
        assert "Bad Gateway" in (rows[flaky.id].last_error or "")
        for attempt in (2, 3):
            clock.advance(minutes=10)
            await server.wait_until(
                lambda n=attempt: _tries(server, broken.id) == n == _tries(server, flaky.id)
            )
            # The back-off is counted from when the outcome is recorded: let that happen first.
            await wait_for_outbox(sessionmaker, lambda c: c["sending"] == 0)
        counts = await wait_for_outbox(sessionmaker, timeout=5)

    assert counts == {"sent": 2, "failed": 1}
    per_chat = deliveries_per_chat(server)
    assert per_chat == {flaky.id: 1, fine.id: 1}
    assert _tries(server, broken.id) == 3


def _tries(server: FakeTelegramServer, chat_id: int) -> int:
    return len([call for call in server.calls("sendMessage") if call.chat_id == chat_id])


async def test_chat_not_found_marks_the_person_inactive(
    server: FakeTelegramServer,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    run_worker: Callable[..., Any],
) -> None:
    (person,) = await add_people(server, sessionmaker, clock, 1)
    server.faults.add("sendMessage", error="chat_not_found", chat_id=person.id)
    await enqueue_texts(sessionmaker, clock, [person.id], kind="notice", ref=None, dedup_key="n1")

    async with run_worker():
        await wait_for_outbox(sessionmaker)

    async with sessionmaker() as session:
        delivery = await delivery_by_key(session, "n1")
        user = await session.get(User, person.id)
    assert delivery is not None
    assert (delivery.status, delivery.attempts) == ("blocked", 1)
    assert user is not None
    assert not user.is_active


async def test_expired_and_future_rows_wait_or_lapse(
    server: FakeTelegramServer,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    run_worker: Callable[..., Any],
) -> None:
    late, soon = await add_people(server, sessionmaker, clock, 2)
    await enqueue_texts(
        sessionmaker,
        clock,
        [late.id],
        kind="reminder",
        priority=Priority.REMINDER,
        expires_at=clock.now() - timedelta(seconds=1),
        dedup_key="r-late",
    )
    await enqueue_texts(
        sessionmaker,
        clock,
        [soon.id],
        kind="reminder",
        priority=Priority.REMINDER,
        not_before=clock.now() + timedelta(minutes=5),
        dedup_key="r-soon",
    )

    async with run_worker():
        await wait_for_outbox(sessionmaker, lambda c: c["expired"] == 1)
        await asyncio.sleep(0.2)
        assert await statuses(sessionmaker) == {"expired": 1, "pending": 1}
        clock.advance(minutes=5)
        await wait_for_outbox(sessionmaker)

    assert deliveries_per_chat(server) == {soon.id: 1}
    async with sessionmaker() as session:
        sent = await delivery_by_key(session, "r-soon")
    assert sent is not None
    assert sent.message_id is not None
    assert sent.sent_at == clock.now()


async def test_reminders_go_before_a_waiting_broadcast(
    server: FakeTelegramServer,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    run_worker: Callable[..., Any],
) -> None:
    people = await add_people(server, sessionmaker, clock, 40)
    await enqueue_texts(sessionmaker, clock, [p.id for p in people[:30]], text="broadcast")
    await enqueue_texts(
        sessionmaker,
        clock,
        [p.id for p in people[30:]],
        text="reminder",
        kind="reminder",
        ref=None,
        priority=Priority.REMINDER,
    )

    async with run_worker(rate=100, batch=40):
        await wait_for_outbox(sessionmaker)

    order = [call.params["text"] for call in server.calls("sendMessage", ok=True)]
    assert order[:10] == ["reminder"] * 10


async def test_payloads_keep_their_buttons_and_formatting(
    server: FakeTelegramServer,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    run_worker: Callable[..., Any],
) -> None:
    (person,) = await add_people(server, sessionmaker, clock, 1)
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Open", callback_data="lead:7")]]
    )
    async with sessionmaker() as session, session.begin():
        await enqueue(
            session,
            [
                Outgoing(
                    person.id,
                    {
                        "method": "sendMessage",
                        "text": "New lead: <b>Ann</b>",
                        "parse_mode": "HTML",
                        "reply_markup": keyboard.model_dump(exclude_none=True),
                    },
                    dedup_key="lead:7",
                )
            ],
            kind="lead",
            priority=Priority.NOTIFICATION,
            now=clock.now(),
        )
    async with run_worker():
        await wait_for_outbox(sessionmaker)
    (message,) = person.messages
    assert message.text == "New lead: Ann"
    assert message.entities[0]["type"] == "bold"
    assert message.buttons[0].callback_data == "lead:7"
    async with sessionmaker() as session:
        delivery = await delivery_by_key(session, "lead:7")
    assert delivery is not None
    assert delivery.message_id == message.message_id


@pytest.mark.redis
async def test_two_workers_share_the_outbox_and_one_rate(
    server: FakeTelegramServer,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    run_worker: Callable[..., Any],
    redis: Redis,
    redis_prefix: str,
) -> None:
    """Two bot processes (here: two workers, bots and Redis limiters) on one database: each
    message goes once, and together they keep to the token's one rate."""
    server.rate_limit = 30
    people = await add_people(server, sessionmaker, clock, 60)
    await enqueue_texts(sessionmaker, clock, [p.id for p in people])
    limiters = [
        RedisSendLimiter(redis, prefix=redis_prefix, bot_id=server.token.split(":")[0], rate=25)
        for _ in range(2)
    ]
    bots = [server.make_bot() for _ in limiters]
    for bot, limiter in zip(bots, limiters, strict=True):
        limit_bot(bot, limiter)
    try:
        async with (
            run_worker(rate=25, limiter=limiters[0], bot=bots[0], batch=6) as first,
            run_worker(rate=25, limiter=limiters[1], bot=bots[1], batch=6) as second,
        ):
            await wait_for_outbox(sessionmaker, timeout=15)
    finally:
        for bot in bots:
            await bot.session.close()
    per_chat = deliveries_per_chat(server)
    assert set(per_chat.values()) == {1}
    assert len(per_chat) == 60
    assert first.worker.stats.sent > 10
    assert second.worker.stats.sent > 10
    calls = server.calls("sendMessage", ok=True)
    assert (len(calls) - 1) / (calls[-1].monotonic - calls[0].monotonic) < 26
    assert server.stats.requests_during_ban == 0
