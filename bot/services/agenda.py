"""A participant's agenda: the schedule by day, the sessions they follow, when and where to remind.

Every change a person makes is checked against the schedule in force in the database (a session
that started, was cancelled or removed cannot be toggled), so stale or forged buttons change
nothing.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.repositories import schedule as repo
from bot.repositories import users as users_repo
from bot.schedule.data import ForumSession, Schedule
from bot.schedule.plan import DEFAULT_OFFSETS, OFFSET_CHOICES
from bot.schedule.zones import parse_time_zone


class Toggle(enum.Enum):
    """What tapping "Remind me" did."""

    ON = "on"
    OFF = "off"
    STARTED = "started"  # refused: the session began already
    CANCELLED = "cancelled"  # refused
    GONE = "gone"  # refused: not on the schedule (removed, or forged data)


@dataclass(frozen=True)
class AgendaItem:
    session: ForumSession
    subscribed: bool
    # Remind me is offered for sessions that are still to come and not cancelled.
    open: bool


@dataclass(frozen=True)
class AgendaDay:
    """One day of the schedule as one person sees it."""

    day: date
    days: list[date]
    items: list[AgendaItem]
    offsets: tuple[int, ...]


class Moment(enum.Enum):
    PAST = "past"
    NOW = "now"
    NEXT = "next"
    LATER = "later"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class MyItem:
    session: ForumSession
    moment: Moment


@dataclass(frozen=True)
class MyAgenda:
    """The sessions a person follows, in order, and which comes next."""

    items: list[MyItem]
    next: ForumSession | None
    offsets: tuple[int, ...]


async def reminder_offsets(session: AsyncSession, user_id: int) -> tuple[int, ...]:
    """Minutes before a session the person is reminded, earliest first (default: 15)."""
    row = await repo.get_preference(session, user_id)
    if row is None:
        return DEFAULT_OFFSETS
    return tuple(sorted(row.offsets, reverse=True))


async def toggle_offset(
    session: AsyncSession, user_id: int, minutes: int, *, now: datetime
) -> tuple[int, ...] | None:
    """Add or remove one reminder time; None (nothing changed) when it is not one we offer."""
    if minutes not in OFFSET_CHOICES:
        return None
    current = set(await reminder_offsets(session, user_id))
    current ^= {minutes}
    await repo.set_preference(session, user_id, current, now=now)
    return tuple(sorted(current, reverse=True))


async def toggle_subscription(
    session: AsyncSession, *, user_id: int, session_id: str, language: str, now: datetime
) -> Toggle:
    """Follow or stop following a session; refused (nothing changes) once it started, when it
    was cancelled, or when it is not on the schedule."""
    row = await repo.get_scheduled_session(session, session_id)
    if row is None or row.status == "removed":
        return Toggle.GONE
    if row.status == "cancelled":
        return Toggle.CANCELLED
    if row.starts_at <= now:
        return Toggle.STARTED
    if await repo.get_subscription(session, user_id, session_id) is not None:
        await repo.remove_subscription(session, user_id, session_id)
        return Toggle.OFF
    await repo.add_subscription(session, user_id, session_id, language=language, now=now)
    return Toggle.ON


async def set_time_zone(session: AsyncSession, user_id: int, text: str) -> str | None:
    """Store the zone the person typed or picked; returns it as stored, or None if unknown."""
    name = parse_time_zone(text)
    if name is None:
        return None
    user = await users_repo.get_user(session, user_id)
    if user is not None:
        user.time_zone = name
    return name


def pick_day(days: list[date], wanted: date | None, today: date) -> date | None:
    """The day asked for if the schedule has it; else today, the next day with sessions, or the
    last one."""
    if not days:
        return None
    if wanted in days:
        return wanted
    upcoming = [d for d in days if d >= today]
    return upcoming[0] if upcoming else days[-1]


async def agenda_day(
    session: AsyncSession,
    user_id: int,
    schedule: Schedule,
    *,
    zone: tzinfo,
    now: datetime,
    day: date | None = None,
) -> AgendaDay | None:
    """The sessions of one day (in the person's zone) with their Remind me state; None when the
    schedule is empty."""
    days = schedule.days(zone)
    chosen = pick_day(days, day, now.astimezone(zone).date())
    if chosen is None:
        return None
    followed = await repo.subscribed_session_ids(session, user_id)
    items = [
        AgendaItem(s, s.id in followed, not s.cancelled and not s.has_started(now))
        for s in schedule.on_day(chosen, zone)
    ]
    return AgendaDay(chosen, days, items, await reminder_offsets(session, user_id))


async def my_agenda(
    session: AsyncSession, user_id: int, schedule: Schedule, *, now: datetime
) -> MyAgenda:
    followed = await repo.subscribed_session_ids(session, user_id)
    items: list[MyItem] = []
    upcoming: ForumSession | None = None
    for s in schedule.sessions:  # in order of start
        if s.id not in followed:
            continue
        if s.cancelled:
            moment = Moment.CANCELLED
        elif s.ends_at <= now:
            moment = Moment.PAST
        elif s.starts_at <= now:
            moment = Moment.NOW
        elif upcoming is None:
            upcoming, moment = s, Moment.NEXT
        else:
            moment = Moment.LATER
        items.append(MyItem(s, moment))
    return MyAgenda(items, upcoming, await reminder_offsets(session, user_id))
