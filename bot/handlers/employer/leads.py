"""/leads and /export for representatives: the list, its filters, a lead's card with its status
and private note, and the export as CSV + XLSX.

Every handler asks the service who the person represents (the database, on every update);
everything about a lead is looked up within that organisation, so a forged or stale button
(another organisation's lead id, a status that does not exist) gets a short alert and changes
nothing.
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot import spreadsheets
from bot.callbacks import LeadAction, LeadsFilter, LeadsPage
from bot.clock import Clock
from bot.config import Settings
from bot.handlers.employer import views
from bot.i18n import Translate, Translator
from bot.middlewares import Replies
from bot.services import lead_export, leads
from bot.services.fairdata import FairDataStore
from bot.services.leads import FeedbackContext, RepresentativeView
from bot.services.reminders import Rendering
from matching.catalogue import Catalogue

log = logging.getLogger(__name__)

# Export files are built after the update's transaction (it takes a moment for thousands of
# leads and must not hold the database); the tasks are kept so they are not collected half-way.
_exporting: set[asyncio.Task[None]] = set()


class LeadNote(StatesGroup):
    text = State()


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(show_leads, Command("leads"))
    router.message.register(export, Command("export"))
    router.message.register(save_note, LeadNote.text, F.text)
    router.message.register(note_needs_text, LeadNote.text)
    router.callback_query.register(turn_page, LeadsPage.filter())
    router.callback_query.register(choose_filter, LeadsFilter.filter())
    router.callback_query.register(open_lead, LeadAction.filter(F.a == "open"))
    router.callback_query.register(change_status, LeadAction.filter(F.a == "st"))
    router.callback_query.register(ask_note, LeadAction.filter(F.a == "note"))
    return router


def _catalogue(fair: FairDataStore | None) -> Catalogue | None:
    return fair.current.catalogue if fair is not None else None


def _feedback(
    translator: Translator, settings: Settings, fair: FairDataStore | None
) -> FeedbackContext:
    return FeedbackContext(Rendering(translator, settings.tz), _catalogue(fair))


def _edit(callback: CallbackQuery, text: str, markup: object) -> EditMessageText | None:
    message = callback.message
    if not isinstance(message, Message):
        return None
    return EditMessageText(
        chat_id=message.chat.id,
        message_id=message.message_id,
        text=text,
        reply_markup=markup,  # type: ignore[arg-type]
    )


async def _rep(session: AsyncSession, user_id: int) -> RepresentativeView | None:
    return await leads.representative(session, user_id)


async def show_leads(
    message: Message,
    session: AsyncSession,
    t: Translate,
    state: FSMContext,
    raw_state: str | None = None,
    fair: FairDataStore | None = None,
) -> SendMessage:
    assert message.from_user is not None
    rep = await _rep(session, message.from_user.id)
    if rep is None:
        return message.answer(t("leads-not-representative"))
    if raw_state == LeadNote.text.state:  # a note left unwritten: /leads moves on
        await state.clear()
    catalogue = _catalogue(fair)
    page = await leads.leads_page(session, rep, leads.LeadFilter())
    text, markup = views.leads_list(t, catalogue, rep.org, page, leads.LeadFilter(), "", -1)
    return message.answer(text, reply_markup=markup)


async def turn_page(
    callback: CallbackQuery,
    callback_data: LeadsPage,
    session: AsyncSession,
    t: Translate,
    replies: Replies,
    fair: FairDataStore | None = None,
) -> AnswerCallbackQuery:
    rep = await _rep(session, callback.from_user.id)
    if rep is None:
        return callback.answer(t("leads-not-representative"), show_alert=True)
    catalogue = _catalogue(fair)
    data = callback_data
    flt = views.lead_filter(catalogue, rep.org, data.s, data.o)
    page = await leads.leads_page(
        session, rep, flt, older_than=data.older or None, newer_than=data.newer or None, page=data.p
    )
    text, markup = views.leads_list(t, catalogue, rep.org, page, flt, data.s, data.o)
    edit = _edit(callback, text, markup)
    if edit is not None:
        replies.add(edit)
    return callback.answer()


async def choose_filter(
    callback: CallbackQuery,
    callback_data: LeadsFilter,
    session: AsyncSession,
    t: Translate,
    replies: Replies,
    fair: FairDataStore | None = None,
) -> AnswerCallbackQuery:
    rep = await _rep(session, callback.from_user.id)
    if rep is None:
        return callback.answer(t("leads-not-representative"), show_alert=True)
    data = callback_data
    markup = views.filter_choices(t, _catalogue(fair), rep.org, data.kind, data.s, data.o)
    key = "leads-choose-status" if data.kind == "s" else "leads-choose-opening"
    edit = _edit(callback, t(key), markup)
    if edit is not None:
        replies.add(edit)
    return callback.answer()


async def open_lead(
    callback: CallbackQuery,
    callback_data: LeadAction,
    session: AsyncSession,
    t: Translate,
    clock: Clock,
    settings: Settings,
    translator: Translator,
    replies: Replies,
    fair: FairDataStore | None = None,
) -> AnswerCallbackQuery:
    rep = await _rep(session, callback.from_user.id)
    if rep is None:
        return callback.answer(t("leads-not-representative"), show_alert=True)
    card = await leads.open_lead(
        session, rep, callback_data.id, now=clock.now(),
        feedback=_feedback(translator, settings, fair),
    )  # fmt: skip
    if card is None:
        return callback.answer(t("lead-unknown"), show_alert=True)
    data = callback_data
    text, markup = views.lead_card(t, _catalogue(fair), rep.org, card, settings.tz, data.s, data.o)
    edit = _edit(callback, text, markup)
    if edit is not None:
        replies.add(edit)
    return callback.answer()


async def change_status(
    callback: CallbackQuery,
    callback_data: LeadAction,
    session: AsyncSession,
    t: Translate,
    clock: Clock,
    settings: Settings,
    translator: Translator,
    replies: Replies,
    fair: FairDataStore | None = None,
) -> AnswerCallbackQuery:
    rep = await _rep(session, callback.from_user.id)
    if rep is None:
        return callback.answer(t("leads-not-representative"), show_alert=True)
    data = callback_data
    before = await leads.open_status(session, rep, data.id)
    card = await leads.set_status(
        session, rep, data.id, data.v, now=clock.now(),
        feedback=_feedback(translator, settings, fair),
    )  # fmt: skip
    if card is None:
        return callback.answer(t("lead-unknown"), show_alert=True)
    if before != card.status:
        text, markup = views.lead_card(
            t, _catalogue(fair), rep.org, card, settings.tz, data.s, data.o
        )
        edit = _edit(callback, text, markup)
        if edit is not None:
            replies.add(edit)
    return callback.answer(t("lead-status-set", status=views.status_label(t, card.status)))


async def ask_note(
    callback: CallbackQuery,
    callback_data: LeadAction,
    session: AsyncSession,
    state: FSMContext,
    t: Translate,
    replies: Replies,
) -> AnswerCallbackQuery:
    rep = await _rep(session, callback.from_user.id)
    if rep is None:
        return callback.answer(t("leads-not-representative"), show_alert=True)
    data = callback_data
    if await leads.open_status(session, rep, data.id) is None:
        return callback.answer(t("lead-unknown"), show_alert=True)
    await state.set_state(LeadNote.text)
    await state.set_data({"lead": data.id, "s": data.s, "o": data.o})
    replies.add(
        SendMessage(chat_id=callback.from_user.id, text=t("lead-note-ask", max=leads.NOTE_MAX))
    )
    return callback.answer()


async def save_note(
    message: Message,
    session: AsyncSession,
    state: FSMContext,
    t: Translate,
    clock: Clock,
    settings: Settings,
    replies: Replies,
    fair: FairDataStore | None = None,
) -> None:
    assert message.from_user is not None
    assert message.text is not None
    data = await state.get_data()
    await state.clear()
    rep = await _rep(session, message.from_user.id)
    if rep is None:
        replies.add(message.answer(t("leads-not-representative")))
        return
    result = await leads.set_note(
        session, rep, int(data.get("lead", 0)), message.text, now=clock.now()
    )
    if result is None:
        replies.add(message.answer(t("lead-unknown")))
        return
    notice = "lead-note-cleared" if result.card.note is None else "lead-note-saved"
    replies.add(message.answer(t(notice)))
    if result.cut:
        replies.add(message.answer(t("lead-note-cut", max=leads.NOTE_MAX)))
    status, opening = str(data.get("s", "")), int(data.get("o", -1))
    text, markup = views.lead_card(
        t, _catalogue(fair), rep.org, result.card, settings.tz, status, opening
    )
    replies.add(message.answer(text, reply_markup=markup))


async def note_needs_text(message: Message, t: Translate) -> SendMessage:
    return message.answer(t("lead-note-text-only"))


async def export(
    message: Message,
    session: AsyncSession,
    bot: Bot,
    t: Translate,
    settings: Settings,
    fair: FairDataStore | None = None,
) -> SendMessage | None:
    assert message.from_user is not None
    rep = await _rep(session, message.from_user.id)
    if rep is None:
        return message.answer(t("leads-not-representative"))
    rows = await lead_export.export_leads(session, rep)
    if not rows:
        return message.answer(t("leads-export-empty"))
    name = views.org_name(_catalogue(fair), rep.org, t)
    task = asyncio.create_task(_send_export(bot, message.chat.id, t, rows, settings, name, rep.org))
    _exporting.add(task)
    task.add_done_callback(_exporting.discard)
    return None


async def _send_export(
    bot: Bot,
    chat_id: int,
    t: Translate,
    rows: list[lead_export.ExportLead],
    settings: Settings,
    name: str,
    org: str,
) -> None:
    try:
        await bot.send_message(chat_id, t("leads-export-preparing", count=len(rows)))
        headers, table = await asyncio.to_thread(lead_export.table, rows, t, settings.tz)
        # The workbook is built in another process while the CSV is made and sent.
        xlsx = asyncio.ensure_future(
            spreadsheets.build_xlsx(headers, table, title=t("leads-export-sheet"))
        )
        try:
            csv_bytes = await asyncio.to_thread(lead_export.to_csv, headers, table)
            caption = t("leads-export-caption", org=name, count=len(rows))
            await bot.send_document(
                chat_id, BufferedInputFile(csv_bytes, filename=f"leads-{org}.csv"), caption=caption
            )
        finally:
            xlsx_bytes = await xlsx
        await bot.send_document(
            chat_id, BufferedInputFile(xlsx_bytes, filename=f"leads-{org}.xlsx"), caption=caption
        )
    except Exception:  # told to the person; logged for the operator
        log.exception("lead export for chat %s failed", chat_id)
        try:
            await bot.send_message(chat_id, t("leads-export-failed"))
        except Exception:  # noqa: BLE001 - nothing more to do
            log.warning("could not tell chat %s that the export failed", chat_id)
