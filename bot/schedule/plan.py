"""When reminders fall due: pure rules on session times, people's choices and what was claimed.

A reminder of a session falls due `offset` minutes before its start. It counts only if that moment
came after the person asked for it (subscribed, changed their reminder times) and after the
session last moved (the "moved" notice told them then). It is never sent once the session has
started. After a downtime several reminders of one session may be due at once: only the latest
(the one closest to the start) is sent, the earlier ones are skipped, so nobody gets "in 1 day"
and "in 1 hour" ten minutes before a session.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

# Reminder times people can choose, in minutes before the start (1 day ... 5 minutes).
OFFSET_CHOICES: tuple[int, ...] = (1440, 180, 60, 30, 15, 5)
DEFAULT_OFFSETS: tuple[int, ...] = (15,)
# Reminders further ahead than this are never planned (the largest choice).
HORIZON = timedelta(minutes=max(OFFSET_CHOICES))


@dataclass(frozen=True)
class SessionTimes:
    """What the planner needs of a session."""

    id: str
    starts_at: datetime
    changed_at: datetime


@dataclass(frozen=True)
class Subscriber:
    """A person following a session, with their reminder times (minutes before the start)."""

    user_id: int
    subscribed_at: datetime
    offsets: tuple[int, ...]
    offsets_changed_at: datetime | None = None


@dataclass(frozen=True)
class DueReminder:
    """For one person and session: the offset to send now (if any) and the ones to skip."""

    user_id: int
    send: int | None
    skip: tuple[int, ...]


def due_moment(starts_at: datetime, offset_minutes: int) -> datetime:
    return starts_at - timedelta(minutes=offset_minutes)


def due_reminder(
    session: SessionTimes, subscriber: Subscriber, claimed: Collection[int], now: datetime
) -> DueReminder | None:
    """What is due now for this person, or None. `claimed`: offsets already sent or skipped."""
    if session.starts_at <= now:
        return None
    asked = max(subscriber.subscribed_at, subscriber.offsets_changed_at or subscriber.subscribed_at)
    since = max(asked, session.changed_at)
    due = sorted(
        offset
        for offset in set(subscriber.offsets)
        if offset not in claimed and since < due_moment(session.starts_at, offset) <= now
    )
    if not due:
        return None
    return DueReminder(subscriber.user_id, due[0], tuple(due[1:]))


def upcoming_moments(
    sessions: Iterable[SessionTimes], offsets: Iterable[int], now: datetime
) -> list[datetime]:
    """Every future moment at which some reminder of these sessions can fall due, in order."""
    choices = set(offsets)
    moments = {due_moment(session.starts_at, offset) for session in sessions for offset in choices}
    return sorted(moment for moment in moments if moment > now)
