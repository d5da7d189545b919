"""Consent: nothing stored before it; a share only with the chosen organisation; withdrawal;
/my_data shows everything; /delete_me leaves nothing; declining leaves nothing."""

from __future__ import annotations

import json

from aiogram import Bot, Dispatcher
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.db.models import (
    ContactShare,
    FsmRecord,
    StudentMatch,
    StudentProfile,
    StudentTopic,
    User,
)
from bot.fakeapi import FakeTelegramServer
from bot.i18n import Translator
from tests.student.journey import Journey

PERSONAL_TABLES = (StudentProfile, StudentTopic, StudentMatch, ContactShare)


async def count(session: AsyncSession, model: type, user_id: int) -> int:
    column = model.id if model is User else model.user_id  # type: ignore[attr-defined]
    return int(await session.scalar(select(func.count()).where(column == user_id)) or 0)


async def fsm_data(session: AsyncSession, user_id: int) -> list[dict[str, object]]:
    rows = await session.scalars(select(FsmRecord).where(FsmRecord.key.contains(str(user_id))))
    return [dict(row.data or {}) for row in rows]


async def test_nothing_but_the_id_before_consent(
    server: FakeTelegramServer,
    tg: Bot,
    dp: Dispatcher,
    translator: Translator,
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    user = server.user("Aigerim", "Nurlanovna", username="aigerim", language_code="kk")
    journey = Journey(user, "ru", translator, clock)
    async with server.polling(dp, tg):
        await journey.start("booth-7")
        await journey.choose_language()  # Russian, though Telegram says Kazakh
        async with sessionmaker() as session:
            person = await session.get(User, user.id)
            assert person is not None
            assert (person.language, person.start_source, person.consented_at) == (None, None, None)
            for model in PERSONAL_TABLES:
                assert await count(session, model, user.id) == 0, model.__tablename__
            # The deep link and the language wait in the conversation state.
            assert {"start_source": "booth-7", "language": "ru"} in await fsm_data(session, user.id)
        await journey.consent()
        async with sessionmaker() as session:
            person = await session.get(User, user.id)
            assert person is not None
            assert (person.language, person.start_source) == ("ru", "booth-7")
            assert person.consented_at is not None
            assert await count(session, StudentProfile, user.id) == 1
            assert all("booth-7" not in str(d) for d in await fsm_data(session, user.id))
        # Telegram speaks Kazakh to this person; they chose Russian: their menu follows.
        menu = server.commands_for(user)
        assert menu
        assert menu[0]["description"] == translator.get("ru", "menu-start")


async def test_declining_leaves_nothing(
    server: FakeTelegramServer,
    tg: Bot,
    dp: Dispatcher,
    translator: Translator,
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    user = server.user("Dana", language_code="en")
    journey = Journey(user, "en", translator, clock)
    async with server.polling(dp, tg):
        await journey.start("poster")
        await journey.choose_language()
        await user.press(journey.t("consent-decline"))
        declined = await journey.expect("consent-declined")
        assert not declined.inline_keyboard
        await user.send("/matches")
        await journey.expect("need-start")
        await server.wait_until(lambda: len(server.calls("sendMessage")) >= 2)
    async with sessionmaker() as session:
        for model in PERSONAL_TABLES:
            assert await count(session, model, user.id) == 0
        assert await fsm_data(session, user.id) == []
        person = await session.get(User, user.id)
        # /matches came after the refusal: the row holds the id, nothing else.
        assert person is None or (person.language, person.start_source) == (None, None)


async def test_share_only_with_the_chosen_one_then_withdraw_then_delete(
    server: FakeTelegramServer,
    tg: Bot,
    dp: Dispatcher,
    translator: Translator,
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    user = server.user("Dana", "Lee", language_code="en")
    journey = Journey(user, "en", translator, clock)
    async with server.polling(dp, tg):
        await journey.start()
        await journey.choose_language()
        await journey.consent()
        cards = await journey.profile()
        assert len(cards) >= 2
        chosen, other = cards[0], cards[1]
        await user.press(chosen.buttons[0], message=chosen)  # "Share my contact with ..."
        await user.next_message()
        await user.press(journey.t("share-without-feedback"), message=chosen)
        await user.next_message()
        async with sessionmaker() as session:
            shares = (await session.scalars(select(ContactShare))).all()
            chosen_org = shares[0].org_slug
            assert [(s.user_id, s.feedback_opt_in) for s in shares] == [(user.id, False)]
            matches = (
                await session.scalars(select(StudentMatch).order_by(StudentMatch.rank))
            ).all()
            assert chosen_org == matches[0].org_slug != matches[1].org_slug

        # A forged "share" for an organisation that is not among their matches.
        answer = await user.press(data="m:yes:no-such-org", message=other)
        assert answer.show_alert
        assert answer.text == journey.t("match-unknown")

        # /privacy lists the share; withdrawing there removes it.
        await user.send("/privacy")
        privacy = await journey.expect("privacy-shares")
        answer = await user.press(0, message=privacy)
        assert answer.text is not None
        assert answer.text.startswith("✓")
        cleared = await user.next_message()
        assert journey.t("privacy-no-shares") in cleared.body
        assert not cleared.inline_keyboard
        async with sessionmaker() as session:
            assert await count(session, ContactShare, user.id) == 0

        # Share again, then /my_data holds all of it.
        await user.send("/matches")
        cards = await journey.cards()
        await user.press(cards[0].buttons[0], message=cards[0])
        await user.next_message()
        await user.press(journey.t("share-with-feedback"), message=cards[0])
        await user.next_message()
        await user.send("/my_data")
        export = await user.wait_for_message(lambda m: m.document is not None)
        assert export.document is not None
        assert export.document.file_name == "fairbot-my-data.json"
        document = json.loads(export.document.content)
        assert document["telegram_user_id"] == user.id
        assert document["profile"]["full_name"] == "Dana Lee"
        assert document["profile"]["email"] == "aigerim@example.org"
        assert [s["organisation"] for s in document["contact_shares"]] == [chosen_org]
        assert document["matches"][0]["organisation"] == chosen_org
        assert document["topics"]

        # /delete_me, confirmed: nothing of them is left, and the bot forgot them.
        await user.send("/delete_me")
        question = await journey.expect("delete-question")
        await user.press(journey.t("delete-confirm"), message=question)
        await journey.expect("delete-goodbye")
        async with sessionmaker() as session:
            assert await count(session, User, user.id) == 0
            for model in PERSONAL_TABLES:
                assert await count(session, model, user.id) == 0
            assert await fsm_data(session, user.id) == []
        await user.send("/start")
        await journey.expect("start-welcome")


async def test_delete_me_can_be_declined_and_typed(
    server: FakeTelegramServer,
    tg: Bot,
    dp: Dispatcher,
    translator: Translator,
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    user = server.user("Алия", language_code="ru")
    journey = Journey(user, "ru", translator, clock)
    async with server.polling(dp, tg):
        await journey.start()
        await journey.choose_language()
        await journey.consent()
        await user.send("/delete_me")
        question = await journey.expect("delete-question")
        await user.press(journey.t("delete-keep"), message=question)
        await journey.expect("delete-kept")
        await journey.expect("ask-name")  # back where they were
        # A stale confirmation button does nothing now.
        answer = await user.press(data="pv:delete:", message=question)
        assert answer.show_alert
        async with sessionmaker() as session:
            assert await count(session, StudentProfile, user.id) == 1
        await user.send("/delete_me")
        await journey.expect("delete-question")
        await user.send("да")
        await journey.expect("delete-goodbye")
    async with sessionmaker() as session:
        assert await count(session, User, user.id) == 0
        assert await count(session, StudentProfile, user.id) == 0
