"""The whole student journey through real HTTP, in each language, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from aiogram import Bot, Dispatcher
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.db.models import ContactShare, StudentMatch, StudentProfile, StudentTopic, User
from bot.fakeapi import FakeTelegramServer
from bot.i18n import Translator
from tests.student.journey import Journey

NAMES = {"kk": ("Айгерім", "Нұрланқызы"), "ru": ("Алия", "Смагулова"), "en": ("Dana", "Lee")}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
async def test_journey_in_each_language(
    lang: str,
    server: FakeTelegramServer,
    tg: Bot,
    dp: Dispatcher,
    translator: Translator,
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    first, last = NAMES[lang]
    user = server.user(first, last, language_code=lang)
    journey = Journey(user, lang, translator, clock)
    async with server.polling(dp, tg):
        welcome = await journey.start("qr-hall-b")
        assert welcome.button_texts[["kk", "ru", "en"].index(lang)].startswith("✓")
        await journey.choose_language()
        await journey.consent()
        cards = await journey.profile()
        assert 1 <= len(cards) <= 5
        top = cards[0]
        assert "%" in top.body
        assert journey.t("match-share", org="x").split("x")[0].strip() in top.button_texts[0]
        # Share with the first organisation only, allowing feedback.
        await user.press(top.buttons[0], message=top)
        question = await user.next_message()
        assert journey.t("share-with-feedback") in question.button_texts
        answer = await user.press(journey.t("share-with-feedback"), message=question)
        assert answer.text
        assert answer.text.startswith("✓")
        shared = await user.next_message()
        assert journey.t("match-withdraw") in shared.button_texts

    async with sessionmaker() as session:
        person = await session.get(User, user.id)
        assert person is not None
        assert person.language == lang
        assert person.start_source == "qr-hall-b"
        assert person.consented_at is not None
        profile = await session.get(StudentProfile, user.id)
        assert profile is not None
        assert profile.full_name == f"{first} {last}"
        assert profile.completed_at is not None
        assert profile.email == "aigerim@example.org"
        assert profile.phone is not None
        assert profile.phone.startswith("+7")
        assert profile.seeking == ["internship"]
        topics = (
            await session.scalars(select(StudentTopic).where(StudentTopic.user_id == user.id))
        ).all()
        assert topics
        assert all(t.source == "text" for t in topics)
        matches = (
            await session.scalars(select(StudentMatch).where(StudentMatch.user_id == user.id))
        ).all()
        assert len(matches) >= len(cards)
        shares = (await session.scalars(select(ContactShare))).all()
        assert [(s.user_id, s.feedback_opt_in) for s in shares] == [(user.id, True)]
    for call in server.calls("sendMessage") + server.calls("editMessageText"):
        assert call.params.get("parse_mode") == "HTML", call
    assert not server.calls("sendMessage", ok=False)
