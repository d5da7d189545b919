"""/language, /privacy, /my_data and /delete_me: the student's say over their data and the bot."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.methods import SendDocument, SetMyCommands
from aiogram.types import (
    BotCommandScopeChat,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardRemove,
)

from bot.callbacks import LanguageChoice, PrivacyAction
from bot.handlers.student import views
from bot.handlers.student.context import Turn, callback_message
from bot.handlers.student.states import STEP_BY_STATE, Onboarding, Privacy
from bot.handlers.student.steps import ask
from bot.i18n import LANGUAGES
from bot.keyboards import student as kb
from bot.menu import menu_for
from bot.middlewares import FSM_LANGUAGE_KEY
from bot.services import answers, personal_data, profiles, shares

RESUME_STATE = "resume_state"  # where to go back to when the person keeps their data


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(choose_language, Command("language"))
    router.callback_query.register(switch_language, LanguageChoice.filter())
    router.message.register(show_privacy, Command("privacy"))
    router.callback_query.register(withdraw, PrivacyAction.filter(F.action == "withdraw"))
    router.message.register(my_data, Command("my_data"))
    router.message.register(ask_delete, Command("delete_me"))
    router.callback_query.register(
        confirm_delete,
        PrivacyAction.filter(F.action.in_({"delete", "keep"})),
        Privacy.confirm_delete,
    )
    router.message.register(
        type_delete_answer, Privacy.confirm_delete, F.text & ~F.text.startswith("/")
    )
    return router


# --- language -----------------------------------------------------------------------------------


async def choose_language(message: Message, turn: Turn) -> None:
    turn.say(turn.t("language-choose"), kb.languages(turn.lang))


async def switch_language(
    callback: CallbackQuery, callback_data: LanguageChoice, turn: Turn
) -> None:
    lang = callback_data.lang
    if lang not in LANGUAGES:
        turn.answer(callback, turn.t("callback-stale"), alert=True)
        return
    if turn.is_student:
        await profiles.set_language(turn.session, turn.user_id, lang)
    else:  # before consent the choice waits in the conversation state
        await turn.state.update_data({FSM_LANGUAGE_KEY: lang})
    turn.speak(lang)
    turn.answer(callback)
    message = callback_message(callback)
    if message is not None:
        turn.edit(message, turn.t("language-set"))
    # The command menu of this chat follows the chosen language.
    turn.replies.add(
        SetMyCommands(
            commands=menu_for(turn.translator, lang),
            scope=BotCommandScopeChat(chat_id=turn.chat_id),
        )
    )
    step = STEP_BY_STATE.get(turn.raw_state or "")
    if step is not None and turn.is_student:
        await ask(turn, step)  # the question they were answering, in the new language


# --- privacy and shares -------------------------------------------------------------------------


async def _privacy_screen(turn: Turn) -> tuple[str, InlineKeyboardMarkup | None]:
    found = await shares.student_shares(turn.session, turn.user_id)
    catalogue = turn.fair.catalogue
    text = views.lines(
        turn.t("consent-text"), views.shares_text(turn.t, catalogue, turn.lang, found)
    )
    orgs = [(s.org, views.org_name(catalogue, turn.lang, s.org)) for s in found]
    return text, kb.shares(turn.t, orgs)


async def show_privacy(message: Message, turn: Turn) -> None:
    text, markup = await _privacy_screen(turn)
    turn.say(text, markup)


async def withdraw(callback: CallbackQuery, callback_data: PrivacyAction, turn: Turn) -> None:
    org = callback_data.org
    name = views.org_name(turn.fair.catalogue, turn.lang, org)
    if not turn.is_student or not await shares.withdraw_share(
        turn.session, turn.user_id, org, now=turn.now, cards=turn.lead_cards
    ):
        turn.answer(callback, turn.t("share-not-found", org=name), alert=True)
        return
    turn.answer(callback, turn.t("share-withdrawn", org=name))
    message = callback_message(callback)
    if message is not None:
        text, markup = await _privacy_screen(turn)
        turn.edit(message, text, markup)


# --- my data, deleting ------------------------------------------------------------------------


async def my_data(message: Message, turn: Turn) -> None:
    conversation = await turn.state.get_data()
    document = await personal_data.export_student_data(
        turn.session,
        turn.user_id,
        conversation={"step": turn.raw_state, **conversation},
        now=turn.now,
    )
    turn.replies.add(
        SendDocument(
            chat_id=turn.chat_id,
            document=BufferedInputFile(
                personal_data.to_json_bytes(document), filename="fairbot-my-data.json"
            ),
            caption=turn.t("my-data-caption"),
        )
    )


async def ask_delete(message: Message, turn: Turn) -> None:
    if turn.raw_state != Privacy.confirm_delete.state:
        await turn.state.update_data({RESUME_STATE: turn.raw_state})
    await turn.state.set_state(Privacy.confirm_delete)
    turn.say(turn.t("delete-question"), kb.delete_confirmation(turn.t))


async def _delete_answer(turn: Turn, delete: bool, pressed: Message | None) -> None:
    if delete:
        await personal_data.delete_student(
            turn.session, turn.user_id, now=turn.now, cards=turn.lead_cards
        )
        await turn.state.clear()
        if pressed is not None:
            turn.edit(pressed, turn.t("delete-done"))
            turn.say(turn.t("delete-goodbye"), ReplyKeyboardRemove())
        else:
            turn.say(
                views.lines(turn.t("delete-done"), turn.t("delete-goodbye")), ReplyKeyboardRemove()
            )
        return
    data = await turn.state.get_data()
    resume = data.pop(RESUME_STATE, None)
    await turn.state.set_data(data)
    await turn.state.set_state(resume)
    turn.raw_state = resume
    text = turn.t("delete-kept")
    if pressed is not None:
        turn.edit(pressed, text)
    else:
        turn.say(text)
    step = STEP_BY_STATE.get(resume or "")
    if step is not None:
        await ask(turn, step)
    elif resume in (Onboarding.language.state, Onboarding.consent.state):
        turn.say(turn.t("start-welcome"), kb.languages(turn.lang))
        await turn.state.set_state(Onboarding.language)


async def confirm_delete(callback: CallbackQuery, callback_data: PrivacyAction, turn: Turn) -> None:
    turn.answer(callback)
    await _delete_answer(turn, callback_data.action == "delete", callback_message(callback))


async def type_delete_answer(message: Message, turn: Turn) -> None:
    answer = answers.parse_yes_no(message.text or "")
    if answer is None:
        turn.say(turn.t("delete-question"), kb.delete_confirmation(turn.t))
        return
    await _delete_answer(turn, answer, None)
