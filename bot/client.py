"""The HTTP session the bot talks to the Bot API with: aiogram's aiohttp session, minus two costs.

1. aiogram posts every request as a multipart form, one part per field, nested objects (a
   keyboard, entities) as JSON strings inside it. The Bot API takes a JSON body as well; for a
   request without a file that is one `json_dumps` instead of a form writer, on both sides.
   Requests carrying a file still go as forms (aiogram's own code).
2. aiogram parses every answer as `Response[<the method's result type>]`. Pydantic keeps such
   parametrised models in a weak cache, so once the collector has freed one (nothing else holds
   it) the next call builds the model class again: a full schema build, several milliseconds per
   request under load. Holding them here makes each one a dictionary lookup; those of the methods
   every conversation uses are built with the session, not in the middle of someone's update.
"""

from __future__ import annotations

from typing import Any, cast

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    Response,
    SendMessage,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiohttp import ClientError

# The methods of nearly every update: their answers' models are built when the session is.
PREBUILT: tuple[type[TelegramMethod[Any]], ...] = (
    SendMessage,
    EditMessageText,
    EditMessageReplyMarkup,
    AnswerCallbackQuery,
)
JSON_HEADERS = {"Content-Type": "application/json"}


class BotApiSession(AiohttpSession):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._response_types: dict[Any, type[Response[Any]]] = {}
        for method in PREBUILT:
            self._keep_response_type(method.__returning__)

    def _keep_response_type(self, returning: Any) -> None:
        if returning not in self._response_types:
            self._response_types[returning] = Response[returning]  # type: ignore[valid-type]

    def check_response(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        status_code: int,
        content: str,
    ) -> Response[TelegramType]:
        self._keep_response_type(method.__returning__)
        return super().check_response(bot, method, status_code, content)

    def json_body(self, bot: Bot, method: TelegramMethod[Any]) -> dict[str, Any] | None:
        """The request as a JSON object, or None when it carries a file (a form is needed)."""
        files: dict[str, Any] = {}
        body: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if prepared is None:
                continue
            body[key] = prepared
        return None if files else body

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - aiogram's signature
    ) -> TelegramType:
        body = self.json_body(bot, method)
        if body is None:
            return await super().make_request(bot, method, timeout)
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        try:
            async with session.post(
                url,
                data=self.json_dumps(body),
                headers=JSON_HEADERS,
                timeout=self.timeout if timeout is None else timeout,
            ) as resp:
                raw_result = await resp.text()
        except TimeoutError as error:
            raise TelegramNetworkError(method=method, message="Request timeout error") from error
        except ClientError as error:
            message = f"{type(error).__name__}: {error}"
            raise TelegramNetworkError(method=method, message=message) from error
        response = self.check_response(
            bot=bot, method=method, status_code=resp.status, content=raw_result
        )
        return cast(TelegramType, response.result)
