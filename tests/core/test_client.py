"""The bot's Bot API session (bot/client.py) against the fake Telegram server over HTTP."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiogram import Bot
from aiogram.methods import Response, SendMessage
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.app import build_bot
from bot.client import PREBUILT, BotApiSession
from bot.config import Settings
from bot.fakeapi import FakeTelegramServer


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer() as running:
        yield running


@pytest.fixture
async def api_bot(
    server: FakeTelegramServer, make_settings: Callable[..., Settings]
) -> AsyncIterator[Bot]:
    bot = build_bot(make_settings(telegram_api_url=server.base_url, bot_token=server.token))
    assert isinstance(bot.session, BotApiSession)
    yield bot
    await bot.session.close()


async def test_a_message_with_a_keyboard_goes_as_json_and_arrives_whole(
    server: FakeTelegramServer, api_bot: Bot
) -> None:
    user = server.user(started=True)
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Share «Ғарыш» <b>", callback_data="s:1")]]
    )
    sent = await api_bot.send_message(
        user.id, "<b>Hello</b> & 'Сәлем'", reply_markup=keyboard, disable_notification=False
    )

    assert isinstance(sent, Message)
    assert sent.text == "Hello & 'Сәлем'"
    (request,) = server.requests.by_method["sendMessage"]
    assert request.content_type == "application/json"
    assert request.params["chat_id"] == user.id  # a number, not the text of a form field
    assert request.params["parse_mode"] == "HTML"  # the bot's default filled in
    (message,) = user.messages
    assert message.text == "Hello & 'Сәлем'"
    assert [button.text for button in message.buttons] == ["Share «Ғарыш» <b>"]


async def test_a_request_with_a_file_still_goes_as_a_form(
    server: FakeTelegramServer, api_bot: Bot
) -> None:
    user = server.user(started=True)
    pdf = b"%PDF-1.4 fake cv\n%%EOF\n"
    await api_bot.send_document(
        user.id, BufferedInputFile(pdf, filename="cv.pdf"), caption="A <i>CV</i>"
    )

    (request,) = server.requests.by_method["sendDocument"]
    assert request.content_type == "multipart/form-data"
    (message,) = user.messages
    assert message.attachment is not None
    assert (message.attachment.file_name, message.attachment.content) == ("cv.pdf", pdf)
    assert message.caption == "A CV"


async def test_errors_keep_their_meaning_in_json_requests(
    server: FakeTelegramServer, api_bot: Bot
) -> None:
    from aiogram.exceptions import TelegramForbiddenError

    stranger = server.user()  # never wrote to the bot: Telegram answers 403
    with pytest.raises(TelegramForbiddenError):
        await api_bot.send_message(stranger.id, "hi")
    (request,) = server.requests.by_method["sendMessage"]
    assert request.content_type == "application/json"
    assert request.status == 403


def test_answer_models_of_the_common_methods_are_built_once_and_kept() -> None:
    session = BotApiSession()
    kept: dict[Any, type[Response[Any]]] = session._response_types
    assert {method.__returning__ for method in PREBUILT} <= kept.keys()
    model = kept[SendMessage.__returning__]
    gc.collect()
    assert Response[SendMessage.__returning__] is model  # type: ignore[name-defined]
