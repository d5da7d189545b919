"""The send limiter: the rate, priorities, 429 bans; shared through Redis by several processes."""

from __future__ import annotations

import asyncio
import time

import pytest
from redis.asyncio import Redis

from bot.delivery.limiter import (
    OVERDRAFT_SECONDS,
    MemorySendLimiter,
    RedisSendLimiter,
    limit_bot,
    sending_as,
)
from bot.delivery.outbox import Priority
from bot.fakeapi import FakeTelegramServer


async def _timed(limiter: MemorySendLimiter | RedisSendLimiter, count: int) -> float:
    started = time.monotonic()
    for _ in range(count):
        await limiter.acquire(Priority.BROADCAST)
    return time.monotonic() - started


async def test_slots_come_at_the_rate() -> None:
    limiter = MemorySendLimiter(100)
    try:
        elapsed = await _timed(limiter, 41)
    finally:
        await limiter.close()
    # 40 intervals of 10 ms (the first slot is free); a little catch-up is allowed.
    assert 0.38 <= elapsed < 0.6


async def test_interactive_replies_go_before_waiting_broadcasts() -> None:
    limiter = MemorySendLimiter(20)
    order: list[str] = []

    async def wait(name: str, priority: Priority) -> None:
        await limiter.acquire(priority)
        order.append(name)

    try:
        await limiter.acquire(Priority.BROADCAST)  # the current slot is taken
        waiting = [asyncio.create_task(wait(f"b{n}", Priority.BROADCAST)) for n in range(4)]
        waiting.append(asyncio.create_task(wait("reminder", Priority.REMINDER)))
        await asyncio.sleep(0.01)  # all of them queue up while the limiter waits for a slot
        waiting.append(asyncio.create_task(wait("reply", Priority.INTERACTIVE)))
        await asyncio.gather(*waiting)
    finally:
        await limiter.close()
    assert order == ["reply", "reminder", "b0", "b1", "b2", "b3"]


async def test_a_reply_does_not_wait_for_a_slot_while_a_broadcast_waits() -> None:
    limiter = MemorySendLimiter(2)  # a slot every 500 ms
    try:
        await limiter.acquire(Priority.BROADCAST)
        broadcast = asyncio.create_task(limiter.acquire(Priority.BROADCAST))
        await asyncio.sleep(0.01)
        started = time.monotonic()
        for _ in range(3):
            await limiter.acquire(Priority.INTERACTIVE)
        replies_took = time.monotonic() - started
        assert not broadcast.done()
        await broadcast
    finally:
        await limiter.close()
    assert replies_took < 0.05


async def test_replies_overdraw_the_budget_and_bulk_sends_slow_down() -> None:
    limiter = MemorySendLimiter(20)  # 50 ms a slot
    try:
        await limiter.acquire(Priority.BROADCAST)
        started = time.monotonic()
        for _ in range(10):
            await limiter.acquire(Priority.INTERACTIVE)
        assert time.monotonic() - started < 0.05
        await limiter.acquire(Priority.BROADCAST)
        waited = time.monotonic() - started
    finally:
        await limiter.close()
    # The broadcast's slot comes after the 10 the replies took: 11 intervals of 50 ms.
    assert 0.5 <= waited < 0.8


async def test_a_reply_burst_pushes_bulk_back_at_most_the_overdraft() -> None:
    limiter = MemorySendLimiter(10)  # 100 ms a slot
    try:
        started = time.monotonic()
        for _ in range(100):  # ten seconds' worth of budget
            await limiter.acquire(Priority.INTERACTIVE)
        await limiter.acquire(Priority.REMINDER)
        waited = time.monotonic() - started
    finally:
        await limiter.close()
    assert OVERDRAFT_SECONDS - 0.05 <= waited < OVERDRAFT_SECONDS + 0.3


async def test_a_ban_stops_every_slot_until_it_passes() -> None:
    limiter = MemorySendLimiter(1000)
    try:
        await limiter.acquire()
        await limiter.ban(0.3)
        started = time.monotonic()
        await limiter.acquire(Priority.INTERACTIVE)
        assert time.monotonic() - started >= 0.29
    finally:
        await limiter.close()


async def test_a_cancelled_waiter_does_not_hold_up_the_others() -> None:
    limiter = MemorySendLimiter(50)
    try:
        await limiter.acquire()
        gone = asyncio.create_task(limiter.acquire(Priority.INTERACTIVE))
        await asyncio.sleep(0)
        gone.cancel()
        await asyncio.wait_for(limiter.acquire(Priority.BROADCAST), 1)
    finally:
        await limiter.close()


@pytest.mark.redis
async def test_processes_share_one_rate_and_one_ban(redis: Redis, redis_prefix: str) -> None:
    first = RedisSendLimiter(redis, prefix=redis_prefix, bot_id=42, rate=50)
    second = RedisSendLimiter(redis, prefix=redis_prefix, bot_id=42, rate=50)
    other_bot = RedisSendLimiter(redis, prefix=redis_prefix, bot_id=43, rate=50)
    try:
        started = time.monotonic()
        await asyncio.gather(_timed(first, 13), _timed(second, 13))
        # 26 slots of one 50/s budget: 25 intervals of 20 ms.
        assert time.monotonic() - started >= 0.45
        await first.ban(0.4)
        assert 0.3 < await second.banned_for() <= 0.4
        started = time.monotonic()
        await second.acquire(Priority.INTERACTIVE)
        assert time.monotonic() - started >= 0.35
        started = time.monotonic()
        await other_bot.acquire()  # another token has its own budget and bans
        assert time.monotonic() - started < 0.1
    finally:
        for limiter in (first, second, other_bot):
            await limiter.close()


@pytest.mark.redis
async def test_replies_overdraw_the_shared_budget(redis: Redis, redis_prefix: str) -> None:
    replying = RedisSendLimiter(redis, prefix=redis_prefix, bot_id=42, rate=20)
    broadcasting = RedisSendLimiter(redis, prefix=redis_prefix, bot_id=42, rate=20)
    try:
        await broadcasting.acquire(Priority.BROADCAST)
        started = time.monotonic()
        for _ in range(10):
            await replying.acquire(Priority.INTERACTIVE)
        assert time.monotonic() - started < 0.2
        await broadcasting.acquire(Priority.BROADCAST)
        waited = time.monotonic() - started
    finally:
        await replying.close()
        await broadcasting.close()
    # The other process's broadcast waits for the 10 slots the replies took.
    assert 0.45 <= waited < 0.9


async def test_a_reply_made_during_a_ban_waits_it_out() -> None:
    async with FakeTelegramServer() as server:
        people = [server.user(f"Reader {n}", started=True) for n in range(3)]
        server.faults.add("sendMessage", error=429, times=1, retry_after=1)
        bot = server.make_bot()
        limiter = MemorySendLimiter(25)
        limit_bot(bot, limiter)
        try:
            with sending_as(Priority.BROADCAST):
                broadcast = asyncio.create_task(bot.send_message(people[0].id, "News"))
            async with asyncio.timeout(5):
                while True:  # until the 429 came back to the bot
                    if await limiter.banned_for():
                        break
                    await asyncio.sleep(0.005)
            started = time.monotonic()
            await bot.send_message(people[1].id, "Your answer")
            waited = time.monotonic() - started
            await broadcast
        finally:
            await limiter.close()
            await bot.session.close()
    assert waited >= 0.7  # the rest of the 1 s ban
    assert server.stats.requests_during_ban == 0
    assert [m.text for m in people[1].messages] == ["Your answer"]
    assert [m.text for m in people[0].messages] == ["News"]


async def test_a_429_to_a_reply_is_waited_out_and_the_reply_sent() -> None:
    async with FakeTelegramServer() as server:
        person = server.user("Aigerim", started=True)
        server.faults.add("sendMessage", error=429, retry_after=1)
        bot = server.make_bot()
        limiter = MemorySendLimiter(25)
        limit_bot(bot, limiter)
        try:
            started = time.monotonic()
            with sending_as(Priority.INTERACTIVE):
                message = await bot.send_message(person.id, "Hello")
            waited = time.monotonic() - started
            await bot.send_message(person.id, "Again")
        finally:
            await limiter.close()
            await bot.session.close()
    assert message.text == "Hello"
    assert waited >= 1.0
    assert server.stats.retry_after_given == 1
    assert server.stats.requests_during_ban == 0
    assert [m.text for m in person.messages] == ["Hello", "Again"]


async def test_reading_methods_do_not_wait_for_slots() -> None:
    async with FakeTelegramServer() as server:
        bot = server.make_bot()
        limiter = MemorySendLimiter(1)
        limit_bot(bot, limiter)
        try:
            await limiter.ban(5)
            started = time.monotonic()
            await bot.get_me()
            assert time.monotonic() - started < 1
        finally:
            await limiter.close()
            await bot.session.close()
