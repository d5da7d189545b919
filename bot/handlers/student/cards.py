"""The buttons of a match card: share (asking about feedback), withdraw, not interested, more."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.callbacks import MatchAction
from bot.handlers.student import views
from bot.handlers.student.context import Turn, callback_message
from bot.keyboards import student as kb
from bot.services import matches, shares
from bot.services.matches import MatchView


def create_router() -> Router:
    router = Router(name=__name__)
    card = MatchAction.filter
    router.callback_query.register(ask_share, card(F.action == "share"))
    router.callback_query.register(share, card(F.action.in_({"yes", "no"})))
    router.callback_query.register(show, card(F.action.in_({"cancel", "more", "less"})))
    router.callback_query.register(withdraw, card(F.action == "withdraw"))
    router.callback_query.register(hide, card(F.action == "hide"))
    router.callback_query.register(unhide, card(F.action == "unhide"))
    return router


async def _card_of(
    callback: CallbackQuery, data: MatchAction, turn: Turn, *, hidden_ok: bool = False
) -> tuple[MatchView, Message] | None:
    """The student's match the button is about, and the card's message; None (after a short
    alert) when the button is stale or forged: not a student, not one of their matches, a
    hidden card (unless `hidden_ok`), or a message the bot can no longer edit."""
    match = (
        await matches.get_match(turn.session, turn.user_id, data.org) if turn.is_student else None
    )
    message = callback_message(callback)
    if (
        match is None
        or message is None
        or data.org not in turn.fair.catalogue.exhibitors
        or (match.dismissed and not hidden_ok)
    ):
        turn.answer(callback, turn.t("match-unknown"), alert=True)
        return None
    return match, message


def _render(
    turn: Turn, match: MatchView, *, full: bool = False, question: bool = False
) -> tuple[str, InlineKeyboardMarkup]:
    catalogue = turn.fair.catalogue
    text = views.match_card(turn.t, catalogue, turn.lang, match, full=full)
    name = views.org_name(catalogue, turn.lang, match.org)
    if question:
        asked = views.lines(text, turn.t("share-question", org=name))
        return asked, kb.share_question(turn.t, match.org)
    return text, kb.match_card(turn.t, match.org, name, shared=match.shared, full=full)


async def _refresh(
    turn: Turn, callback: CallbackQuery, message: Message, org: str, notice: str | None = None
) -> None:
    match = await matches.get_match(turn.session, turn.user_id, org)
    assert match is not None
    turn.answer(callback, notice)
    turn.edit(message, *_render(turn, match))


async def ask_share(callback: CallbackQuery, callback_data: MatchAction, turn: Turn) -> None:
    found = await _card_of(callback, callback_data, turn)
    if found is not None:
        match, message = found
        turn.answer(callback)
        turn.edit(message, *_render(turn, match, question=not match.shared))


async def share(callback: CallbackQuery, callback_data: MatchAction, turn: Turn) -> None:
    found = await _card_of(callback, callback_data, turn)
    if found is None:
        return
    org, name = callback_data.org, views.org_name(turn.fair.catalogue, turn.lang, callback_data.org)
    try:
        await shares.share_contact(
            turn.session, turn.user_id, org, feedback_opt_in=callback_data.action == "yes",
            now=turn.now, cards=turn.lead_cards,
        )  # fmt: skip
    except shares.ShareRefused as refused:
        turn.answer(callback, turn.t(refused.reason.value, org=name), alert=True)
        return
    await _refresh(turn, callback, found[1], org, turn.t("share-done", org=name))


async def show(callback: CallbackQuery, callback_data: MatchAction, turn: Turn) -> None:
    found = await _card_of(callback, callback_data, turn)
    if found is not None:
        match, message = found
        turn.answer(callback)
        turn.edit(message, *_render(turn, match, full=callback_data.action == "more"))


async def withdraw(callback: CallbackQuery, callback_data: MatchAction, turn: Turn) -> None:
    found = await _card_of(callback, callback_data, turn, hidden_ok=True)
    if found is None:
        return
    org, name = callback_data.org, views.org_name(turn.fair.catalogue, turn.lang, callback_data.org)
    withdrawn = await shares.withdraw_share(
        turn.session, turn.user_id, org, now=turn.now, cards=turn.lead_cards
    )
    notice = turn.t("share-withdrawn" if withdrawn else "share-not-found", org=name)
    await _refresh(turn, callback, found[1], org, notice)


async def hide(callback: CallbackQuery, callback_data: MatchAction, turn: Turn) -> None:
    found = await _card_of(callback, callback_data, turn, hidden_ok=True)
    if found is not None:
        org = callback_data.org
        await matches.dismiss_match(turn.session, turn.user_id, org, now=turn.now)
        name = views.org_name(turn.fair.catalogue, turn.lang, org)
        turn.answer(callback)
        turn.edit(found[1], turn.t("match-hidden", org=name), kb.hidden_match(turn.t, org))


async def unhide(callback: CallbackQuery, callback_data: MatchAction, turn: Turn) -> None:
    found = await _card_of(callback, callback_data, turn, hidden_ok=True)
    if found is not None:
        await matches.restore_match(turn.session, turn.user_id, callback_data.org)
        await _refresh(turn, callback, found[1], callback_data.org)
