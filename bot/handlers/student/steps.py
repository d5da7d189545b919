"""Asking a profile step, moving on when it is answered, and finishing onboarding or an edit.

Shared by the onboarding and /profile handlers: the same steps serve both; the state data's
"mode" says whether the answer ends an edit (back to the profile) or leads to the next step.
"""

from __future__ import annotations

from aiogram.fsm.state import State
from aiogram.methods import EditMessageReplyMarkup
from aiogram.types import InlineKeyboardMarkup, Message, ReplyKeyboardRemove

from bot.handlers.student import views
from bot.handlers.student.context import Markup, Turn
from bot.handlers.student.states import (
    EDIT,
    MODE,
    PROFILE_STEPS,
    STEP_BY_STATE,
    TOPICS_PAGE,
    Onboarding,
)
from bot.keyboards import student as kb
from bot.services import matches as matches_service
from bot.services import profiles
from bot.services.matches import MatchView

# Steps whose prompt brings a reply keyboard (it must be sent, and removed afterwards).
REPLY_KEYBOARD_STEPS = frozenset({Onboarding.phone, Onboarding.email, Onboarding.cv})


def telegram_name(turn: Turn) -> str:
    parts = (turn.person.first_name, turn.person.last_name)
    return " ".join(p.strip() for p in parts if p and p.strip())


async def is_editing(turn: Turn) -> bool:
    return bool((await turn.state.get_data()).get(MODE) == EDIT)


async def current_step(turn: Turn) -> State:
    """The profile step the person is in (the first one if they left the flow with /cancel)."""
    return STEP_BY_STATE.get(turn.raw_state or "", Onboarding.full_name)


async def prompt(turn: Turn, step: State, *, editing: bool) -> tuple[str, Markup | None]:
    t = turn.t
    profile = await profiles.get_profile(
        turn.session, turn.user_id, with_topics=step == Onboarding.topics
    )
    if profile is None:
        raise profiles.NotAStudent(turn.user_id)

    def now_is(key: str, value: str | None) -> str:
        current = t("current-value", value=value) if editing and value else ""
        return str(views.lines(t(key), current))

    if step == Onboarding.full_name:
        name = telegram_name(turn)
        markup = kb.telegram_name(t, name) if name else None
        return now_is("ask-name", profile.full_name), markup
    if step == Onboarding.university:
        return now_is("ask-university", profile.university), None
    if step == Onboarding.study_level:
        return t("ask-study-level"), kb.study_levels(t)
    if step == Onboarding.field_of_study:
        return now_is("ask-field", profile.field_of_study), None
    if step == Onboarding.interests:
        return now_is("ask-interests", profile.interests), kb.interests(t)
    if step == Onboarding.topics:
        page = int((await turn.state.get_data()).get(TOPICS_PAGE, 0))
        catalogue = turn.fair.catalogue
        found = views.topic_names(catalogue, turn.lang, profile.text_topics)
        text = views.lines(t("topics-found", topics=found) if found else None, t("ask-topics"))
        markup = kb.topics(t, catalogue, turn.lang, profile.picked_topics, page)
        return text, markup
    if step == Onboarding.seeking:
        return t("ask-seeking"), kb.seeking(t, profile.seeking)
    if step == Onboarding.phone:
        return now_is("ask-phone", profile.phone), kb.phone(
            t, can_remove=editing and bool(profile.phone)
        )
    if step == Onboarding.email:
        return now_is("ask-email", profile.email), kb.optional_step(
            t, can_remove=editing and bool(profile.email)
        )
    if step == Onboarding.cv:
        return now_is("ask-cv", profile.cv_file_name), kb.optional_step(
            t, can_remove=editing and bool(profile.cv_file_id)
        )
    raise ValueError(f"not a profile step: {step}")


async def ask(
    turn: Turn,
    step: State,
    *,
    pressed: Message | None = None,
    recap: str | None = None,
    notice: str | None = None,
) -> None:
    """Put the person in `step` and ask it. After a button press (`pressed`) the pressed message
    becomes the question when it can (inline buttons or none); `recap` repeats their answer."""
    await turn.state.set_state(step)
    turn.raw_state = step.state
    text, markup = await prompt(turn, step, editing=await is_editing(turn))
    inline = markup is None or isinstance(markup, InlineKeyboardMarkup)
    if pressed is not None and inline and notice is None:
        assert markup is None or isinstance(markup, InlineKeyboardMarkup)
        turn.edit(pressed, views.lines(recap, text), markup)
        return
    if pressed is not None:
        close(turn, pressed, recap)
    turn.say(views.lines(None if pressed else recap, notice, text), markup)


def close(turn: Turn, pressed: Message, recap: str | None) -> None:
    """Take the buttons off an answered question, leaving the answer (if any) in its place."""
    if recap:
        turn.edit(pressed, recap)
    else:
        turn.replies.add(
            EditMessageReplyMarkup(chat_id=pressed.chat.id, message_id=pressed.message_id)
        )


async def reask(turn: Turn, notice: str) -> None:
    """The answer could not be used: say why and ask the same step again."""
    await ask(turn, await current_step(turn), notice=notice)


async def answered(
    turn: Turn,
    step: State,
    *,
    pressed: Message | None = None,
    recap: str | None = None,
    notice: str | None = None,
) -> None:
    """`step` is answered: the next step, the end of onboarding, or the end of an edit."""
    if await is_editing(turn):
        await finish_edit(turn, pressed=pressed, recap=recap, notice=notice, step=step)
        return
    index = PROFILE_STEPS.index(step)
    if index + 1 < len(PROFILE_STEPS):
        await ask(turn, PROFILE_STEPS[index + 1], pressed=pressed, recap=recap, notice=notice)
        return
    await finish_onboarding(turn, pressed=pressed, recap=recap, notice=notice)


async def recompute(turn: Turn) -> list[MatchView]:
    return await matches_service.recompute_matches(
        turn.session, turn.user_id, turn.fair, lang=turn.lang, now=turn.now
    )


async def finish_onboarding(
    turn: Turn,
    *,
    pressed: Message | None = None,
    recap: str | None = None,
    notice: str | None = None,
) -> None:
    await profiles.complete_profile(turn.session, turn.user_id, now=turn.now)
    await turn.state.clear()
    turn.raw_state = None
    found = await recompute(turn)
    if pressed is not None:
        close(turn, pressed, recap)
    show_matches(turn, found, intro=views.lines(notice, turn.t("onboarding-done")))


async def finish_edit(
    turn: Turn,
    *,
    step: State,
    pressed: Message | None = None,
    recap: str | None = None,
    notice: str | None = None,
) -> None:
    await turn.state.clear()
    turn.raw_state = None
    await recompute(turn)
    profile = await profiles.get_profile(turn.session, turn.user_id)
    assert profile is not None
    card = views.profile_card(turn.t, turn.fair.catalogue, turn.lang, profile)
    saved = views.lines(notice, turn.t("profile-saved"))
    if step in REPLY_KEYBOARD_STEPS:
        turn.say(saved, ReplyKeyboardRemove())
        turn.say(card, kb.profile(turn.t))
    elif pressed is not None:
        turn.edit(pressed, views.lines(recap, saved, card), kb.profile(turn.t))
    else:
        turn.say(views.lines(saved, card), kb.profile(turn.t))


def show_matches(turn: Turn, found: list[MatchView], *, intro: str | None = None) -> None:
    """The header, then one card per match, each with its buttons. An `intro` (the end of the
    onboarding) comes with the header and takes the reply keyboard away."""
    t, catalogue = turn.t, turn.fair.catalogue
    if not found:
        if intro:
            turn.say(intro, ReplyKeyboardRemove())
        turn.say(t("matches-none"), kb.no_matches(t))
        return
    header = t("matches-header", count=len(found))
    turn.say(views.lines(intro, header), ReplyKeyboardRemove() if intro else None)
    for match in found:
        turn.say(
            views.match_card(t, catalogue, turn.lang, match),
            kb.match_card(
                t,
                match.org,
                views.org_name(catalogue, turn.lang, match.org),
                shared=match.shared,
                full=False,
            ),
        )
