"""Recognises an update delivered twice (webhook retries, polling after a crash) by its id."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Final

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

from bot.clock import Clock
from bot.repositories import updates as updates_repo


class _Duplicate:
    def __repr__(self) -> str:
        return "DUPLICATE"


DUPLICATE: Final = _Duplicate()
"""What feeding an update returns when it had already been handled."""


class DuplicateUpdate(Exception):
    """Another delivery of this update committed first; this one's effects are rolled back."""

    def __init__(self, update_id: int) -> None:
        super().__init__(f"update {update_id} was already handled")
        self.update_id = update_id


class LedgerMiddleware(BaseMiddleware):
    """Skips updates already in `processed_updates`, and records each handled update in the same
    transaction as its effects: an update's effects are committed once, whatever the deliveries.
    One statement does both: the update id is claimed (INSERT ... ON CONFLICT DO NOTHING) before
    the handler runs; a rollback releases the claim.

    Must sit inside UnitOfWorkMiddleware (it uses `data["session"]`).
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        session = data["session"]
        if not await updates_repo.claim(session, event.update_id, now=self._clock.now()):
            return DUPLICATE
        return await handler(event, data)
