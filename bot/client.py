"""The HTTP session the bot talks to the Bot API with: aiogram's aiohttp session, minus a cost.

aiogram parses every answer as `Response[<the method's result type>]`. Pydantic keeps such
parametrised models in a weak cache, so once the collector has freed one (nothing else holds
it) the next call builds the model class again: a full schema build, several milliseconds per
request under load. Holding them here makes each one a dictionary lookup.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType


class BotApiSession(AiohttpSession):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._response_types: dict[Any, type[Response[Any]]] = {}

    def check_response(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        status_code: int,
        content: str,
    ) -> Response[TelegramType]:
        returning = method.__returning__
        if returning not in self._response_types:
            self._response_types[returning] = Response[returning]  # type: ignore[valid-type]
        return super().check_response(bot, method, status_code, content)
