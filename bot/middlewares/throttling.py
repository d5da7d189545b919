"""Slows down a person who floods the bot: one polite notice, then silence until the window ends."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from aiogram.types import User as TelegramUser
from redis.asyncio import Redis

from bot.clock import Clock
from bot.i18n import Translate

log = logging.getLogger(__name__)


class FloodCounter(Protocol):
    async def hit(self, user_id: int) -> int:
        """Count one more update from `user_id`; return the count in the current window."""
        ...


class MemoryFloodCounter:
    """Fixed windows per person, in this process (one process without Redis)."""

    def __init__(self, clock: Clock, window_seconds: float) -> None:
        self._clock = clock
        self._window = window_seconds
        self._windows: dict[int, tuple[float, int]] = {}

    async def hit(self, user_id: int) -> int:
        now = self._clock.now().timestamp()
        started, count = self._windows.get(user_id, (now, 0))
        if now - started >= self._window:
            started, count = now, 0
        self._windows[user_id] = (started, count + 1)
        if len(self._windows) > 10_000:
            self._forget_expired(now)
        return count + 1

    def _forget_expired(self, now: float) -> None:
        for user_id, (started, _) in list(self._windows.items()):
            if now - started >= self._window:
                del self._windows[user_id]


class RedisFloodCounter:
    """Fixed windows per person in Redis, shared by all processes."""

    def __init__(self, redis: Redis, prefix: str, window_seconds: float) -> None:
        self._redis = redis
        self._prefix = prefix
        self._window_ms = int(window_seconds * 1000)

    async def hit(self, user_id: int) -> int:
        key = f"{self._prefix}:flood:{user_id}"
        async with self._redis.pipeline(transaction=True) as pipe:
            # The first hit of a window creates the key with its expiry; INCR keeps the expiry.
            pipe.set(key, 0, px=self._window_ms, nx=True)
            pipe.incr(key)
            _, count = await pipe.execute()
        return int(count)


class ThrottlingMiddleware(BaseMiddleware):
    """Counts messages and button presses per person. The `limit`-th one in a window gets a
    translated notice instead of an answer; later ones are dropped until the window passes.
    Must sit inside I18nMiddleware (it uses `data["t"]`)."""

    def __init__(self, counter: FloodCounter, limit: int) -> None:
        self._counter = counter
        self._limit = limit

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        person: TelegramUser | None = data.get("event_from_user")
        if not isinstance(event, Update) or person is None:
            return await handler(event, data)
        if event.message is None and event.callback_query is None:
            return await handler(event, data)
        count = await self._counter.hit(person.id)
        if count < self._limit:
            return await handler(event, data)
        if count > self._limit:
            return None
        log.info("throttling user %s: %s updates in one window", person.id, count)
        t: Translate = data["t"]
        if event.callback_query is not None:
            return event.callback_query.answer(t("throttled"), show_alert=True)
        assert event.message is not None
        return event.message.answer(t("throttled"))
