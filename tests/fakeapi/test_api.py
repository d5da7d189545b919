"""The fake Bot API answers like Telegram: shapes, status codes, validation of what bots send."""

from __future__ import annotations

import aiohttp
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramUnauthorizedError,
)
from aiogram.methods.base import TelegramMethod
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    ReplyParameters,
)

from bot.fakeapi import FakeTelegramServer


class SendMagic(TelegramMethod[bool]):
    """A method Telegram does not have."""

    __returning__ = bool
    __api_method__ = "sendMagic"
    chat_id: int


async def test_get_me_through_a_plain_aiohttp_session(server: FakeTelegramServer) -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))
    async with Bot("123456789:AAH-some_token", session=session) as bot:
        me = await bot.get_me()
    assert me.id == 123456789
    assert me.is_bot
    assert me.username == "fairbot_test_bot"


async def test_revoked_token_is_unauthorized(server: FakeTelegramServer, bot: Bot) -> None:
    server.revoke()
    with pytest.raises(TelegramUnauthorizedError, match="Unauthorized"):
        await bot.get_me()


async def test_recorded_requests_show_decoded_params(server: FakeTelegramServer, bot: Bot) -> None:
    user = server.user("Ruslan", started=True)
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Go", callback_data="go")]]
    )
    await bot.send_message(user.id, "<b>Hi</b>", parse_mode="HTML", reply_markup=keyboard)
    [call] = server.calls("sendMessage")
    assert call.chat_id == user.id
    assert call.params["parse_mode"] == "HTML"
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]
    }
    assert call.result["text"] == "Hi"


async def test_unknown_method_is_404(server: FakeTelegramServer, bot: Bot) -> None:
    with pytest.raises(TelegramNotFound, match="Not Found"):
        await bot(SendMagic(chat_id=1))
    assert server.requests[-1].method == "sendMagic"
    assert server.requests[-1].status == 404


async def test_http_status_equals_error_code_for_every_body_kind(
    server: FakeTelegramServer,
) -> None:
    url = f"{server.base_url}/bot{server.token}/sendMessage"
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json={"chat_id": 42, "text": "hi"}) as resp:
            assert resp.status == 400
            assert await resp.json() == {
                "ok": False,
                "error_code": 400,
                "description": "Bad Request: chat not found",
            }
        user = server.user("Aidos", started=True)
        async with http.post(url, data={"chat_id": str(user.id), "text": "form"}) as resp:
            body = await resp.json()
            assert resp.status == 200
            assert body["ok"]
            assert body["result"]["text"] == "form"
        async with http.get(url, params={"chat_id": str(user.id), "text": "query"}) as resp:
            assert (await resp.json())["result"]["message_id"] == 2
        async with http.post(f"{server.base_url}/botNOTATOKEN/getMe") as resp:
            assert resp.status == 404
        async with http.post(f"{server.base_url}/bot{server.token}/GETME") as resp:
            assert resp.status == 200  # Telegram's method names are case-insensitive
    assert [m.text for m in user.messages] == ["form", "query"]


async def test_bot_cannot_start_a_conversation(server: FakeTelegramServer, bot: Bot) -> None:
    stranger = server.user("Stranger")
    with pytest.raises(TelegramForbiddenError, match="bot can't initiate conversation"):
        await bot.send_message(stranger.id, "hello")
    await stranger.send("/start")
    await bot.send_message(stranger.id, "hello")
    assert stranger.last_message is not None
    assert stranger.last_message.text == "hello"


@pytest.mark.parametrize(
    ("html", "error"),
    [
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<div>x</div>", 'Unsupported start tag "div" at byte offset 0'),
        ("Ә <script>", 'Unsupported start tag "script" at byte offset 3'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<a href=x>y</a>", None),
    ],
)
async def test_html_is_checked_with_telegrams_rules(
    server: FakeTelegramServer, bot: Bot, html: str, error: str | None
) -> None:
    user = server.user("Asel", started=True)
    if error is None:
        await bot.send_message(user.id, html, parse_mode="HTML")
        return
    with pytest.raises(TelegramBadRequest) as caught:
        await bot.send_message(user.id, html, parse_mode="HTML")
    assert caught.value.message == f"Bad Request: can't parse entities: {error}"
    assert user.messages == []


async def test_html_becomes_plain_text_with_entities(server: FakeTelegramServer, bot: Bot) -> None:
    user = server.user("Erlan", started=True)
    html = (
        "  <b>Ғарыш</b> &amp; <i>AT&T</i> 5 &gt; 3 &#169; "
        '<a href="https://example.org/?a=1&amp;b=2">site</a>\n'
        '<pre><code class="language-python">x = 1</code></pre> 🚀<u>u</u>\n'
    )
    sent = await bot.send_message(user.id, html, parse_mode="HTML")
    assert sent.text == "Ғарыш & AT&T 5 > 3 © site\nx = 1 🚀u"
    entities = [(e.type, e.offset, e.length) for e in sent.entities or []]
    assert entities == [
        ("bold", 0, 5),
        ("italic", 8, 4),
        ("text_link", 21, 4),
        ("pre", 26, 5),
        ("underline", 34, 1),  # 🚀 counts two UTF-16 units
    ]
    assert sent.entities is not None
    assert sent.entities[2].url == "https://example.org/?a=1&b=2"
    assert sent.entities[3].language == "python"
    message = user.last_message
    assert message is not None
    assert message.source == html
    assert message.parse_mode == "HTML"


async def test_text_limits(server: FakeTelegramServer, bot: Bot) -> None:
    user = server.user("Nurlan", started=True)
    await bot.send_message(user.id, "я" * 4096)
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(user.id, "я" * 4097)
    # The limit counts text after entity parsing: tags do not count.
    await bot.send_message(user.id, "<b>" + "я" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(user.id, " \n ")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(user.id, "<b></b>", parse_mode="HTML")


async def test_callback_data_over_64_bytes_is_rejected(
    server: FakeTelegramServer, bot: Bot
) -> None:
    user = server.user("Zhanna", started=True)
    ok = InlineKeyboardButton(text="ok", callback_data="x" * 64)
    await bot.send_message(
        user.id, "fits", reply_markup=InlineKeyboardMarkup(inline_keyboard=[[ok]])
    )
    too_long = InlineKeyboardButton(text="no", callback_data="ә" * 33)  # 66 bytes in UTF-8
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(
            user.id, "x", reply_markup=InlineKeyboardMarkup(inline_keyboard=[[too_long]])
        )
    plain = InlineKeyboardButton(text="no action")
    with pytest.raises(TelegramBadRequest, match="Text buttons are unallowed"):
        await bot.send_message(
            user.id, "x", reply_markup=InlineKeyboardMarkup(inline_keyboard=[[plain]])
        )


async def test_editing_and_deleting(server: FakeTelegramServer, bot: Bot) -> None:
    user = server.user("Bolat", started=True)
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Next", callback_data="n")]]
    )
    sent = await bot.send_message(
        user.id, "<b>Step 1</b>", parse_mode="HTML", reply_markup=keyboard
    )
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "<b>Step 1</b>",
            chat_id=user.id,
            message_id=sent.message_id,
            parse_mode="HTML",
            reply_markup=keyboard,
        )
    # Same text without the markup is a change: Telegram drops the keyboard.
    edited = await bot.edit_message_text(
        "<b>Step 1</b>", chat_id=user.id, message_id=sent.message_id, parse_mode="HTML"
    )
    assert not isinstance(edited, bool)
    assert edited.reply_markup is None
    await bot.edit_message_reply_markup(
        chat_id=user.id, message_id=sent.message_id, reply_markup=keyboard
    )
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(
            chat_id=user.id, message_id=sent.message_id, reply_markup=keyboard
        )
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=user.id, message_id=999)
    with pytest.raises(TelegramBadRequest, match="there is no caption in the message to edit"):
        await bot.edit_message_caption(chat_id=user.id, message_id=sent.message_id, caption="c")
    [message] = user.messages
    assert message.text == "Step 1"
    assert message.edited
    assert message.button_texts == ["Next"]
    assert await bot.delete_message(user.id, sent.message_id)
    assert user.messages == []
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(user.id, sent.message_id)
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(123, "nobody")


async def test_reply_keyboards_and_replies(server: FakeTelegramServer, bot: Bot) -> None:
    user = server.user("Saule", started=True)
    question = await bot.send_message(
        user.id,
        "Share your phone?",
        reply_markup=ReplyKeyboardMarkup(
            keyboard=[
                [KeyboardButton(text="📱 Share", request_contact=True)],
                [KeyboardButton(text="Skip")],
            ],
            one_time_keyboard=True,
        ),
    )
    keyboard = user.reply_keyboard
    assert keyboard is not None
    assert [[b.text for b in row] for row in keyboard] == [
        ["📱 Share"],
        ["Skip"],
    ]
    assert keyboard[0][0].request_contact
    await user.tap_reply_button("📱 Share")
    [update] = await bot.get_updates()
    assert update.message is not None
    assert update.message.contact is not None
    assert update.message.contact.user_id == user.id
    await bot.send_message(
        user.id,
        "Thanks",
        reply_markup=ReplyKeyboardRemove(),
        reply_parameters=ReplyParameters(message_id=question.message_id),
    )
    assert user.reply_keyboard is None
    last = user.last_message
    assert last is not None
    assert last.raw["reply_to_message"]["message_id"] == question.message_id
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(user.id, "x", reply_parameters=ReplyParameters(message_id=999))


async def test_commands_per_scope_and_language(server: FakeTelegramServer, bot: Bot) -> None:
    user = server.user("Kairat", language_code="ru", started=True)
    await bot.set_my_commands([BotCommand(command="start", description="Start")])
    await bot.set_my_commands(
        [BotCommand(command="start", description="Начать")],
        scope=BotCommandScopeAllPrivateChats(),
        language_code="ru",
    )
    await bot.set_my_commands(
        [BotCommand(command="broadcast", description="Рассылка")],
        scope=BotCommandScopeChat(chat_id=user.id),
    )
    ru = await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats(), language_code="ru")
    assert [c.description for c in ru] == ["Начать"]
    assert await bot.get_my_commands(scope=BotCommandScopeAllPrivateChats()) == []
    assert [c["command"] for c in server.commands_for(user)] == ["broadcast"]
    await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=user.id))
    assert [c["description"] for c in server.commands_for(user)] == ["Начать"]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Start Now", description="x")])


async def test_other_methods_aiogram_bots_call(server: FakeTelegramServer, bot: Bot) -> None:
    user = server.user("Gulnar", "Ospanova", started=True)
    assert await bot.send_chat_action(user.id, "typing")
    chat = await bot.get_chat(user.id)
    assert chat.first_name == "Gulnar"
    assert chat.type == "private"
    member = await bot.get_chat_member(user.id, user.id)
    assert member.status == "member"
    assert await bot.set_my_description("Career fair bot")
    assert (await bot.get_my_description()).description == "Career fair bot"
    assert (await bot.get_my_name()).name == "FairBot"
    info = await bot.get_webhook_info()
    assert info.url == ""
    assert info.pending_update_count == 0
    sent = await bot.send_message(user.id, "Original")
    copy = await bot.copy_message(user.id, user.id, sent.message_id)
    forwarded = await bot.forward_message(user.id, user.id, sent.message_id)
    assert copy.message_id == sent.message_id + 1
    assert forwarded.forward_origin is not None
    assert [m.text for m in user.messages] == ["Original", "Original", "Original"]


async def test_a_mention_by_id_parses_in_aiogram(server: FakeTelegramServer) -> None:
    """tg://user?id= links become text_mention entities that aiogram can read back."""
    bot = server.make_bot()
    person = server.user("Dana", started=True)
    try:
        sent = await bot.send_message(
            person.id, f'<a href="tg://user?id={person.id}">Dana</a>', parse_mode="HTML"
        )
    finally:
        await bot.session.close()
    assert sent.entities is not None
    assert sent.entities[0].type == "text_mention"
    assert sent.entities[0].user is not None
    assert sent.entities[0].user.id == person.id
