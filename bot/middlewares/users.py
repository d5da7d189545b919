"""Loads (or creates on first contact) the database row of the person behind the update."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from aiogram.types import User as TelegramUser

from bot.clock import Clock
from bot.services.users import FirstContact, known_user


class KnownUserMiddleware(BaseMiddleware):
    """Puts the `bot.db.models.User` row in `data["user"]` (None for updates without a person).

    Only messages and button presses count as contact: a person who writes again after blocking
    the bot is reachable again. The row holds nothing but the Telegram id until the person
    consents (the student flow keeps the deep-link payload and language in the conversation
    state until then). Must sit inside UnitOfWorkMiddleware.
    """

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        person: TelegramUser | None = data.get("event_from_user")
        data["user"] = None
        if (
            isinstance(event, Update)
            and person is not None
            and not person.is_bot
            and (event.message is not None or event.callback_query is not None)
        ):
            contact = FirstContact(user_id=person.id)
            data["user"] = await known_user(data["session"], contact, now=self._clock.now())
        return await handler(event, data)
