"""Participants use the schedule through the real dispatcher and Bot, over HTTP to the fake Bot API:
browse by day in their language and zone, pick sessions, choose reminder times and their zone."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from aiogram import Dispatcher
from aiogram.client.default import DefaultBotProperties
from sqlalchemy import select

from bot.app import feature_routers
from bot.db.migrate import upgrade
from bot.db.models import ReminderPreference, SessionSubscription, User
from bot.fakeapi import FakeTelegramServer, Timings
from bot.fakeapi.users import BotMessage, SimUser
from bot.services.reminders import OUTBOX_REMINDER
from tests.schedule.conftest import DEFAULT_SESSIONS, Forum, almaty


@pytest.fixture
async def database_url(tmp_path: Path) -> str:
    """SQLite only: these tests are about what people see; the rules below them run on both
    databases in test_reminders.py."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'fairbot.sqlite3'}"
    await upgrade(url)
    return url


@pytest.fixture
async def server(
    forum: Forum, make_dispatcher: Callable[..., Dispatcher]
) -> AsyncIterator[FakeTelegramServer]:
    timings = Timings(reply_timeout=3.0, callback_answer_timeout=3.0)
    async with FakeTelegramServer(timings=timings) as running:
        bot = running.make_bot(default=DefaultBotProperties(parse_mode="HTML"))
        dp = make_dispatcher(fair=forum.store, clock=forum.clock, routers=feature_routers())
        forum.clock.set(almaty(8, 8))  # the forum's first morning
        async with running.polling(dp, bot):
            yield running
        await bot.session.close()


async def _subscriptions(forum: Forum, user_id: int) -> set[str]:
    async with forum.sessionmaker() as session:
        rows = await session.scalars(
            select(SessionSubscription.session_id).where(SessionSubscription.user_id == user_id)
        )
        return set(rows)


async def test_browse_the_day_and_toggle_remind_me(
    server: FakeTelegramServer, forum: Forum
) -> None:
    aigerim = server.user("Aigerim", language_code="en")
    await aigerim.send("/schedule")
    agenda = await aigerim.next_message()
    assert agenda.body.startswith(
        "📅 Schedule · Wednesday, 8 September\nTimes in Asia/Almaty (UTC+05:00)"
    )
    assert "10:00–13:00 · Workshop\nWorkshop · Main hall, A-1\nAbout Workshop." in agenda.body
    assert "14:00–17:00 · Career Fair\nCareer fair · Main hall" in agenda.body
    assert "I remind you 15 minutes before each" in agenda.body
    labels = [button.text for button in agenda.buttons]
    assert labels[:3] == [
        "🔔 Remind me · 10:00 Workshop", "🔔 Remind me · 10:00 Symposium",
        "🔔 Remind me · 14:00 Career Fair",
    ]  # fmt: skip
    assert labels[3:5] == ["• Wed 8 Sep •", "Thu 9 Sep"]

    answer = await aigerim.press("🔔 Remind me · 10:00 Workshop")
    assert answer.text == "🔔 I'll remind you of “Workshop” 15 minutes before it starts."
    assert not answer.show_alert
    edited = await aigerim.next_message()
    assert edited.edited
    assert "✅ 10:00 Workshop" in [button.text for button in edited.buttons]
    assert "🔔 10:00–13:00 · Workshop" in edited.body
    assert await _subscriptions(forum, aigerim.id) == {"workshop"}

    answer = await aigerim.press("✅ 10:00 Workshop")
    assert answer.text == "🔕 “Workshop” is no longer in your schedule."
    await aigerim.next_message()
    assert await _subscriptions(forum, aigerim.id) == set()

    await aigerim.press("Thu 9 Sep")
    day_two = await aigerim.next_message()
    assert day_two.body.startswith("📅 Schedule · Thursday, 9 September")
    assert [b.text for b in day_two.buttons][:3] == [
        "🔔 Remind me · 10:00 Plenary", "Wed 8 Sep", "• Thu 9 Sep •",
    ]  # fmt: skip


async def test_started_cancelled_removed_or_forged_toggles_change_nothing(
    server: FakeTelegramServer, forum: Forum
) -> None:
    aigerim = server.user("Aigerim")
    await aigerim.send("/schedule")
    old = await aigerim.next_message()

    forum.clock.set(almaty(8, 10, 5))  # the workshop has begun; the message is still on screen
    answer = await aigerim.press("🔔 Remind me · 10:00 Workshop", message=old)
    assert answer.show_alert
    assert answer.text == "This session has already started, so there is nothing to remind you of."
    refreshed = await aigerim.next_message()
    assert "🔔 Remind me · 10:00 Workshop" not in [b.text for b in refreshed.buttons]

    await forum.reload([{**DEFAULT_SESSIONS[2], "cancelled": True}, DEFAULT_SESSIONS[3]])
    answer = await aigerim.press("🔔 Remind me · 14:00 Career Fair", message=old)
    assert (answer.text, answer.show_alert) == (
        "This session is cancelled: there will be no reminder for it.",
        True,
    )
    await aigerim.next_message()
    assert "<s>14:00–17:00 · Career Fair</s> — cancelled" in (await _last_agenda(aigerim)).source

    answer = await aigerim.press(data="rt:symposium:20270908")  # removed from the file
    assert (answer.text, answer.show_alert) == ("This session is no longer on the schedule.", True)
    answer = await aigerim.press(data="rt:no-such-session:20270908")  # forged
    assert answer.text == "This session is no longer on the schedule."
    assert await _subscriptions(forum, aigerim.id) == set()


async def _last_agenda(user: SimUser) -> BotMessage:
    await user.send("/schedule")
    return await user.next_message()


async def test_my_schedule_in_order_with_what_is_next(
    server: FakeTelegramServer, forum: Forum
) -> None:
    aigerim = server.user("Aigerim")
    await aigerim.send("/my_schedule")
    empty = await aigerim.next_message()
    assert empty.body.startswith("You have not picked any sessions yet.")

    await forum.subscribe(aigerim.id, "plenary", "workshop", "career-fair")
    forum.clock.set(almaty(8, 11))
    await aigerim.send("/my_schedule")
    mine = await aigerim.next_message()
    assert mine.body.splitlines()[:5] == [
        "📋 My schedule",
        "Times in Asia/Almaty (UTC+05:00)",
        "",
        "▶️ Now: Workshop, until 13:00",
        "⏭ Next: Career Fair, Wed 8 Sep, 14:00 (in 3 hours)",
    ]
    assert "▶️ Wed 8 Sep, 10:00 · Workshop\nMain hall, A-1" in mine.body
    assert "⏭ Wed 8 Sep, 14:00 · Career Fair" in mine.body
    assert "🔔 Thu 9 Sep, 10:00 · Plenary" in mine.body
    assert mine.body.endswith("Reminders: 15 minutes before each session.")


async def test_choose_reminder_times(server: FakeTelegramServer, forum: Forum) -> None:
    dana = server.user("Dana", language_code="ru")
    await dana.send("/reminders")
    menu = await dana.next_message()
    assert menu.body.startswith("⏰ Когда вам напоминать?")
    assert "Сейчас: за 15 минут до каждого мероприятия." in menu.body
    assert [b.text for b in menu.buttons][:6] == [
        "За 1 день", "За 3 часа", "За 1 час", "За 30 минут", "✅ За 15 минут", "За 5 минут",
    ]  # fmt: skip
    await dana.press("За 1 день")
    edited = await dana.next_message()
    assert "Сейчас: за 1 день, 15 минут до каждого мероприятия." in edited.body
    await dana.press("✅ За 15 минут")
    await dana.press("✅ За 1 день")
    none = await dana.wait_for_message(lambda m: "никогда" in m.body)
    assert "Сейчас: никогда." in none.body
    async with forum.sessionmaker() as session:
        row = await session.get(ReminderPreference, dana.id)
    assert row is not None
    assert row.offsets == []
    answer = await dana.press(data="ro:7")  # a time we never offered
    assert answer.show_alert


async def test_time_zone_typed_or_picked_changes_every_time_shown(
    server: FakeTelegramServer, forum: Forum
) -> None:
    guest = server.user("Mihai", language_code="en")
    await guest.send("/timezone")
    prompt = await guest.next_message()
    assert prompt.body.startswith(
        "🌐 Your time zone: Asia/Almaty (UTC+05:00) (it is 08:00 there now)."
    )
    assert prompt.buttons[0].text == "📍 Forum time: Asia/Almaty (UTC+05:00)"
    await guest.send("Atlantis")
    assert (await guest.next_message()).body.startswith("I don't know the time zone “Atlantis”.")
    await guest.send("Bucharest")
    assert (await guest.next_message()).body == (
        "✅ Time zone set to Europe/Bucharest (UTC+03:00): it is 06:00 there now."
    )
    await guest.send("Hello")  # no longer waiting for a zone
    assert "didn't understand" in (await guest.next_message()).body

    await guest.send("/schedule")
    agenda = await guest.next_message()
    assert "Times in Europe/Bucharest (UTC+03:00)" in agenda.body
    assert "08:00–11:00 · Workshop" in agenda.body

    await guest.send("/timezone")
    await guest.next_message()
    await guest.press("UTC")
    assert (await guest.next_message()).body == "✅ Time zone set to UTC: it is 03:00 there now."
    await guest.send("/timezone +05:30")
    assert "UTC+05:30" in (await guest.next_message()).body
    async with forum.sessionmaker() as session:
        user = await session.get(User, guest.id)
    assert user is not None
    assert user.time_zone == "UTC+05:30"


async def test_the_reminder_speaks_the_language_used_to_subscribe(
    server: FakeTelegramServer, forum: Forum
) -> None:
    arman = server.user("Arman", language_code="kk")
    await arman.send("/schedule")
    agenda = await arman.next_message()
    assert agenda.body.startswith("📅 Бағдарлама · 8 қыркүйек, сәрсенбі")
    answer = await arman.press("🔔 Еске салу · 10:00 Symposium (kk)")
    assert answer.text == "🔔 «Symposium (kk)» басталардан 15 минут бұрын еске саламын."
    await forum.fire(almaty(8, 9, 45))
    [row] = await forum.outbox(OUTBOX_REMINDER)
    assert row.payload["text"].startswith("⏰ 15 минут қалды: <b>Symposium (kk)</b>")
