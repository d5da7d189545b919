"""Simulated users through a small bot with buttons: presses, forged data, waiting, inspection."""

from __future__ import annotations

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters import CommandStart
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message

from bot.fakeapi import FakeTelegramServer, NoReplyError


def language_bot() -> Dispatcher:
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        keyboard = InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(text="English", callback_data="lang:en"),
                    InlineKeyboardButton(text="Русский", callback_data="lang:ru"),
                ],
                [InlineKeyboardButton(text="Forum site", url="https://example.org")],
            ]
        )
        await message.answer("<b>Choose a language</b>", parse_mode="HTML", reply_markup=keyboard)

    @router.callback_query(F.data.startswith("lang:"))
    async def chosen(query: CallbackQuery) -> None:
        assert query.data is not None
        assert isinstance(query.message, Message)
        language = query.data.removeprefix("lang:")
        await query.message.edit_text(f"Language: {language}")
        await query.answer(f"Saved {language}")

    @router.callback_query(F.data == "silent")
    async def silent(query: CallbackQuery) -> None:
        """Forgets to answer, which leaves a spinner in Telegram clients."""

    @router.callback_query()
    async def unknown(query: CallbackQuery) -> None:
        await query.answer("This button is no longer valid", show_alert=True)

    @router.message(F.text == "/bye")
    async def bye(message: Message) -> None:
        sent = await message.answer("Goodbye")
        await sent.delete()

    dp = Dispatcher()
    dp.include_router(router)
    return dp


async def test_pressing_buttons(server: FakeTelegramServer, bot: Bot) -> None:
    student = server.user("Aigerim")
    async with server.polling(language_bot(), bot):
        await student.send("/start")
        menu = await student.next_message()
        assert menu.text == "Choose a language"
        assert menu.source == "<b>Choose a language</b>"
        assert menu.button_texts == ["English", "Русский", "Forum site"]
        answer = await student.press("Русский")
        assert answer.text == "Saved ru"
        assert not answer.show_alert
        edited = await student.next_message()
        assert edited.message_id == menu.message_id
        assert edited.edited
        assert edited.text == "Language: ru"
        assert edited.inline_keyboard == ()

        await student.send("/start")
        await student.next_message()
        assert (await student.press(0)).text == "Saved en"  # by index, row by row
        assert (await student.next_message()).text == "Language: en"
        await student.send("/start")
        await student.next_message()
        with pytest.raises(AssertionError, match="has no callback_data"):
            await student.press("Forum site")
        with pytest.raises(AssertionError, match="no button 'Deutsch'"):
            await student.press("Deutsch")

        forged = await student.press(data="lang_admin:delete_all")
        assert forged.show_alert
        assert forged.text == "This button is no longer valid"
        assert [a.text for a in student.callback_answers] == [
            "Saved ru",
            "Saved en",
            "This button is no longer valid",
        ]
        with pytest.raises(NoReplyError, match="did not answer callback query"):
            await student.press(data="silent", timeout=0.2)
    [query_update] = [
        c for c in server.calls("answerCallbackQuery") if c.params.get("text") == "Saved ru"
    ]
    assert query_update.ok


async def test_waiting_for_messages(server: FakeTelegramServer, bot: Bot) -> None:
    student = server.user("Daulet", username="daulet")
    async with server.polling(language_bot(), bot):
        await student.send("/bye")
        goodbye = await student.next_message()
        assert goodbye.text == "Goodbye"
        await server.wait_for_calls("deleteMessage")
        assert student.messages == []
        await student.send("nobody answers this")
        with pytest.raises(NoReplyError) as caught:
            await student.next_message(timeout=0.1)
    report = str(caught.value)
    assert "got no new bot message within 0.1 s" in report
    assert "'nobody answers this'" in report


async def test_wait_for_message_with_a_predicate(server: FakeTelegramServer, bot: Bot) -> None:
    student = server.user("Ayan", started=True)
    for text in ("one", "two", "three"):
        await bot.send_message(student.id, text)
    three = await student.wait_for_message(lambda m: m.text == "three")
    assert three.text == "three"
    with pytest.raises(NoReplyError):
        await student.next_message(timeout=0.05)  # "one" and "two" were skipped
    await bot.send_message(student.id, "four")
    assert [m.text for m in student.drain()] == ["four"]
    assert [m.text for m in student.messages] == ["one", "two", "three", "four"]


async def test_other_kinds_of_messages(server: FakeTelegramServer, bot: Bot) -> None:
    student = server.user("Akbota", "Nurlanovna", language_code="kk")
    await student.share_contact("+77011234567")
    await student.send_photo(caption="my badge")
    await student.send_sticker()
    await student.send_voice()
    updates = await bot.get_updates()
    kinds = [u.message.content_type for u in updates if u.message]
    assert kinds == ["contact", "photo", "sticker", "voice"]
    contact = updates[0].message.contact if updates[0].message else None
    assert contact is not None
    assert contact.phone_number == "+77011234567"
    assert contact.user_id == student.id
    assert contact.last_name == "Nurlanovna"
    photo = updates[1].message.photo if updates[1].message else None
    assert photo is not None
    downloaded = await bot.download(photo[-1])
    assert downloaded is not None
    assert downloaded.read().startswith(b"\x89PNG")
