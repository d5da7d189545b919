"""Pure rules: reading a typed time zone, and when a reminder falls due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import Translator
from bot.schedule import render
from bot.schedule.plan import DueReminder, SessionTimes, Subscriber, due_reminder, upcoming_moments
from bot.schedule.zones import parse_time_zone, utc_offset, zone_label, zone_of

ALMATY = ZoneInfo("Asia/Almaty")
START = datetime(2027, 9, 8, 5, 0, tzinfo=UTC)  # 10:00 in Almaty


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Europe/Berlin", "Europe/Berlin"), ("  europe/berlin ", "Europe/Berlin"),
        ("Tashkent", "Asia/Tashkent"), ("new york", "America/New_York"),
        ("Москва", "Europe/Moscow"), ("АЛМАТЫ", "Asia/Almaty"), ("Astana", "Asia/Almaty"),
        ("buenos aires", "America/Argentina/Buenos_Aires"),
        ("+3", "UTC+03:00"), ("UTC+05:30", "UTC+05:30"), ("gmt-4", "UTC-04:00"),
        ("-3:30", "UTC-03:30"), ("+0545", "UTC+05:45"), ("UTC", "UTC"), ("+0", "UTC"),
        ("+14", "UTC+14:00"),
        ("Atlantis", None), ("+15", None), ("-13", None), ("+3:75", None), ("", None),
        ("Etc/GMT-3", None), ("x" * 80, None),
    ],
)  # fmt: skip
def test_parse_time_zone(typed: str, stored: str | None) -> None:
    assert parse_time_zone(typed) == stored


def test_zones_as_shown() -> None:
    summer = datetime(2027, 7, 1, tzinfo=UTC)
    winter = datetime(2027, 1, 1, tzinfo=UTC)
    assert zone_label(None, "Asia/Almaty", summer) == "Asia/Almaty (UTC+05:00)"
    assert zone_label("Europe/Berlin", "Asia/Almaty", summer) == "Europe/Berlin (UTC+02:00)"
    assert zone_label("Europe/Berlin", "Asia/Almaty", winter) == "Europe/Berlin (UTC+01:00)"
    assert zone_label("UTC-03:30", "Asia/Almaty", summer) == "UTC-03:30"
    assert zone_label("UTC", "Asia/Almaty", summer) == "UTC"
    assert utc_offset(zone_of("UTC+05:45", ALMATY), summer) == "UTC+05:45"
    assert zone_of("No/Such_Zone", ALMATY) is ALMATY
    assert zone_of(None, ALMATY) is ALMATY


def test_durations_read_naturally(translator: Translator) -> None:
    en, ru, kk = (translator.bind(lang) for lang in ("en", "ru", "kk"))
    assert [render.duration(en, m) for m in (1, 15, 60, 125, 180, 1440, 2880)] == [
        "1 minute", "15 minutes", "1 hour", "2 hours 5 minutes", "3 hours", "1 day", "2 days",
    ]  # fmt: skip
    assert [render.duration(ru, m) for m in (1, 3, 5, 21, 60, 120, 300, 1440)] == [
        "1 минуту", "3 минуты", "5 минут", "21 минуту", "1 час", "2 часа", "5 часов", "1 день",
    ]  # fmt: skip
    assert render.duration(kk, 75) == "1 сағат 15 минут"
    assert render.durations(en, [15, 1440, 60]) == "1 day, 1 hour, 15 minutes"
    assert render.shorten("International workshop: space technologies", 20) == "International…"


def _subscriber(offsets: tuple[int, ...], at: datetime = START - timedelta(days=3)) -> Subscriber:
    return Subscriber(7, at, offsets)


SESSION = SessionTimes("plenary", START, START - timedelta(days=10))


def test_due_at_the_moment_not_before() -> None:
    person = _subscriber((15,))
    assert due_reminder(SESSION, person, set(), START - timedelta(minutes=16)) is None
    assert due_reminder(SESSION, person, set(), START - timedelta(minutes=15)) == DueReminder(
        7, 15, ()
    )
    assert due_reminder(SESSION, person, {15}, START - timedelta(minutes=10)) is None
    assert due_reminder(SESSION, person, set(), START) is None  # started: dropped


def test_after_a_downtime_only_the_latest_is_sent() -> None:
    person = _subscriber((1440, 60, 15))
    due = due_reminder(SESSION, person, set(), START - timedelta(minutes=10))
    assert due == DueReminder(7, 15, (60, 1440))
    due = due_reminder(SESSION, person, {1440}, START - timedelta(minutes=30))
    assert due == DueReminder(7, 60, ())


def test_only_moments_after_the_person_asked_and_the_session_moved() -> None:
    late = _subscriber((60, 15), at=START - timedelta(minutes=30))
    assert due_reminder(SESSION, late, set(), START - timedelta(minutes=20)) is None
    assert due_reminder(SESSION, late, set(), START - timedelta(minutes=15)) == DueReminder(
        7, 15, ()
    )
    changed = Subscriber(7, START - timedelta(days=3), (60, 15), START - timedelta(minutes=40))
    assert due_reminder(SESSION, changed, set(), START - timedelta(minutes=15)).send == 15  # type: ignore[union-attr]
    moved = SessionTimes("plenary", START, START - timedelta(minutes=14))
    assert due_reminder(moved, _subscriber((15,)), set(), START - timedelta(minutes=10)) is None


def test_upcoming_moments() -> None:
    sessions = [SESSION, SessionTimes("b", START + timedelta(minutes=30), START)]
    now = START - timedelta(minutes=20)
    assert upcoming_moments(sessions, [15, 60], now) == [
        START - timedelta(minutes=15), START + timedelta(minutes=15),
    ]  # fmt: skip


def test_the_day_shown_first() -> None:
    from datetime import date

    from bot.services.agenda import pick_day

    days = [date(2027, 9, 8), date(2027, 9, 9)]
    assert pick_day(days, None, date(2027, 9, 1)) == date(2027, 9, 8)  # before: the first day
    assert pick_day(days, None, date(2027, 9, 9)) == date(2027, 9, 9)  # today
    assert pick_day(days, None, date(2027, 9, 20)) == date(2027, 9, 9)  # after: the last day
    assert pick_day(days, date(2027, 9, 8), date(2027, 9, 9)) == date(2027, 9, 8)  # asked for
    assert pick_day(days, date(2027, 9, 10), date(2027, 9, 9)) == date(2027, 9, 9)  # not a day
    assert pick_day([], None, date(2027, 9, 9)) is None
