"""Answers of an update sent once its transaction committed, in the order handlers queued them.

A handler that has more to say than the one method it may return queues methods in
`data["replies"]` (`replies.add(message.answer(...))`). They go out after the unit of work
committed: a person is never told about a change that was then rolled back, and on SQLite the
write lock is not held while waiting for Telegram. An update that fails sends none of them (the
error handler answers instead).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import TelegramMethod
from aiogram.types import TelegramObject

log = logging.getLogger(__name__)


class Replies:
    """Bot API methods to execute after the commit."""

    __slots__ = ("_methods",)

    def __init__(self) -> None:
        self._methods: list[TelegramMethod[Any]] = []

    def add(self, method: TelegramMethod[Any]) -> None:
        self._methods.append(method)

    def __len__(self) -> int:
        return len(self._methods)

    def drain(self) -> list[TelegramMethod[Any]]:
        methods, self._methods = self._methods, []
        return methods


class RepliesMiddleware(BaseMiddleware):
    """Puts a `Replies` in `data["replies"]`. Must sit outside UnitOfWorkMiddleware."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        replies = Replies()
        data["replies"] = replies
        result = await handler(event, data)
        bot: Bot | None = data.get("bot")
        if bot is None:
            return result
        for method in replies.drain():
            try:
                await bot(method)
            except TelegramAPIError as error:
                # The update is handled and committed; a lost answer is not worth a retry loop.
                log.warning("reply %s failed: %s", type(method).__name__, error)
        return result
