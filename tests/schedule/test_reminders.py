"""Reminders on a real database with a moved clock: once and on time, across restarts, downtimes,
two processes and schedule changes; every message lands in the outbox exactly once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import create_engine, create_sessionmaker
from bot.db.models import OutboxMessage
from bot.delivery.outbox import Priority
from bot.services import agenda
from bot.services.fairdata import FairDataStore, load_fair_data
from bot.services.reminders import OUTBOX_NUDGE, OUTBOX_REMINDER, OUTBOX_SCHEDULE_CHANGE
from tests.schedule.conftest import DEFAULT_SESSIONS, Forum, almaty, entry, minutes

Text = Callable[[OutboxMessage], str]


async def test_a_reminder_goes_into_the_outbox_once_at_its_due_moment(
    forum: Forum, text_of: Text
) -> None:
    aigerim = await forum.person(1)
    await forum.subscribe(aigerim, "workshop")

    report = await forum.fire(almaty(8, 9, 44) + minutes(0.99))
    assert report.sent == 0
    assert await forum.outbox() == []

    report = await forum.fire(almaty(8, 9, 45))
    assert report.sent == 1
    for _ in range(3):  # timers, the sweep, a duplicated timer: nothing more
        assert (await forum.fire()).sent == 0
    await forum.fire(almaty(8, 9, 59))

    [row] = await forum.outbox()
    assert (row.chat_id, row.kind, row.ref, row.priority) == (
        aigerim,
        OUTBOX_REMINDER,
        "workshop",
        Priority.REMINDER,
    )
    assert row.expires_at == almaty(8, 10)  # the engine drops it rather than send it late
    assert row.payload["parse_mode"] == "HTML"
    assert text_of(row) == (
        "⏰ In 15 minutes: <b>Workshop</b>\nWed 8 Sep, 10:00–13:00 · Main hall, A-1"
    )


async def test_each_chosen_time_reminds_once_in_the_persons_language_and_zone(
    forum: Forum, text_of: Text
) -> None:
    dana = await forum.person(2, language="ru", time_zone="Europe/Moscow")
    await forum.choose_offsets(dana, 1440, 60, 15)
    await forum.subscribe(dana, "plenary")

    for at in (almaty(8, 10), almaty(9, 9), almaty(9, 9, 45)):
        assert (await forum.fire(at)).sent == 1
    assert (await forum.fire(almaty(9, 9, 50))).sent == 0

    texts = [text_of(row) for row in await forum.outbox()]
    assert texts == [
        "⏰ Через 1 день: <b>Plenary (ru)</b>\nчт, 9 сент., 08:00–10:30 · Главный зал",
        "⏰ Через 1 час: <b>Plenary (ru)</b>\nчт, 9 сент., 08:00–10:30 · Главный зал",
        "⏰ Через 15 минут: <b>Plenary (ru)</b>\nчт, 9 сент., 08:00–10:30 · Главный зал",
    ]


async def test_kazakh_reminder(forum: Forum, text_of: Text) -> None:
    arman = await forum.person(3, language="kk")
    await forum.subscribe(arman, "symposium")
    await forum.fire(almaty(8, 9, 45))
    [row] = await forum.outbox()
    assert (
        text_of(row)
        == "⏰ 15 минут қалды: <b>Symposium (kk)</b>\n8 қыр., ср, 10:00–13:00 · Басты зал"
    )


async def test_a_restart_before_the_due_moment_loses_nothing_and_sends_once(forum: Forum) -> None:
    await forum.subscribe(await forum.person(1), "workshop")
    forum.clock.set(almaty(8, 9, 40))
    assert (await forum.fire()).sent == 0

    restarted = forum.process()  # a new process: nothing in memory but the database
    await restarted.sync()
    forum.clock.set(almaty(8, 9, 45))
    assert (await restarted.fire()).sent == 1
    assert (await forum.scheduler.fire()).sent == 0  # the old timer of the dead process
    assert len(await forum.outbox(OUTBOX_REMINDER)) == 1


async def test_fell_due_during_a_downtime_sent_on_start_if_not_begun_else_dropped(
    forum: Forum, text_of: Text
) -> None:
    aigerim, dana = await forum.person(1), await forum.person(2)
    await forum.choose_offsets(aigerim, 1440, 60, 15)
    await forum.subscribe(aigerim, "workshop", "plenary")
    await forum.subscribe(dana, "workshop")

    # The bot was down from the 6th until 9:55 on the 8th: the workshop starts at 10:00.
    report = await forum.fire(almaty(8, 9, 55))
    assert report.sent == 2
    assert report.skipped == 2  # aigerim's "1 day" and "1 hour": the latest is enough
    rows = await forum.outbox()
    assert [(r.chat_id, r.ref) for r in rows] == [(1, "workshop"), (2, "workshop")]
    assert text_of(rows[0]).startswith("⏰ In 5 minutes: <b>Workshop</b>")

    # Down again from 9:56 on the 8th to 10:05 on the 9th: the plenary began at 10:00.
    # Its three reminders all fell due meanwhile; none is sent late.
    assert (await forum.fire(almaty(9, 10, 5))).sent == 0
    assert len(await forum.outbox()) == 2
    assert [r.session_id for r in await forum.reminders()] == ["workshop"] * 4


async def test_one_day_reminder_of_tomorrow_after_a_short_downtime(forum: Forum) -> None:
    aigerim = await forum.person(1)
    await forum.choose_offsets(aigerim, 1440, 15)
    await forum.subscribe(aigerim, "plenary")
    assert (await forum.fire(almaty(8, 10, 30))).sent == 1  # 1-day fell due at 10:00, late start
    assert (await forum.fire(almaty(9, 9, 45))).sent == 1  # 15 min
    assert [r.offset_minutes for r in await forum.reminders()] == [1440, 15]


async def test_only_reminders_falling_due_after_the_person_asked(forum: Forum) -> None:
    aigerim = await forum.person(1)
    await forum.choose_offsets(aigerim, 60, 15)
    forum.clock.set(almaty(8, 9, 30))  # the 1-hour moment (9:00) has passed
    await forum.subscribe(aigerim, "workshop")
    assert (await forum.fire()).sent == 0
    assert (await forum.fire(almaty(8, 9, 45))).sent == 1
    assert [r.offset_minutes for r in await forum.reminders()] == [15]


async def test_changing_reminder_times(forum: Forum) -> None:
    aigerim = await forum.person(1)
    await forum.subscribe(aigerim, "workshop", "symposium")
    await forum.choose_offsets(aigerim)  # none at all
    assert (await forum.fire(almaty(8, 9, 45))).sent == 0
    forum.clock.set(almaty(8, 9, 50))
    await forum.choose_offsets(aigerim, 5)
    assert (await forum.fire(almaty(8, 9, 55))).sent == 2  # both sessions, 5 min before


async def test_no_reminder_after_unsubscribing(forum: Forum) -> None:
    aigerim = await forum.person(1)
    await forum.subscribe(aigerim, "workshop")
    forum.clock.set(almaty(8, 9))
    async with forum.sessionmaker() as session, session.begin():
        outcome = await agenda.toggle_subscription(
            session, user_id=aigerim, session_id="workshop", language="en", now=forum.clock.now()
        )
    assert outcome is agenda.Toggle.OFF
    assert (await forum.fire(almaty(8, 9, 45))).sent == 0


async def test_two_processes_on_one_database_never_send_twice(
    forum: Forum, engine: AsyncEngine, database_url: str
) -> None:
    people = [await forum.person(100 + i) for i in range(60)]
    for person in people:
        await forum.subscribe(person, "workshop")
    other_engine = create_engine(database_url)
    try:
        other = forum.process(create_sessionmaker(other_engine))
        forum.clock.set(almaty(8, 9, 45))
        reports = await asyncio.gather(
            forum.scheduler.fire(), other.fire(), forum.scheduler.fire(), other.fire()
        )
    finally:
        await other_engine.dispose()
    assert sum(r.sent for r in reports) == 60
    rows = await forum.outbox(OUTBOX_REMINDER)
    assert sorted(r.chat_id for r in rows) == people


async def test_a_moved_session_notifies_and_its_reminders_follow(
    forum: Forum, text_of: Text
) -> None:
    aigerim = await forum.person(1, time_zone="Europe/Berlin")
    await forum.choose_offsets(aigerim, 60, 15)
    await forum.subscribe(aigerim, "workshop")
    assert (await forum.fire(almaty(8, 9))).sent == 1  # the 1-hour reminder, 10:00 start

    moved = [entry("workshop", "2027-09-08T11:30", "2027-09-08T14:00", kind="workshop",
                   room="A-1"), *DEFAULT_SESSIONS[1:]]  # fmt: skip
    forum.clock.set(almaty(8, 9, 10))
    await forum.reload(moved)

    [notice] = await forum.outbox(OUTBOX_SCHEDULE_CHANGE)
    assert notice.chat_id == aigerim
    assert notice.priority == Priority.NOTIFICATION
    assert text_of(notice) == (
        "🕑 <b>Workshop</b> has moved: now Wed 8 Sep, 08:30 (was Wed 8 Sep, 07:00).\n"
        "Main hall, A-1. Your reminders move with it."
    )  # in Berlin time
    assert (await forum.fire(almaty(8, 9, 45))).sent == 0  # the old 15-minute moment
    assert (await forum.fire(almaty(8, 10, 30))).sent == 1  # 1 hour before 11:30
    assert (await forum.fire(almaty(8, 11, 15))).sent == 1
    rows = await forum.outbox(OUTBOX_REMINDER)
    assert [r.expires_at for r in rows] == [almaty(8, 10), almaty(8, 11, 30), almaty(8, 11, 30)]
    # Reloading the same file again changes nothing and tells nobody twice.
    await forum.reload(moved)
    assert len(await forum.outbox(OUTBOX_SCHEDULE_CHANGE)) == 1


async def test_moved_earlier_past_a_due_moment_does_not_remind_late(forum: Forum) -> None:
    aigerim = await forum.person(1)
    await forum.subscribe(aigerim, "workshop")
    forum.clock.set(almaty(8, 9, 50))
    # Moved from 10:00 to 10:00 -> 10:02: its 15-minute moment (9:47) passed before the move.
    await forum.reload([entry("workshop", "2027-09-08T10:02", "2027-09-08T13:00"),
                        *DEFAULT_SESSIONS[1:]])  # fmt: skip
    assert len(await forum.outbox(OUTBOX_SCHEDULE_CHANGE)) == 1
    assert (await forum.fire(almaty(8, 9, 51))).sent == 0


async def test_a_pending_reminder_of_a_moved_session_is_taken_back(forum: Forum) -> None:
    await forum.subscribe(await forum.person(1), "workshop")
    await forum.fire(almaty(8, 9, 45))
    await forum.reload([entry("workshop", "2027-09-08T12:00", "2027-09-08T13:00"),
                        *DEFAULT_SESSIONS[1:]])  # fmt: skip
    [old] = await forum.outbox(OUTBOX_REMINDER)
    assert old.status == "cancelled"  # not yet sent when the session moved


async def test_cancelled_and_removed_sessions_notify_and_never_remind(
    forum: Forum, text_of: Text
) -> None:
    aigerim, dana = await forum.person(1), await forum.person(2, language="ru")
    await forum.subscribe(aigerim, "workshop", "symposium")
    await forum.subscribe(dana, "symposium")
    forum.clock.set(almaty(8, 8))
    cancelled = [{**DEFAULT_SESSIONS[0], "cancelled": True}, *DEFAULT_SESSIONS[2:]]
    await forum.reload(cancelled)  # workshop cancelled, symposium removed from the file

    notices = await forum.outbox(OUTBOX_SCHEDULE_CHANGE)
    assert sorted((n.chat_id, n.ref) for n in notices) == [
        (1, "symposium"), (1, "workshop"), (2, "symposium"),
    ]  # fmt: skip
    by_person = {(n.chat_id, n.ref): text_of(n) for n in notices}
    assert by_person[(1, "workshop")] == (
        "❌ <b>Workshop</b> (Wed 8 Sep, 10:00) is cancelled. You will get no reminder for it."
    )
    assert by_person[(2, "symposium")].startswith("❌ <b>Symposium (ru)</b> (ср, 8 сент., 10:00)")
    assert (await forum.fire(almaty(8, 9, 45))).sent == 0

    # Back on the schedule: told again, and the reminders fire.
    await forum.reload(DEFAULT_SESSIONS[1:])  # the symposium first, at 9:45 (its moment passed)
    forum.clock.set(almaty(8, 9, 46))
    await forum.reload(DEFAULT_SESSIONS)
    back = [
        n for n in await forum.outbox(OUTBOX_SCHEDULE_CHANGE) if n.id not in {x.id for x in notices}
    ]
    assert sorted((n.chat_id, n.ref) for n in back) == [
        (1, "symposium"), (1, "workshop"), (2, "symposium"),
    ]  # fmt: skip
    assert text_of(back[0]).startswith("✅ ")
    assert (
        await forum.fire(almaty(8, 9, 50))
    ).sent == 0  # 15 minutes before: before they came back
    await forum.choose_offsets(aigerim, 15, 5)
    await forum.choose_offsets(dana, 15, 5)
    assert (await forum.fire(almaty(8, 9, 55))).sent == 3


async def test_changes_made_while_the_bot_was_stopped_are_noticed_on_start(forum: Forum) -> None:
    await forum.subscribe(await forum.person(1), "plenary")
    forum.write([*DEFAULT_SESSIONS[:3], entry("plenary", "2027-09-09T15:00", "2027-09-09T16:00")])
    # A new process loads the files as they are now, and copies them into the database.
    forum.store = FairDataStore(load_fair_data(forum.data_dir))
    changes = await forum.process().sync()
    assert [(c.session_id, c.kind, c.notified) for c in changes] == [("plenary", "moved", 1)]


async def test_career_fair_nudge_names_top_organisations_once(forum: Forum, text_of: Text) -> None:
    aigerim, dana = await forum.person(1), await forum.person(2, language="ru")
    arman = await forum.person(3)
    await forum.match(aigerim, "ncsrt", "rcsc", "ghalam", "garysh-sapary")
    await forum.match(dana, "garysh-sapary", "rcsc", dismissed=("rcsc",))
    await forum.match(arman, "fesenkov")  # not at this fair
    employers = forum.data_dir / "employers.yaml"
    text = employers.read_text(encoding="utf-8")
    at = text.index("- slug: rcsc")
    employers.write_text(text[:at] + text[at:].replace('booth: ""', "booth: B-12", 1), "utf-8")
    await forum.reload(DEFAULT_SESSIONS)

    assert (await forum.fire(almaty(8, 13, 29))).nudged == 0
    assert (await forum.fire(almaty(8, 13, 30))).nudged == 2
    assert (await forum.fire(almaty(8, 13, 40))).nudged == 0
    nudges = {row.chat_id: text_of(row) for row in await forum.outbox(OUTBOX_NUDGE)}
    assert set(nudges) == {1, 2}
    assert nudges[1] == (
        "🧭 <b>Career Fair</b> opens in 30 minutes, at 14:00 (Main hall). "
        "Your best matches are there:\n"
        "• <b>Republican Space Communications Center</b>, booth B-12\n"
        "• <b>Ghalam LLP</b> (ask at the entrance for the booth)\n"
        "• <b>Kazakhstan Garysh Sapary</b> (ask at the entrance for the booth)"
    )
    assert nudges[2].endswith("\n• <b>Казахстан Гарыш Сапары</b> (номер стенда подскажут у входа)")
    assert "Республикан" not in nudges[2]  # dismissed
    assert (await forum.fire(almaty(8, 14, 5))).nudged == 0  # opened: too late for a nudge


async def test_planned_moments_follow_the_schedule(forum: Forum) -> None:
    forum.clock.set(almaty(9, 8))
    moments = await forum.scheduler.replan()
    # Only the plenary (10:00 on the 9th) is ahead: 1 hour, 30, 15 and 5 minutes before it.
    assert moments == [almaty(9, m // 60, m % 60) for m in (540, 570, 585, 595)]
    forum.clock.set(almaty(8, 13))
    moments = await forum.scheduler.replan()
    assert almaty(8, 13, 30) in moments  # the career fair nudge
    assert almaty(8, 13, 45) in moments
    assert almaty(9, 9, 55) in moments
