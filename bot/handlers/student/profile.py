"""/profile and /matches: the student's profile with its edit buttons, and the list of matches."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.callbacks import ProfileEdit
from bot.handlers.student import views
from bot.handlers.student.context import Turn
from bot.handlers.student.states import EDIT, MODE, STEP_BY_FIELD, STEP_BY_STATE
from bot.handlers.student.steps import ask, current_step, show_matches
from bot.keyboards import student as kb
from bot.services import matches as matches_service
from bot.services import profiles
from bot.services.profiles import ProfileView


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(show_profile, Command("profile"))
    router.message.register(list_matches, Command("matches"))
    router.callback_query.register(edit_field, ProfileEdit.filter())
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
