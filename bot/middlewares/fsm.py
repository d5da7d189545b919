"""aiogram's FSM middleware in two halves, so that the state is read in the update's transaction.

aiogram's own FSMContextMiddleware takes the per-person lock and reads the state before anything
else, i.e. before the unit of work opened the update's transaction: one more connection and
transaction per update. Here the lock is still taken first (it must cover the commit, or the
person's next update could read the state before this one committed it), and the state is read
inside the transaction, where the database storage keeps the record for the handlers' later
reads.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

from aiogram import BaseMiddleware, Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.types import TelegramObject


class FsmLockMiddleware(BaseMiddleware):
    """Outside the unit of work: the person's lock, and `state` (an FSMContext) in the data."""

    def __init__(self, fsm: FSMContextMiddleware) -> None:
        self._fsm = fsm

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        context = self._fsm.resolve_event_context(cast(Bot, data["bot"]), data)
        data["fsm_storage"] = self._fsm.storage
        if context is None:
            return await handler(event, data)
        async with self._fsm.events_isolation.lock(key=context.key):
            data["state"] = context
            return await handler(event, data)


class FsmStateMiddleware(BaseMiddleware):
    """Inside the unit of work: `raw_state`, read in the update's transaction."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        context: FSMContext | None = data.get("state")
        if context is not None:
            data["raw_state"] = await context.get_state()
        return await handler(event, data)
