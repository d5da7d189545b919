"""/broadcast: compose (text, photo or document), choose the audience, preview, confirm; then
the progress message with its Stop button."""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import AudienceChoice, BroadcastAction
from bot.clock import Clock
from bot.delivery.progress import progress_text, stop_keyboard
from bot.delivery.worker import build_method
from bot.i18n import Translate
from bot.services import broadcasts
from bot.services.audiences import AudienceRegistry, Choice
from bot.services.broadcasts import BroadcastContent, BroadcastDraft
from bot.services.fairdata import FairDataStore
from bot.services.labels import Labels, labels

VALUE_MAX_BYTES = 40  # what fits in callback data next to the prefix and the kind


class Compose(StatesGroup):
    content = State()
    audience = State()


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(start, Command("broadcast"))
    router.message.register(take_content, Compose.content, ~F.text.startswith("/"))
    router.callback_query.register(choose_audience, AudienceChoice.filter(), Compose.audience)
    router.callback_query.register(send, BroadcastAction.filter(F.action == "ok"))
    router.callback_query.register(edit, BroadcastAction.filter(F.action == "edit"))
    router.callback_query.register(drop, BroadcastAction.filter(F.action == "drop"))
    router.callback_query.register(stop, BroadcastAction.filter(F.action == "stop"))
    return router


def content_of(message: Message) -> BroadcastContent | None:
    """The organiser's message as broadcast content, formatting kept as Telegram HTML."""
    caption = message.html_text if message.caption else None
    if message.photo:
        return BroadcastContent("photo", caption, message.photo[-1].file_id)
    if message.document:
        return BroadcastContent("document", caption, message.document.file_id)
    if message.text:
        return BroadcastContent("text", message.html_text)
    return None


def audience_keyboard(t: Translate, registry: AudienceRegistry) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                text=t(f"audience-{kind.key}"), callback_data=AudienceChoice(kind=kind.key).pack()
            )
        ]
        for kind in registry
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def value_label(t: Translate, names: Labels, kind: str, value: str | None) -> str:
    """How a parameter value reads: a language's own name, a topic's or organisation's name."""
    if value is None:
        return ""
    if kind == "lang" and value in t.translator.languages:
        return t.translator.get(value, "language-name")
    if kind == "topic":
        return names.topic(value)
    if kind == "org":
        return names.organisation(value)
    if kind == "session":
        return names.session(value)
    return value


def audience_label(t: Translate, names: Labels, kind: str, value: str | None) -> str:
    label = t(f"audience-{kind}")
    shown = value_label(t, names, kind, value)
    return f"{label}: {shown}" if shown else label


def choices_keyboard(
    t: Translate, names: Labels, kind: str, choices: list[Choice]
) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(
            text=f"{value_label(t, names, kind, c.value)} ({c.count})",
            callback_data=AudienceChoice(kind=kind, value=c.value).pack(),
        )
        for c in choices
        if len(c.value.encode()) <= VALUE_MAX_BYTES and ":" not in c.value
    ]
    return InlineKeyboardMarkup(
        inline_keyboard=[buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    )


def preview_keyboard(t: Translate, draft: BroadcastDraft) -> InlineKeyboardMarkup:
    def button(key: str, action: str, **args: Any) -> InlineKeyboardButton:
        data = BroadcastAction(action=action, id=draft.id).pack()
        return InlineKeyboardButton(text=t(key, **args), callback_data=data)

    first = [button("broadcast-confirm-button", "ok", count=draft.recipients)]
    rest = [button("broadcast-edit-button", "edit"), button("broadcast-discard-button", "drop")]
    return InlineKeyboardMarkup(inline_keyboard=[first, rest] if draft.recipients else [rest])


async def start(message: Message, state: FSMContext, t: Translate) -> SendMessage:
    await state.set_state(Compose.content)
    return message.answer(t("broadcast-ask-content"))


async def take_content(
    message: Message, state: FSMContext, t: Translate, audiences: AudienceRegistry
) -> SendMessage:
    content = content_of(message)
    if content is None:
        return message.answer(t("broadcast-unsupported"))
    if not broadcasts.fits(content, message.text or message.caption):
        return message.answer(
            t("broadcast-too-long", limit=content.limit, name_max=broadcasts.NAME_MAX)
        )
    await state.update_data(broadcast=[content.kind, content.html, content.file_id])
    await state.set_state(Compose.audience)
    return message.answer(t("broadcast-ask-audience"), reply_markup=audience_keyboard(t, audiences))


async def choose_audience(
    callback: CallbackQuery,
    callback_data: AudienceChoice,
    state: FSMContext,
    session: AsyncSession,
    bot: Bot,
    t: Translate,
    lang: str,
    clock: Clock,
    audiences: AudienceRegistry,
    fair: FairDataStore | None = None,
) -> AnswerCallbackQuery:
    kind = audiences.get(callback_data.kind)
    if kind is not None and kind.takes_value and not callback_data.value:
        choices = await audiences.choices(session, kind.key)
        if not choices:
            return callback.answer(t("broadcast-no-values"), show_alert=True)
        keyboard = choices_keyboard(t, _labels(fair, t), kind.key, choices)
        await bot.edit_message_reply_markup(
            chat_id=callback.from_user.id, message_id=_message_id(callback), reply_markup=keyboard
        )
        return callback.answer()
    audience = await audiences.resolve(session, callback_data.kind, callback_data.value or None)
    composed = (await state.get_data()).get("broadcast")
    if audience is None or not isinstance(composed, list):
        return callback.answer(t("callback-stale"), show_alert=True)
    draft = await broadcasts.create_draft(
        session,
        organiser_id=callback.from_user.id,
        lang=lang,
        content=BroadcastContent(*composed),
        audience=audience,
        now=clock.now(),
    )
    await state.clear()
    await _show_preview(bot, callback.from_user.id, t, draft, _labels(fair, t))
    return callback.answer()


def _labels(fair: FairDataStore | None, t: Translate) -> Labels:
    if fair is None:
        return labels(None, t.lang)
    return labels(fair.current.catalogue, t.lang, fair.current.schedule)


async def _show_preview(
    bot: Bot, chat_id: int, t: Translate, draft: BroadcastDraft, names: Labels
) -> None:
    """The exact message a recipient in the organiser's language gets (without a known name),
    then the summary with Send / Edit / Cancel."""
    name = broadcasts.fallback_name(t.translator, t.lang)
    payload = broadcasts.render(draft.content, name)
    await bot(build_method(chat_id, payload, paid=False))
    summary = t(
        "broadcast-preview" if draft.recipients else "broadcast-preview-empty",
        id=str(draft.id),
        count=draft.recipients,
        audience=audience_label(t, names, draft.audience_kind, draft.audience_value),
    )
    await bot.send_message(chat_id, summary, reply_markup=preview_keyboard(t, draft))


async def send(
    callback: CallbackQuery,
    callback_data: BroadcastAction,
    session: AsyncSession,
    bot: Bot,
    t: Translate,
    clock: Clock,
    audiences: AudienceRegistry,
) -> AnswerCallbackQuery:
    started = await broadcasts.confirm(
        session,
        callback_data.id,
        organiser_id=callback.from_user.id,
        now=clock.now(),
        registry=audiences,
        translator=t.translator,
        progress_chat_id=callback.from_user.id,
        progress_message_id=_message_id(callback),
    )
    current = await broadcasts.state(session, callback_data.id) if started else None
    if current is None:
        return callback.answer(t("broadcast-stale"), show_alert=True)
    await _edit(bot, callback, progress_text(t, current), stop_keyboard(t, current.id))
    return callback.answer(t("broadcast-started"))


async def edit(
    callback: CallbackQuery,
    callback_data: BroadcastAction,
    state: FSMContext,
    session: AsyncSession,
    bot: Bot,
    t: Translate,
    clock: Clock,
) -> AnswerCallbackQuery:
    organiser = callback.from_user.id
    if not await broadcasts.discard(
        session, callback_data.id, organiser_id=organiser, now=clock.now()
    ):
        return callback.answer(t("broadcast-stale"), show_alert=True)
    await state.set_state(Compose.content)
    await _edit(bot, callback, t("broadcast-ask-content"), None)
    return callback.answer()


async def drop(
    callback: CallbackQuery,
    callback_data: BroadcastAction,
    session: AsyncSession,
    bot: Bot,
    t: Translate,
    clock: Clock,
) -> AnswerCallbackQuery:
    organiser = callback.from_user.id
    if not await broadcasts.discard(
        session, callback_data.id, organiser_id=organiser, now=clock.now()
    ):
        return callback.answer(t("broadcast-stale"), show_alert=True)
    await _edit(bot, callback, t("broadcast-discarded", id=str(callback_data.id)), None)
    return callback.answer()


async def stop(
    callback: CallbackQuery,
    callback_data: BroadcastAction,
    session: AsyncSession,
    t: Translate,
    clock: Clock,
) -> AnswerCallbackQuery:
    stopped = await broadcasts.cancel(
        session, callback_data.id, organiser_id=callback.from_user.id, now=clock.now()
    )
    if stopped is None:
        return callback.answer(t("broadcast-not-running"), show_alert=True)
    return callback.answer(t("broadcast-stopping", count=stopped), show_alert=True)


def _message_id(callback: CallbackQuery) -> int | None:
    return callback.message.message_id if callback.message is not None else None


async def _edit(
    bot: Bot, callback: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    message_id = _message_id(callback)
    if message_id is not None:
        await bot.edit_message_text(
            text=text, chat_id=callback.from_user.id, message_id=message_id, reply_markup=markup
        )
