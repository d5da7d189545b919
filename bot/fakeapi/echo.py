"""Bare aiogram bots for the fake server: the echo baseline and a small demo with buttons."""

from __future__ import annotations

import html

from aiogram import F, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)


def echo_router() -> Router:
    """A Router that answers every text message with the same text (no parse mode)."""
    router = Router(name=__name__)

    @router.message(F.text)
    async def echo(message: Message) -> None:
        assert message.text is not None
        await message.answer(message.text, parse_mode=None)

    return router


def demo_router() -> Router:
    """The echo bot plus the things a sandbox should show: buttons, a contact request, files.

    /start greets with inline buttons; /phone asks for the contact with a reply keyboard;
    a contact, document or photo is acknowledged; any other text is echoed.
    """
    router = Router(name=f"{__name__}.demo")

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        keyboard = InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(text="Like 👍", callback_data="demo:like"),
                    InlineKeyboardButton(text="Dislike", callback_data="demo:dislike"),
                ],
            ]
        )
        name = message.from_user.first_name if message.from_user else "there"
        await message.answer(
            f"Hello, <b>{html.escape(name)}</b>! I echo what you write. <i>Try the buttons.</i>",
            parse_mode="HTML",
            reply_markup=keyboard,
        )

    @router.callback_query(F.data.startswith("demo:"))
    async def pressed(query: CallbackQuery) -> None:
        choice = (query.data or "").removeprefix("demo:")
        if isinstance(query.message, Message):
            await query.message.edit_text(f"You chose: {choice}")
        await query.answer(f"Noted: {choice}")

    @router.message(Command("phone"))
    async def ask_phone(message: Message) -> None:
        keyboard = ReplyKeyboardMarkup(
            keyboard=[[KeyboardButton(text="Share my phone", request_contact=True)]],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
        await message.answer("May I have your phone number?", reply_markup=keyboard)

    @router.message(F.contact)
    async def contact(message: Message) -> None:
        assert message.contact is not None
        await message.answer(
            f"Thanks, got {message.contact.phone_number}", reply_markup=ReplyKeyboardRemove()
        )

    @router.message(F.document)
    async def document(message: Message) -> None:
        assert message.document is not None
        size = message.document.file_size or 0
        await message.answer(f"Got {message.document.file_name} ({size} bytes)")

    @router.message(F.photo)
    async def photo(message: Message) -> None:
        assert message.photo is not None
        await message.answer(f"Nice photo, {message.photo[-1].width}×{message.photo[-1].height}")

    router.include_router(echo_router())
    return router
