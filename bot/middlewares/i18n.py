"""Picks the language of each update and gives handlers `lang` and `t(key, **args)`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject
from aiogram.types import User as TelegramUser

from bot.db.models import User
from bot.i18n import Translator, language_from_telegram

FSM_LANGUAGE_KEY = "language"
"""FSM data key where a flow keeps the language picked before the choice is stored on the user."""


class I18nMiddleware(BaseMiddleware):
    """Language: the person's stored choice, else the one in their FSM data, else Telegram's
    `language_code` (kk → kk, ru → ru, anything else → en). Sets `data["lang"]` and `data["t"]`.
    Must sit inside KnownUserMiddleware (it reads `data["user"]`)."""

    def __init__(self, translator: Translator) -> None:
        self._translator = translator

    async def resolve(self, data: dict[str, Any]) -> str:
        user: User | None = data.get("user")
        if user is not None and user.language in self._translator.languages:
            return user.language
        state: FSMContext | None = data.get("state")
        if state is not None:
            chosen = (await state.get_data()).get(FSM_LANGUAGE_KEY)
            if chosen in self._translator.languages:
                return str(chosen)
        person: TelegramUser | None = data.get("event_from_user")
        return language_from_telegram(person.language_code if person else None)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        lang = await self.resolve(data)
        data["lang"] = lang
        data["t"] = self._translator.bind(lang)
        return await handler(event, data)
