"""Bad input gets a clear answer and loses nothing: long text, HTML, stickers, photos, voice,
unknown commands, stale and forged buttons, floods, wrong files, someone else's contact."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot, Dispatcher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.db.models import ProcessedUpdate, StudentProfile
from bot.fakeapi import FakeTelegramServer
from bot.fakeapi.media import make_png
from bot.i18n import Translator
from tests.student.journey import ANSWERS, Journey

PDF = b"%PDF-1.7\n" + b"0" * 2000 + b"\n%%EOF"


@pytest.fixture
async def journey(
    server: FakeTelegramServer, tg: Bot, dp: Dispatcher, translator: Translator, clock: FakeClock
) -> AsyncIterator[Journey]:
    """An English-speaking student who has just consented (the name step is asked)."""
    user = server.user("Dana", "Lee", language_code="en")
    journey = Journey(user, "en", translator, clock)
    async with server.polling(dp, tg):
        await journey.start()
        await journey.choose_language()
        await journey.consent()
        yield journey


async def stored(sessionmaker: async_sessionmaker[AsyncSession], user_id: int) -> StudentProfile:
    async with sessionmaker() as session:
        profile = await session.get(StudentProfile, user_id)
        assert profile is not None
        return profile


async def test_html_and_markdown_appear_literally(
    journey: Journey, server: FakeTelegramServer, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    user = journey.user
    name = '<b>Dana</b> *bold* _x_ & <a href="http://evil">me</a> </i>'
    await user.send(name)
    await journey.expect("ask-university")
    await user.send("<i>KazNU")
    await journey.expect("ask-study-level")
    profile = await stored(sessionmaker, user.id)
    assert profile.full_name == name
    assert profile.university == "<i>KazNU"
    await finish(journey)
    await user.send("/profile")
    card = await journey.expect("profile-edit-hint")
    assert name in card.body
    assert "<i>KazNU" in card.body
    assert not card.entities or all(e["type"] == "bold" for e in card.entities)
    assert server.calls("sendMessage", ok=False) == []
    assert server.calls("editMessageText", ok=False) == []


async def finish(journey: Journey) -> None:
    """From the study level step to the end, answering by typing only."""
    user, answers = journey.user, ANSWERS["en"]
    await user.send(answers["level"])
    await journey.expect("ask-field")
    await user.send(answers["field"])
    await journey.expect("ask-interests")
    await user.send(answers["interests"])
    await journey.expect("ask-topics")
    await user.send("done")
    await journey.expect("ask-seeking")
    await user.send("internship and research")
    await journey.expect("ask-phone")
    await user.send("skip")
    await journey.expect("ask-email")
    await user.send("skip")
    await journey.expect("ask-cv")
    await user.send("skip")
    await journey.cards(finished=True)


async def test_long_interests_are_cut_with_a_notice(
    journey: Journey, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    user = journey.user
    for answer, step in [("Dana", "ask-university"), ("KazNU", "ask-study-level")]:
        await user.send(answer)
        await journey.expect(step)
    await user.send("3")
    await journey.expect("ask-field")
    await user.send("x" * 500)
    await journey.expect("text-cut", limit=200)
    await user.send(("I love satellites and remote sensing. " * 40).strip())
    notice = await journey.expect("ask-topics")
    assert "I kept the first" in notice.body
    profile = await stored(sessionmaker, user.id)
    assert profile.field_of_study == "x" * 200
    assert profile.interests is not None
    assert 900 <= len(profile.interests) <= 1000


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice"])
async def test_non_text_where_text_is_expected_is_asked_again(
    kind: str, journey: Journey, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    user = journey.user
    await user.send("Dana")
    await journey.expect("ask-university")
    await {"sticker": user.send_sticker, "photo": user.send_photo, "voice": user.send_voice}[kind]()
    again = await journey.expect("step-expects-text")
    assert journey.t("ask-university") in again.body
    await user.send("KazNU")
    await journey.expect("ask-study-level")
    assert (await stored(sessionmaker, user.id)).university == "KazNU"


async def test_unknown_command_gets_help_and_the_step_waits(journey: Journey) -> None:
    user = journey.user
    await user.send("/frobnicate")
    help_text = await journey.expect("help")
    assert "/frobnicate" in help_text.body
    await user.send("Dana")
    await journey.expect("ask-university")


async def test_stale_and_forged_buttons_get_an_alert(journey: Journey) -> None:
    user = journey.user
    name_question = user.last_message
    assert name_question is not None
    await user.press(0)  # "Use Dana Lee"
    await journey.expect("ask-university")
    for data in ["ob:tg-name", "tp:t:not-a-topic:0", "sl:master:9", "zzz", "m:share:garysh-sapary"]:
        answer = await user.press(data=data, message=name_question)
        assert answer.show_alert, data
        assert answer.text in (journey.t("callback-stale"), journey.t("match-unknown")), data
    await user.send("KazNU")
    await journey.expect("ask-study-level")
    answer = await user.press(data="sl:master:9")  # a year master's degrees do not have
    assert answer.show_alert
    await user.press(journey.t("level-master", year=2))
    await journey.expect("ask-field")


async def test_flood_is_throttled_politely(
    journey: Journey, server: FakeTelegramServer, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    user = journey.user
    sent = [await user.send(f"spam {number}") for number in range(25)]
    notice = await journey.user.wait_for_message(lambda m: m.body == journey.t("throttled"))
    assert notice.body == journey.t("throttled")
    last = sent[-1].update_id
    for _ in range(100):  # every update handled (the ignored ones too) before looking
        async with sessionmaker() as session:
            if await session.get(ProcessedUpdate, last) is not None:
                break
        await asyncio.sleep(0.05)
    throttled = [m for m in user.messages if m.body == journey.t("throttled")]
    assert len(throttled) == 1


async def test_cv_must_be_a_pdf_of_at_most_10_mb(
    journey: Journey, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    user = journey.user
    for answer, step in [
        ("Dana", "ask-university"), ("KazNU", "ask-study-level"), ("PhD", "ask-field"),
        ("Physics", "ask-interests"), ("GIS", "ask-topics"), ("done", "ask-seeking"),
        ("job", "ask-phone"), ("+7 701 234 5678", "ask-email"), ("dana@example.org", "ask-cv"),
    ]:  # fmt: skip
        await user.send(answer)
        await journey.expect(step)
    await user.send_photo(make_png(200, 200))
    await journey.expect("cv-not-a-document")
    await user.send_document(b"PK\x03\x04 not a pdf", "cv.docx")
    await journey.expect("cv-not-pdf")
    await user.send_document(b"%PDF-1.4" + b"0" * (10 * 1024 * 1024), "big.pdf", "application/pdf")
    await journey.expect("cv-too-big")
    await user.send_document(b"<html>not really</html>", "fake.pdf", "application/pdf")
    await journey.expect("cv-broken")
    await user.send("my cv is great")
    await journey.expect("cv-expects-file")
    await user.send_document(PDF, "Dana Lee CV.pdf", "application/pdf")
    done = await journey.expect("onboarding-done")
    assert journey.t("cv-saved", name="Dana Lee CV.pdf") in done.body
    profile = await stored(sessionmaker, user.id)
    assert profile.cv_file_name == "Dana Lee CV.pdf"
    assert profile.cv_file_size == len(PDF)
    assert profile.cv_file_id
    assert profile.phone == "+77012345678"
    assert profile.degree == "phd"


async def test_phone_must_be_their_own_and_valid(
    journey: Journey, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    user = journey.user
    for answer, step in [
        ("Dana", "ask-university"), ("KazNU", "ask-study-level"), ("2", "ask-field"),
        ("Physics", "ask-interests"), ("GIS", "ask-topics"), ("done", "ask-seeking"),
        ("done", "ask-phone"),
    ]:  # fmt: skip
        await user.send(answer)
        await journey.expect(step)
    user._message(  # a contact card of someone else, forwarded from the address book
        {"contact": {"phone_number": "77019998877", "first_name": "Mum", "user_id": 42}}
    )
    await journey.expect("phone-not-yours")
    await user.send("call me maybe")
    await journey.expect("phone-invalid")
    await user.send_sticker()
    await journey.expect("phone-expects")
    await user.share_contact("77011234567")
    await journey.expect("ask-email")
    profile = await stored(sessionmaker, user.id)
    assert profile.phone == "+77011234567"
    assert profile.seeking == []
