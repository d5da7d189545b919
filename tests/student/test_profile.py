"""/profile edits (matches recomputed), /matches cards (hide, more, undo), /language, typed
answers in Russian and Kazakh, and the "no matches" answer."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot, Dispatcher
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.db.models import StudentMatch, StudentProfile, StudentTopic, User
from bot.fakeapi import FakeTelegramServer
from bot.i18n import Translator
from tests.student.journey import Journey


@pytest.fixture
async def student(
    server: FakeTelegramServer, tg: Bot, dp: Dispatcher, translator: Translator, clock: FakeClock
) -> AsyncIterator[Journey]:
    """An English-speaking student with a finished profile and their first match cards read."""
    user = server.user("Dana", "Lee", language_code="en")
    journey = Journey(user, "en", translator, clock)
    async with server.polling(dp, tg):
        await journey.start()
        await journey.choose_language()
        await journey.consent()
        await journey.profile()
        yield journey


async def matches_of(
    sessionmaker: async_sessionmaker[AsyncSession], user_id: int
) -> list[StudentMatch]:
    async with sessionmaker() as session:
        rows = await session.scalars(
            select(StudentMatch).where(StudentMatch.user_id == user_id).order_by(StudentMatch.rank)
        )
        return list(rows)


async def test_editing_interests_recomputes_matches(
    student: Journey, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    user = student.user
    before = [m.org_slug for m in await matches_of(sessionmaker, user.id)]
    await user.send("/profile")
    card = await student.expect("profile-edit-hint")
    assert "satellite image processing and GIS" in card.body
    await user.press(student.t("edit-interests"), message=card)
    await student.expect("ask-interests")
    await user.send("stars, galaxies and astrophysics, telescopes")
    saved = await student.expect("profile-saved")
    assert "stars, galaxies" in saved.body
    after = [m.org_slug for m in await matches_of(sessionmaker, user.id)]
    assert after
    assert after != before
    async with sessionmaker() as session:
        topics = set(
            await session.scalars(
                select(StudentTopic.topic_id).where(StudentTopic.user_id == user.id)
            )
        )
    assert "gis" not in topics
    await user.send("/matches")
    cards = await student.cards()
    assert [c.body.split(". ", 1)[0] for c in cards] == [str(n) for n in range(1, len(cards) + 1)]


async def test_editing_contact_fields_and_study_level(
    student: Journey, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    user = student.user
    await user.send("/profile")
    card = await student.expect("profile-edit-hint")
    await user.press(student.t("edit-email"), message=card)
    prompt = await student.expect("ask-email")
    assert "aigerim@example.org" in prompt.body  # "Now: ..."
    await user.tap_reply_button(student.t("button-remove"))
    await student.expect("profile-saved")
    await user.press(student.t("edit-study_level"), message=card)
    await student.expect("ask-study-level")
    await user.press(student.t("level-phd-any"))
    edited = await student.expect("profile-saved")
    assert student.t("level-phd-any") in edited.body
    async with sessionmaker() as session:
        profile = await session.get(StudentProfile, user.id)
        assert profile is not None
        assert profile.email is None
        assert (profile.degree, profile.study_year) == ("phd", None)


async def test_hide_more_and_undo_on_a_card(
    student: Journey, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    user = student.user
    await user.send("/matches")
    cards = await student.cards()
    first = cards[0]
    await user.press(student.t("match-more"), message=first)
    full = await user.next_message()
    assert "City:" in full.body
    assert "http" in full.body
    assert student.t("match-less") in full.button_texts
    await user.press(student.t("match-hide"), message=first)
    hidden = await user.next_message()
    assert student.t("match-unhide") in hidden.button_texts
    rows = await matches_of(sessionmaker, user.id)
    assert rows[0].dismissed_at is not None
    # Hidden stays hidden when the profile changes and matches are recomputed.
    await user.send("/profile")
    card = await student.expect("profile-edit-hint")
    await user.press(student.t("edit-field_of_study"), message=card)
    await student.expect("ask-field")
    await user.send("Geoinformatics")
    await student.expect("profile-saved")
    await user.send("/matches")
    shown = await student.cards()
    hidden_org = rows[0].org_slug
    assert all(hidden_org not in c.raw.get("reply_markup", {}).__str__() for c in shown)
    # A button of the hidden card cannot share with it.
    answer = await user.press(data=f"m:yes:{hidden_org}", message=hidden)
    assert answer.show_alert
    await user.press(student.t("match-unhide"), message=hidden)
    restored = await user.next_message()
    assert student.t("match-withdraw") not in restored.button_texts
    assert (await matches_of(sessionmaker, user.id))[0].dismissed_at is None


async def test_language_switch_changes_menus(
    student: Journey, server: FakeTelegramServer, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    user = student.user
    await user.send("/language")
    await student.expect("language-choose")
    await user.press(0)  # Қазақша
    kk = Journey(user, "kk", student.translator, student.clock)
    await kk.expect("language-set")
    await user.send("/profile")
    card = await kk.expect("profile-edit-hint")
    assert kk.t("edit-interests") in card.button_texts
    async with sessionmaker() as session:
        person = await session.get(User, user.id)
        assert person is not None
        assert person.language == "kk"
    menus = server.commands_for(user)
    assert any(item["command"] == "matches" for item in menus)
    assert server.calls("setMyCommands")


async def test_typed_answers_in_kazakh_and_russian(
    server: FakeTelegramServer,
    tg: Bot,
    dp: Dispatcher,
    translator: Translator,
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    user = server.user("Ерлан", language_code="en")
    kk = Journey(user, "kk", translator, clock)
    async with server.polling(dp, tg):
        await kk.start()
        await user.send("қазақша")
        await kk.expect("consent-text")
        await user.send("иә")
        await kk.expect("ask-name")
        for answer, step in [
            ("Ерлан", "ask-university"), ("ЕНУ", "ask-study-level"),
            ("бакалавр 3 курс", "ask-field"), ("Ғарыш техникасы", "ask-interests"),
        ]:  # fmt: skip
            await user.send(answer)
            await kk.expect(step)
        await user.press(kk.t("interests-pick-instead"))
        await kk.expect("ask-topics")
        await user.send("спутниктік байланыс")  # a topic named by typing
        added = await kk.expect("ask-topics")
        assert kk.t("topics-added", topics="").split(":")[0] in added.body
        await user.send("дайын")
        await kk.expect("ask-seeking")
        await user.send("жұмыс және тағылымдама")
        await kk.expect("ask-phone")
        for answer in ("+7 (701) 555-44-33", "өткізу", "өткізіп жіберу"):
            await user.send(answer)
        assert await kk.cards(finished=True)
    async with sessionmaker() as session:
        profile = await session.get(StudentProfile, user.id)
        assert profile is not None
        assert (profile.degree, profile.study_year) == ("bachelor", 3)
        assert profile.seeking == ["internship", "job"]
        assert profile.phone == "+77015554433"
        assert profile.interests is None
        topics = (
            await session.scalars(select(StudentTopic).where(StudentTopic.user_id == user.id))
        ).all()
        assert [(t.topic_id, t.source) for t in topics] == [("satcom", "picked")]


async def test_off_topic_interests_get_a_clear_no_matches(
    server: FakeTelegramServer, tg: Bot, dp: Dispatcher, translator: Translator, clock: FakeClock
) -> None:
    user = server.user("Dana", language_code="en")
    journey = Journey(user, "en", translator, clock)
    async with server.polling(dp, tg):
        await journey.start()
        await journey.choose_language()
        await journey.consent()
        for answer, step in [
            ("Dana", "ask-university"), ("KazNU", "ask-study-level"), ("1", "ask-field"),
            ("Music", "ask-interests"), ("baking bread and knitting", "ask-topics"),
            ("done", "ask-seeking"), ("done", "ask-phone"), ("skip", "ask-email"),
            ("skip", "ask-cv"), ("skip", "onboarding-done"),
        ]:  # fmt: skip
            await user.send(answer)
            await journey.expect(step)
        assert await journey.cards() == []
        none = user.last_message
        assert none is not None
        await user.press(journey.t("no-matches-topics"), message=none)
        picker = await journey.expect("ask-topics")
        first_page = picker.button_texts
        await user.press(journey.t("page-next", page=2, pages=6))
        second = await user.next_message()
        assert second.button_texts != first_page
        assert journey.t("page-previous") in second.button_texts
        await user.press(1)  # a topic on the second page
        ticked = await user.next_message()
        assert ticked.button_texts[1] == "✓ " + second.button_texts[1]
        await user.press(journey.t("topics-done"))
        await journey.expect("profile-saved")
        await user.send("/matches")
        assert await journey.cards()
