"""/profile and /matches: the student's profile with its edit buttons, and their match cards."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.callbacks import MatchAction, ProfileEdit
from bot.handlers.student import views
from bot.handlers.student.context import Turn, callback_message
from bot.handlers.student.states import EDIT, MODE, STEP_BY_FIELD, STEP_BY_STATE
from bot.handlers.student.steps import ask, current_step, show_matches
from bot.keyboards import student as kb
from bot.services import matches as matches_service
from bot.services import profiles, shares
from bot.services.matches import MatchView
from bot.services.profiles import ProfileView


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(show_profile, Command("profile"))
    router.message.register(list_matches, Command("matches"))
    router.callback_query.register(edit_field, ProfileEdit.filter())
    router.callback_query.register(on_match_card, MatchAction.filter())
    return router


async def ready_profile(turn: Turn) -> ProfileView | None:
    """The completed profile, or None after telling the person what to do first."""
    if not turn.is_student:
        turn.say(turn.t("need-start"))
        return None
    profile = await profiles.get_profile(turn.session, turn.user_id)
    if profile is None or not profile.completed:
        turn.say(turn.t("finish-profile-first"))
        await ask(turn, await current_step(turn))
        return None
    if turn.raw_state in STEP_BY_STATE and (await turn.state.get_data()).get(MODE) == EDIT:
        await turn.state.clear()  # an unfinished edit ends when they look elsewhere
        turn.raw_state = None
    return profile


async def show_profile(message: Message, turn: Turn) -> None:
    profile = await ready_profile(turn)
    if profile is not None:
        card = views.profile_card(turn.t, turn.fair.catalogue, turn.lang, profile)
        turn.say(views.lines(card, turn.t("profile-edit-hint")), kb.profile(turn.t))


async def list_matches(message: Message, turn: Turn) -> None:
    if await ready_profile(turn) is not None:
        show_matches(turn, await matches_service.shown_matches(turn.session, turn.user_id))


async def edit_field(callback: CallbackQuery, callback_data: ProfileEdit, turn: Turn) -> None:
    step = STEP_BY_FIELD.get(callback_data.field)
    profile = await profiles.get_profile(turn.session, turn.user_id) if turn.is_student else None
    if step is None or profile is None or not profile.completed:
        turn.answer(callback, turn.t("callback-stale"), alert=True)
        return
    turn.answer(callback)
    await turn.state.set_data({MODE: EDIT})
    await ask(turn, step)


# --- match cards --------------------------------------------------------------------------------


def _card(
    turn: Turn, match: MatchView, *, full: bool = False, question: bool = False
) -> tuple[str, InlineKeyboardMarkup]:
    catalogue = turn.fair.catalogue
    text = views.match_card(turn.t, catalogue, turn.lang, match, full=full)
    name = views.org_name(catalogue, turn.lang, match.org)
    if question:
        return views.lines(text, turn.t("share-question", org=name)), kb.share_question(
            turn.t, match.org
        )
    return text, kb.match_card(turn.t, match.org, name, shared=match.shared, full=full)


async def on_match_card(callback: CallbackQuery, callback_data: MatchAction, turn: Turn) -> None:
    """Every button of a card. The organisation must be one of this student's matches."""
    org, action = callback_data.org, callback_data.action
    match = (
        await matches_service.get_match(turn.session, turn.user_id, org)
        if turn.is_student
        else None
    )
    message = callback_message(callback)
    if match is None or org not in turn.fair.catalogue.exhibitors or message is None:
        turn.answer(callback, turn.t("match-unknown"), alert=True)
        return
    name = views.org_name(turn.fair.catalogue, turn.lang, org)
    notice: str | None = None
    if action in ("yes", "no"):
        try:
            await shares.share_contact(
                turn.session, turn.user_id, org, feedback_opt_in=action == "yes", now=turn.now
            )
        except shares.ShareRefused as refused:
            turn.answer(callback, turn.t(refused.reason.value, org=name), alert=True)
            return
        notice = turn.t("share-done", org=name)
    elif action == "withdraw":
        withdrawn = await shares.withdraw_share(turn.session, turn.user_id, org)
        notice = turn.t("share-withdrawn" if withdrawn else "share-not-found", org=name)
    elif action == "hide":
        await matches_service.dismiss_match(turn.session, turn.user_id, org, now=turn.now)
        turn.answer(callback)
        turn.edit(message, turn.t("match-hidden", org=name), kb.hidden_match(turn.t, org))
        return
    elif action == "unhide":
        await matches_service.restore_match(turn.session, turn.user_id, org)
    elif action not in ("share", "cancel", "more", "less"):
        turn.answer(callback, turn.t("callback-stale"), alert=True)
        return
    if match.dismissed and action not in ("unhide", "withdraw"):
        turn.answer(callback, turn.t("match-unknown"), alert=True)
        return
    match = await matches_service.get_match(turn.session, turn.user_id, org)
    assert match is not None
    asking = action == "share" and not match.shared
    text, markup = _card(turn, match, full=action == "more", question=asking)
    turn.answer(callback, notice)
    turn.edit(message, text, markup)
