"""The one rate limiter of the bot token: every message the bot sends waits for a slot here.

Telegram lets a bot send about 30 messages per second to different chats (up to 1,000 with paid
broadcasts) and answers 429 with `retry_after` above that. So:

- Bulk sends (reminders, notifications, broadcasts: `bot.delivery.outbox.Priority`) get slots
  at `rate` per second (a GCRA: evenly spaced, a few milliseconds of catch-up allowed so the
  event loop's timer granularity does not cost throughput), served by priority. A caller says
  what it is sending with `sending_as(priority)`; the outbox workers do this for every row.
- Interactive sends (the default: replies to a person's own action, made while handling their
  update) never wait for the budget. They *overdraw* it: each one still takes a slot, so the
  bulk sends after it are pushed back, by at most `OVERDRAFT_SECONDS` (a reply burst says
  nothing about Telegram's window a minute later). While replies alone exceed the rate, bulk
  sends wait; a person is never kept waiting behind a broadcast.
- A 429 from any send bans the token: nothing is sent until `retry_after` has passed, whatever
  the priority, replies included. Requests already on the wire when the 429 arrives cannot be
  recalled.

`MemorySendLimiter` serves one process; `RedisSendLimiter` keeps the slots and the ban in Redis,
so every process of the bot shares one budget (REDIS_URL). `RateLimitMiddleware` puts the limiter
in front of every Bot API call of a `Bot` (aiogram request middleware).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import heapq
import itertools
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Protocol

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods.base import TelegramType

from bot.delivery.outbox import Priority

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import Response, TelegramMethod
    from redis.asyncio import Redis

log = logging.getLogger(__name__)

# Methods that put something into a chat: Telegram's flood control counts these.
SENDING_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendAudio",
        "sendVideo",
        "sendAnimation",
        "sendVoice",
        "sendVideoNote",
        "sendSticker",
        "sendMediaGroup",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendPoll",
        "sendDice",
        "sendPaidMedia",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "editMessageMedia",
    }
)

CATCH_UP_SECONDS = 0.005
"""How far behind schedule the limiter may hand out slots back to back (a timer that fired
late). Keeps the achieved rate at the configured one without letting any one-second window
hold more than rate + 1 sends."""

OVERDRAFT_SECONDS = 1.0
"""How far interactive sends may push the bulk sends' next slot into the future."""

send_priority: contextvars.ContextVar[int] = contextvars.ContextVar(
    "send_priority", default=int(Priority.INTERACTIVE)
)


@contextlib.contextmanager
def sending_as(priority: Priority | int) -> Iterator[None]:
    """Bot API calls made inside this block wait at the limiter with `priority`."""
    token = send_priority.set(int(priority))
    try:
        yield
    finally:
        send_priority.reset(token)


class SendLimiter(Protocol):
    rate: float

    async def acquire(self, priority: int = Priority.INTERACTIVE) -> None:
        """Wait for a send slot; lower priority numbers are served first. INTERACTIVE waits
        only for a ban and overdraws the budget (see the module docstring)."""
        ...

    async def ban(self, seconds: float) -> None:
        """Telegram said 429: hand out no slot for `seconds` (every process, every priority)."""
        ...

    async def banned_for(self) -> float:
        """Seconds the current ban still lasts (0 when there is none)."""
        ...

    async def close(self) -> None: ...


class _PriorityGate:
    """Hands out slots one by one to waiters in priority order.

    One pump task asks `take()` for a slot (0 = granted now, else seconds to wait) and gives each
    granted slot to the best waiter *at that moment*, so an interactive reply arriving while the
    pump waits still goes before the broadcast messages that were waiting earlier.
    """

    def __init__(self, take: Callable[[], Awaitable[float]]) -> None:
        self._take = take
        self._waiters: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._pump: asyncio.Task[None] | None = None
        self._wakeup: asyncio.Event | None = None

    async def acquire(self, priority: int) -> None:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        heapq.heappush(self._waiters, (priority, next(self._order), future))
        if self._pump is None or self._pump.done():
            self._pump = loop.create_task(self._run(), name="send-limiter")
        await future

    def poke(self) -> None:
        """Something changed (a ban): re-ask `take()` now instead of after the current wait."""
        if self._wakeup is not None:
            self._wakeup.set()

    def _drop_gone(self) -> None:
        while self._waiters and self._waiters[0][2].done():
            heapq.heappop(self._waiters)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        self._wakeup = wakeup = asyncio.Event()
        while True:
            self._drop_gone()
            if not self._waiters:
                return
            try:
                wait = await self._take()
            except Exception:  # a Redis hiccup must not strand every sender
                log.warning("send limiter could not get a slot; retrying", exc_info=True)
                wait = 0.5
            if wait > 0:
                wakeup.clear()
                timer = loop.call_later(wait, wakeup.set)
                try:
                    await wakeup.wait()
                finally:
                    timer.cancel()
                continue
            self._drop_gone()
            if self._waiters:
                heapq.heappop(self._waiters)[2].set_result(None)

    async def close(self) -> None:
        if self._pump is not None and not self._pump.done():
            self._pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pump
        for _, _, future in self._waiters:
            if not future.done():
                future.cancel()
        self._waiters.clear()


class MemorySendLimiter:
    """The limiter for one process (no Redis)."""

    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self._interval = 1.0 / rate
        self._catch_up = min(CATCH_UP_SECONDS, self._interval)
        self._clock = clock
        self._next_slot = 0.0  # GCRA's theoretical arrival time
        self._ban_until = 0.0
        self._gate = _PriorityGate(self._take)

    async def banned_for(self) -> float:
        return max(0.0, self._ban_until - self._clock())

    async def _take(self) -> float:
        now = self._clock()
        if self._ban_until > now:
            return self._ban_until - now
        slot = max(self._next_slot, now - self._catch_up)
        if slot > now:
            return slot - now
        self._next_slot = slot + self._interval
        return 0.0

    def _overdraw(self) -> float:
        now = self._clock()
        if self._ban_until > now:
            return self._ban_until - now
        slot = max(self._next_slot, now - self._catch_up)
        self._next_slot = min(slot + self._interval, now + OVERDRAFT_SECONDS)
        return 0.0

    async def acquire(self, priority: int = Priority.INTERACTIVE) -> None:
        if priority > Priority.INTERACTIVE:
            await self._gate.acquire(priority)
            return
        while True:  # a ban can be extended while we wait it out
            wait = self._overdraw()
            if wait <= 0:
                return
            await asyncio.sleep(wait)

    async def ban(self, seconds: float) -> None:
        self._ban_until = max(self._ban_until, self._clock() + seconds)
        self._gate.poke()

    async def close(self) -> None:
        await self._gate.close()


# Slots and the ban live in Redis, timed by Redis's own clock so processes on machines whose
# clocks differ still agree. Times are microseconds. Returns 0 (slot granted) or how many
# microseconds to wait before asking again.
_TAKE_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local ban = tonumber(redis.call('GET', KEYS[2]) or '0')
if ban > now then return ban - now end
local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
local earliest = now - tonumber(ARGV[2])
if slot < earliest then slot = earliest end
if slot > now then return math.max(1, math.floor(slot - now)) end
redis.call('SET', KEYS[1], string.format('%.0f', slot + tonumber(ARGV[1])), 'PX', 60000)
return 0
"""
# An interactive send: 0 once it took a slot, overdrawing the budget by at most ARGV[3]; or
# how many microseconds the current ban still lasts.
_OVERDRAW_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local ban = tonumber(redis.call('GET', KEYS[2]) or '0')
if ban > now then return ban - now end
local slot = tonumber(redis.call('GET', KEYS[1]) or '0')
local earliest = now - tonumber(ARGV[2])
if slot < earliest then slot = earliest end
local next_slot = math.min(slot + tonumber(ARGV[1]), now + tonumber(ARGV[3]))
redis.call('SET', KEYS[1], string.format('%.0f', next_slot), 'PX', 60000)
return 0
"""
_BAN_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local until_ = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > current then
  redis.call('SET', KEYS[1], string.format('%.0f', until_), 'PX',
             math.ceil(tonumber(ARGV[1]) / 1000) + 1000)
end
return 0
"""


class RedisSendLimiter:
    """The limiter shared by every process of one bot token through Redis.

    Each process keeps its own waiters in priority order and asks Redis for one slot at a time,
    so the token's rate and any 429 ban hold across processes. A ban this process received is
    also kept here, so its replies honour it even when Redis does not answer.
    """

    def __init__(self, redis: Redis, *, prefix: str, bot_id: int | str, rate: float) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self._redis = redis
        interval = 1.0 / rate
        self._interval_us = round(interval * 1_000_000)
        self._catch_up_us = round(min(CATCH_UP_SECONDS, interval) * 1_000_000)
        self._slot_key = f"{prefix}:delivery:{bot_id}:slot"
        self._ban_key = f"{prefix}:delivery:{bot_id}:ban"
        self._overdraft_us = round(OVERDRAFT_SECONDS * 1_000_000)
        self._take_script = redis.register_script(_TAKE_SCRIPT)
        self._overdraw_script = redis.register_script(_OVERDRAW_SCRIPT)
        self._ban_script = redis.register_script(_BAN_SCRIPT)
        self._gate = _PriorityGate(self._take)
        self._local_ban_until = 0.0  # time.monotonic()

    async def _take(self) -> float:
        wait_us = await self._take_script(
            keys=[self._slot_key, self._ban_key], args=[self._interval_us, self._catch_up_us]
        )
        return int(wait_us) / 1_000_000

    async def _overdraw(self) -> float:
        local = self._local_ban_until - time.monotonic()
        if local > 0:
            return local
        try:
            wait_us = await self._overdraw_script(
                keys=[self._slot_key, self._ban_key],
                args=[self._interval_us, self._catch_up_us, self._overdraft_us],
            )
        except Exception:  # a Redis hiccup must not keep a person from their answer
            log.warning("send limiter could not count a reply; sending it anyway", exc_info=True)
            return 0.0
        return int(wait_us) / 1_000_000

    async def acquire(self, priority: int = Priority.INTERACTIVE) -> None:
        if priority > Priority.INTERACTIVE:
            await self._gate.acquire(priority)
            return
        while True:  # a ban can be extended while we wait it out
            wait = await self._overdraw()
            if wait <= 0:
                return
            await asyncio.sleep(wait)

    async def ban(self, seconds: float) -> None:
        self._local_ban_until = max(self._local_ban_until, time.monotonic() + seconds)
        try:
            await self._ban_script(keys=[self._ban_key], args=[round(seconds * 1_000_000)])
        finally:
            self._gate.poke()

    async def banned_for(self) -> float:
        value = await self._redis.get(self._ban_key)
        if value is None:
            return 0.0
        seconds, micros = await self._redis.time()
        return max(0.0, (int(value) - (seconds * 1_000_000 + micros)) / 1_000_000)

    async def close(self) -> None:
        await self._gate.close()


class RateLimitMiddleware(BaseRequestMiddleware):
    """Every sending Bot API call of the bot goes through the limiter first: a bulk send (under
    `sending_as(REMINDER ... BROADCAST)`) waits for its slot; anything else is a reply to someone's
    action (the default) and waits only while the token is banned.

    On 429 the token is banned for `retry_after` and the call is made again once the ban is over
    (at most `flood_retries` times, then TelegramRetryAfter is raised to the caller), so neither
    a handler's reply nor an outbox row needs its own flood handling.
    """

    def __init__(self, limiter: SendLimiter, *, flood_retries: int = 3) -> None:
        self.limiter = limiter
        self._flood_retries = flood_retries

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if method.__api_method__ not in SENDING_METHODS:
            return await make_request(bot, method)
        floods = 0
        while True:
            await self.limiter.acquire(send_priority.get())
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                await self.limiter.ban(error.retry_after)
                floods += 1
                log.warning(
                    "Telegram flood control: %s answered 429, no sends for %s s (%s/%s)",
                    method.__api_method__,
                    error.retry_after,
                    floods,
                    self._flood_retries,
                )
                if floods > self._flood_retries:
                    raise


def limit_bot(bot: Bot, limiter: SendLimiter) -> RateLimitMiddleware:
    """Put `limiter` in front of every call `bot` makes (once per Bot)."""
    for existing in bot.session.middleware:
        if isinstance(existing, RateLimitMiddleware):
            raise RuntimeError("this bot already has a rate limiter")
    middleware = RateLimitMiddleware(limiter)
    bot.session.middleware(middleware)
    return middleware


def create_limiter(
    *, rate: float, redis: Redis | None, prefix: str, bot_id: int | str
) -> MemorySendLimiter | RedisSendLimiter:
    if redis is not None:
        return RedisSendLimiter(redis, prefix=prefix, bot_id=bot_id, rate=rate)
    return MemorySendLimiter(rate)
