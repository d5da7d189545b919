"""What every student handler works with, gathered once per update: `turn: Turn`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    TelegramObject,
)
from aiogram.types import User as TelegramUser
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.models import User
from bot.i18n import Translate, Translator
from bot.middlewares import Replies
from bot.services.fairdata import FairData, FairDataStore
from bot.services.lead_cards import LeadCards
from matching.catalogue import Lang

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


@dataclass
class Turn:
    """One update of one student: who, in which language, with which data, and how to answer.

    Answers are queued in `replies` and go out after the transaction committed.
    """

    session: AsyncSession
    user: User | None
    person: TelegramUser
    chat_id: int
    lang: Lang
    t: Translate
    translator: Translator
    fair: FairData
    state: FSMContext
    raw_state: str | None
    replies: Replies
    now: datetime

    @property
    def user_id(self) -> int:
        return self.person.id

    @property
    def lead_cards(self) -> LeadCards:
        """For telling an organisation's representatives about this student's shares."""
        return LeadCards(self.translator, self.fair)

    @property
    def is_student(self) -> bool:
        return self.user is not None and self.user.consented_at is not None

    def speak(self, lang: str) -> None:
        """Answer in `lang` from now on (the person just chose it)."""
        self.lang = lang  # type: ignore[assignment]
        self.t = self.translator.bind(lang)

    def say(self, text: str, markup: Markup | None = None) -> None:
        self.replies.add(SendMessage(chat_id=self.chat_id, text=text, reply_markup=markup))

    def edit(self, message: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        self.replies.add(
            EditMessageText(
                chat_id=message.chat.id,
                message_id=message.message_id,
                text=text,
                reply_markup=markup,
            )
        )

    def answer(
        self, callback: CallbackQuery, text: str | None = None, *, alert: bool = False
    ) -> None:
        self.replies.add(
            AnswerCallbackQuery(callback_query_id=callback.id, text=text, show_alert=alert)
        )


def callback_message(callback: CallbackQuery) -> Message | None:
    """The message a button belongs to, if the bot can still edit it."""
    return callback.message if isinstance(callback.message, Message) else None


class TurnMiddleware(BaseMiddleware):
    """Builds `data["turn"]` for the student router's messages and button presses."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        person: TelegramUser | None = data.get("event_from_user")
        if person is None:
            return await handler(event, data)
        store: FairDataStore | None = data.get("fair")
        if store is None:
            raise RuntimeError("the student router needs the fair data: build_dispatcher(fair=...)")
        clock: Clock = data["clock"]
        chat = data.get("event_chat")
        data["turn"] = Turn(
            session=data["session"],
            user=data.get("user"),
            person=person,
            chat_id=chat.id if chat is not None else person.id,
            lang=data["lang"],
            t=data["t"],
            translator=data["translator"],
            fair=store.current,
            state=data["state"],
            raw_state=data.get("raw_state"),
            replies=data["replies"],
            now=clock.now(),
        )
        return await handler(event, data)
