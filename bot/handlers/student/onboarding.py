"""The student's first conversation: /start, language, consent, then the profile step by step.

Every step accepts a typed answer as well as its buttons; anything else (a sticker, a photo, a
voice message) gets the step asked again. Commands are handled before the steps, so "/matches"
is never taken for a university's name.
"""

from __future__ import annotations

import contextlib
import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.methods import EditMessageReplyMarkup, SetMyCommands
from aiogram.types import BotCommandScopeChat, CallbackQuery, Document, Message

from bot.callbacks import (
    ConsentChoice,
    LanguageChoice,
    OnboardingAction,
    SeekingPick,
    StudyLevelChoice,
    TopicPick,
)
from bot.handlers.student import views
from bot.handlers.student.context import Turn, callback_message
from bot.handlers.student.states import START_SOURCE, TOPICS_PAGE, Onboarding
from bot.handlers.student.steps import answered, ask, current_step, reask, telegram_name
from bot.i18n import LANGUAGES, language_from_telegram, safe
from bot.keyboards import student as kb
from bot.menu import menu_for
from bot.middlewares import FSM_LANGUAGE_KEY
from bot.services import answers, profiles
from bot.services.personal_data import forget_unconsented
from bot.services.users import START_PAYLOAD_MAX

log = logging.getLogger(__name__)

# A typed answer: text that is not a command (commands go to their own handlers or to /help).
TYPED = F.text & ~F.text.startswith("/")
PDF_HEAD_BYTES = 1024


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(start, CommandStart())
    router.callback_query.register(
        choose_language,
        LanguageChoice.filter(),
        StateFilter(Onboarding.language, Onboarding.consent),
    )
    router.callback_query.register(consent, ConsentChoice.filter(), Onboarding.consent)
    router.callback_query.register(
        use_telegram_name, OnboardingAction.filter(F.action == "tg-name"), Onboarding.full_name
    )
    router.callback_query.register(
        pick_study_level, StudyLevelChoice.filter(), Onboarding.study_level
    )
    router.callback_query.register(
        interests_to_topics, OnboardingAction.filter(F.action == "topics"), Onboarding.interests
    )
    router.callback_query.register(
        finish_topics, TopicPick.filter(F.action == "done"), Onboarding.topics
    )
    router.callback_query.register(
        turn_topic_page, TopicPick.filter(F.action == "p"), Onboarding.topics
    )
    router.callback_query.register(
        toggle_topic, TopicPick.filter(F.action == "t"), Onboarding.topics
    )
    router.callback_query.register(pick_seeking, SeekingPick.filter(), Onboarding.seeking)
    # Messages answering a step; one state check skips them all for everyone else.
    steps = Router(name=f"{__name__}.steps")
    steps.message.filter(StateFilter(Onboarding))
    steps.message.register(type_language, Onboarding.language, TYPED)
    steps.message.register(type_consent, Onboarding.consent, TYPED)
    steps.message.register(type_name, Onboarding.full_name, TYPED)
    steps.message.register(type_university, Onboarding.university, TYPED)
    steps.message.register(type_study_level, Onboarding.study_level, TYPED)
    steps.message.register(type_field, Onboarding.field_of_study, TYPED)
    steps.message.register(type_interests, Onboarding.interests, TYPED)
    steps.message.register(type_topics, Onboarding.topics, TYPED)
    steps.message.register(type_seeking, Onboarding.seeking, TYPED)
    steps.message.register(share_phone, Onboarding.phone, F.contact)
    steps.message.register(type_phone, Onboarding.phone, TYPED)
    steps.message.register(type_email, Onboarding.email, TYPED)
    steps.message.register(send_cv, Onboarding.cv, F.document)
    steps.message.register(type_cv, Onboarding.cv, TYPED)
    # Whatever else arrives during a step: say what the step expects and ask again.
    steps.message.register(not_an_answer, ~(F.text.startswith("/")))
    router.include_router(steps)
    return router


# --- /start, language, consent -----------------------------------------------------------------


async def start(message: Message, command: CommandObject, turn: Turn) -> None:
    if turn.is_student:
        profile = await profiles.get_profile(turn.session, turn.user_id)
        if profile is not None and profile.completed:
            turn.say(turn.t("welcome-back", name=profile.full_name or telegram_name(turn)))
            return
        turn.say(turn.t("onboarding-resume"))
        await ask(turn, await current_step(turn))
        return
    # Before consent the deep link and the language wait in the conversation state.
    data = await turn.state.get_data()
    payload = (command.args or "").strip()[:START_PAYLOAD_MAX]
    if payload and not data.get(START_SOURCE):
        data[START_SOURCE] = payload
    await turn.state.set_data(data)
    await turn.state.set_state(Onboarding.language)
    turn.say(turn.t("start-welcome"), kb.languages(turn.lang))


async def _language_chosen(turn: Turn, lang: str, pressed: Message | None) -> None:
    await turn.state.update_data({FSM_LANGUAGE_KEY: lang})
    await turn.state.set_state(Onboarding.consent)
    turn.speak(lang)
    text = turn.t("consent-text")
    if pressed is not None:
        turn.edit(pressed, text, kb.consent(turn.t))
    else:
        turn.say(text, kb.consent(turn.t))


async def choose_language(
    callback: CallbackQuery, callback_data: LanguageChoice, turn: Turn
) -> None:
    if callback_data.lang not in LANGUAGES:
        turn.answer(callback, turn.t("callback-stale"), alert=True)
        return
    turn.answer(callback)
    await _language_chosen(turn, callback_data.lang, callback_message(callback))


async def type_language(message: Message, turn: Turn) -> None:
    lang = answers.parse_language(message.text or "")
    if lang is None:
        turn.say(turn.t("language-unclear"), kb.languages(turn.lang))
        return
    await _language_chosen(turn, lang, None)


async def _consent_given(turn: Turn, agree: bool, pressed: Message | None) -> None:
    if not agree:
        await forget_unconsented(turn.session, turn.user_id)
        await turn.state.clear()
        if pressed is not None:
            turn.edit(pressed, turn.t("consent-declined"))
        else:
            turn.say(turn.t("consent-declined"))
        return
    data = await turn.state.get_data()
    await profiles.give_consent(
        turn.session,
        turn.user_id,
        language=turn.lang,
        start_source=data.get(START_SOURCE),
        now=turn.now,
    )
    await turn.state.set_data({})  # the language and the deep link now live on the user row
    if turn.lang != language_from_telegram(turn.person.language_code):
        # Telegram shows the menu of the app's language; this person chose another one.
        turn.replies.add(
            SetMyCommands(
                commands=menu_for(turn.translator, turn.lang),
                scope=BotCommandScopeChat(chat_id=turn.chat_id),
            )
        )
    if pressed is not None:
        turn.edit(pressed, views.lines(turn.t("consent-text"), turn.t("consent-given")))
    await ask(turn, Onboarding.full_name)


async def consent(callback: CallbackQuery, callback_data: ConsentChoice, turn: Turn) -> None:
    turn.answer(callback)
    await _consent_given(turn, callback_data.agree, callback_message(callback))


async def type_consent(message: Message, turn: Turn) -> None:
    agree = answers.parse_yes_no(message.text or "")
    if agree is None:
        turn.say(views.lines(turn.t("consent-unclear"), turn.t("consent-text")), kb.consent(turn.t))
        return
    await _consent_given(turn, agree, None)


# --- name, university, study level, field -------------------------------------------------------


async def _save_text(turn: Turn, field: str, text: str) -> str | None:
    """Store a typed field; the notice to give when it was cut (None otherwise)."""
    saved = await profiles.set_text(turn.session, turn.user_id, field, text, now=turn.now)
    if saved.cut:
        return turn.t("text-cut", limit=profiles.TEXT_FIELDS[field])
    return None


async def use_telegram_name(callback: CallbackQuery, turn: Turn) -> None:
    name = telegram_name(turn)
    turn.answer(callback)
    if not name:
        await reask(turn, turn.t("name-empty"))
        return
    notice = await _save_text(turn, "full_name", name)
    recap = turn.t("recap-name", name=name)
    await answered(
        turn, Onboarding.full_name, pressed=callback_message(callback), recap=recap, notice=notice
    )


async def _typed_text_step(message: Message, turn: Turn, field: str, empty_key: str) -> None:
    text = (message.text or "").strip()
    if not text:
        await reask(turn, turn.t(empty_key))
        return
    notice = await _save_text(turn, field, text)
    step = {
        "full_name": Onboarding.full_name,
        "university": Onboarding.university,
        "field_of_study": Onboarding.field_of_study,
    }[field]
    await answered(turn, step, notice=notice)


async def type_name(message: Message, turn: Turn) -> None:
    await _typed_text_step(message, turn, "full_name", "name-empty")


async def type_university(message: Message, turn: Turn) -> None:
    await _typed_text_step(message, turn, "university", "step-expects-text")


async def type_field(message: Message, turn: Turn) -> None:
    await _typed_text_step(message, turn, "field_of_study", "step-expects-text")


async def _study_level_chosen(
    turn: Turn, level: answers.StudyLevel, pressed: Message | None
) -> None:
    await profiles.set_study_level(turn.session, turn.user_id, level, now=turn.now)
    label = views.study_level(turn.t, level.degree, level.year)
    recap = turn.t("recap-study-level", level=safe(label))
    await answered(turn, Onboarding.study_level, pressed=pressed, recap=recap)


async def pick_study_level(
    callback: CallbackQuery, callback_data: StudyLevelChoice, turn: Turn
) -> None:
    degree, year = callback_data.degree, callback_data.year
    if degree not in answers.DEGREES or not 0 <= year <= answers.MAX_YEAR[degree]:
        turn.answer(callback, turn.t("callback-stale"), alert=True)
        return
    turn.answer(callback)
    level = answers.StudyLevel(degree, year or None)
    await _study_level_chosen(turn, level, callback_message(callback))


async def type_study_level(message: Message, turn: Turn) -> None:
    level = answers.parse_study_level(message.text or "")
    if level is None:
        await reask(turn, turn.t("study-level-unclear"))
        return
    await _study_level_chosen(turn, level, None)


# --- interests and topics -----------------------------------------------------------------------


async def type_interests(message: Message, turn: Turn) -> None:
    saved = await profiles.set_interests(
        turn.session, turn.user_id, message.text or "", engine=turn.fair.engine, now=turn.now
    )
    notice = turn.t("interests-cut", limit=len(saved.text)) if saved.cut else None
    await answered(turn, Onboarding.interests, notice=notice)


async def interests_to_topics(callback: CallbackQuery, turn: Turn) -> None:
    turn.answer(callback)
    await ask(turn, Onboarding.topics, pressed=callback_message(callback))


async def _topics_done(turn: Turn, pressed: Message | None) -> bool:
    profile = await profiles.get_profile(turn.session, turn.user_id)
    if profile is None or not (profile.picked_topics or profile.interests):
        return False
    names = views.topic_names(
        turn.fair.catalogue, turn.lang, (*profile.picked_topics, *profile.text_topics)
    )
    recap = turn.t("recap-topics", topics=names or "—")
    await answered(turn, Onboarding.topics, pressed=pressed, recap=recap)
    return True


async def _refresh_topics(turn: Turn, message: Message, page: int) -> None:
    profile = await profiles.get_profile(turn.session, turn.user_id)
    assert profile is not None
    markup = kb.topics(turn.t, turn.fair.catalogue, turn.lang, profile.picked_topics, page)
    turn.replies.add(
        EditMessageReplyMarkup(
            chat_id=message.chat.id, message_id=message.message_id, reply_markup=markup
        )
    )


async def finish_topics(callback: CallbackQuery, turn: Turn) -> None:
    if await _topics_done(turn, callback_message(callback)):
        turn.answer(callback)
    else:
        turn.answer(callback, turn.t("topics-need-one"), alert=True)


async def turn_topic_page(callback: CallbackQuery, callback_data: TopicPick, turn: Turn) -> None:
    message = callback_message(callback)
    if not 0 <= callback_data.page < kb.topic_pages(turn.fair.catalogue) or message is None:
        turn.answer(callback, turn.t("callback-stale"), alert=True)
        return
    await turn.state.update_data({TOPICS_PAGE: callback_data.page})
    turn.answer(callback)
    await _refresh_topics(turn, message, callback_data.page)


async def toggle_topic(callback: CallbackQuery, callback_data: TopicPick, turn: Turn) -> None:
    picked = await profiles.toggle_topic(
        turn.session, turn.user_id, callback_data.topic, catalogue=turn.fair.catalogue,
        engine=turn.fair.engine, now=turn.now,
    )  # fmt: skip
    message = callback_message(callback)
    if picked is None or message is None:
        turn.answer(callback, turn.t("callback-stale"), alert=True)
        return
    turn.answer(callback)
    pages = kb.topic_pages(turn.fair.catalogue)
    await _refresh_topics(turn, message, min(max(callback_data.page, 0), pages - 1))


async def type_topics(message: Message, turn: Turn) -> None:
    text = message.text or ""
    if answers.is_done(text):
        if not await _topics_done(turn, None):
            await reask(turn, turn.t("topics-need-one"))
        return
    profile = await profiles.get_profile(turn.session, turn.user_id)
    assert profile is not None
    added = []
    for mention in turn.fair.engine.topics_in(answers.bound_text(text, 1000).text):
        if mention.topic not in profile.picked_topics and mention.topic not in added:
            await profiles.toggle_topic(
                turn.session,
                turn.user_id,
                mention.topic,
                catalogue=turn.fair.catalogue,
                engine=turn.fair.engine,
                now=turn.now,
            )
            added.append(mention.topic)
    if added:
        names = views.topic_names(turn.fair.catalogue, turn.lang, added)
        await reask(turn, turn.t("topics-added", topics=names))
    else:
        await reask(turn, turn.t("topics-none-found"))


# --- what they seek -----------------------------------------------------------------------------


async def _seeking_done(turn: Turn, pressed: Message | None) -> None:
    profile = await profiles.get_profile(turn.session, turn.user_id)
    assert profile is not None
    chosen = views.kinds(turn.t, profile.seeking) or turn.t("seeking-anything")
    recap = turn.t("recap-seeking", kinds=safe(chosen))
    await answered(turn, Onboarding.seeking, pressed=pressed, recap=recap)


async def pick_seeking(callback: CallbackQuery, callback_data: SeekingPick, turn: Turn) -> None:
    message = callback_message(callback)
    if callback_data.kind == "done":
        turn.answer(callback)
        await _seeking_done(turn, message)
        return
    chosen = await profiles.toggle_seeking(
        turn.session, turn.user_id, callback_data.kind, now=turn.now
    )
    if chosen is None:
        turn.answer(callback, turn.t("callback-stale"), alert=True)
        return
    turn.answer(callback)
    if message is not None:
        turn.replies.add(
            EditMessageReplyMarkup(
                chat_id=message.chat.id,
                message_id=message.message_id,
                reply_markup=kb.seeking(turn.t, chosen),
            )
        )


async def type_seeking(message: Message, turn: Turn) -> None:
    text = message.text or ""
    if answers.is_done(text):
        await _seeking_done(turn, None)
        return
    kinds = answers.parse_seeking(text)
    if kinds is None:
        await reask(turn, turn.t("seeking-unclear"))
        return
    await profiles.set_seeking(turn.session, turn.user_id, kinds, now=turn.now)
    await _seeking_done(turn, None)


# --- phone, e-mail, CV --------------------------------------------------------------------------


async def share_phone(message: Message, turn: Turn) -> None:
    contact = message.contact
    assert contact is not None
    if contact.user_id != turn.user_id:
        await reask(turn, turn.t("phone-not-yours"))
        return
    phone = answers.contact_phone(contact.phone_number)
    await profiles.set_phone(turn.session, turn.user_id, phone, now=turn.now)
    await answered(turn, Onboarding.phone)


async def type_phone(message: Message, turn: Turn) -> None:
    text = message.text or ""
    if answers.is_skip(text):
        await answered(turn, Onboarding.phone)
        return
    if answers.is_remove(text):
        await profiles.set_phone(turn.session, turn.user_id, None, now=turn.now)
        await answered(turn, Onboarding.phone)
        return
    phone = answers.normalise_phone(text)
    if phone is None:
        await reask(turn, turn.t("phone-invalid"))
        return
    await profiles.set_phone(turn.session, turn.user_id, phone, now=turn.now)
    await answered(turn, Onboarding.phone)


async def type_email(message: Message, turn: Turn) -> None:
    text = message.text or ""
    if answers.is_skip(text):
        await answered(turn, Onboarding.email)
        return
    if answers.is_remove(text):
        await profiles.set_email(turn.session, turn.user_id, None, now=turn.now)
        await answered(turn, Onboarding.email)
        return
    email = answers.normalise_email(text)
    if email is None:
        await reask(turn, turn.t("email-invalid"))
        return
    await profiles.set_email(turn.session, turn.user_id, email, now=turn.now)
    await answered(turn, Onboarding.email)


async def _pdf_head(bot: Bot, document: Document) -> bytes | None:
    """The first bytes of the file as Telegram stores it (None if it cannot be fetched)."""
    try:
        file = await bot.get_file(document.file_id)
        if not file.file_path:
            return None
        url = bot.session.api.file_url(bot.token, file.file_path)
        stream = bot.session.stream_content(url, timeout=20, chunk_size=PDF_HEAD_BYTES)
        async with contextlib.aclosing(stream) as chunks:
            async for chunk in chunks:
                return chunk
    except (TelegramAPIError, OSError, TimeoutError) as error:
        log.warning("could not fetch the head of a CV: %s", type(error).__name__)
        return None
    return b""


async def send_cv(message: Message, bot: Bot, turn: Turn) -> None:
    document = message.document
    assert document is not None
    problem = answers.check_cv(document.mime_type, document.file_name, document.file_size)
    if problem is None:
        head = await _pdf_head(bot, document)
        if head is None:
            problem = answers.CvProblem.UNREADABLE
        elif not answers.looks_like_pdf(head):
            problem = answers.CvProblem.BROKEN
    if problem is not None:
        await reask(turn, turn.t(problem.value))
        return
    cv = profiles.CvFile(document.file_id, document.file_name or "cv.pdf", document.file_size or 0)
    await profiles.set_cv(turn.session, turn.user_id, cv, now=turn.now)
    await answered(turn, Onboarding.cv, notice=turn.t("cv-saved", name=cv.file_name))


async def type_cv(message: Message, turn: Turn) -> None:
    text = message.text or ""
    if answers.is_skip(text):
        await answered(turn, Onboarding.cv)
        return
    if answers.is_remove(text):
        await profiles.set_cv(turn.session, turn.user_id, None, now=turn.now)
        await answered(turn, Onboarding.cv)
        return
    await reask(turn, turn.t("cv-expects-file"))


# --- anything else during a step ----------------------------------------------------------------


async def not_an_answer(message: Message, turn: Turn) -> None:
    state = turn.raw_state
    if state == Onboarding.language.state:
        turn.say(turn.t("language-unclear"), kb.languages(turn.lang))
        return
    if state == Onboarding.consent.state:
        turn.say(views.lines(turn.t("consent-unclear"), turn.t("consent-text")), kb.consent(turn.t))
        return
    step = await current_step(turn)
    if step == Onboarding.cv:
        key = "cv-not-a-document" if message.photo else "cv-expects-file"
    elif step == Onboarding.phone:
        key = "phone-expects"
    else:
        key = "step-expects-text"
    await reask(turn, turn.t(key))
