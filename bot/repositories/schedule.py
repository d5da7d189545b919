"""Rows of the schedule: sessions in force, subscriptions, reminder times, claimed reminders."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Reminder,
    ReminderPreference,
    ScheduledSession,
    SessionSubscription,
    StudentMatch,
    User,
)

# A PostgreSQL advisory lock key: one schedule sync at a time across processes.
_SYNC_LOCK = 0x5C4ED0


@dataclass(frozen=True)
class SubscriberRow:
    """A subscriber with what it takes to remind them (language, zone, reminder times)."""

    user_id: int
    subscribed_at: datetime
    language: str | None
    time_zone: str | None
    offsets: list[int] | None
    offsets_changed_at: datetime | None


async def lock_schedule(session: AsyncSession) -> None:
    """Serialise schedule syncs: two processes reloading at once must not both see a change.

    SQLite already lets one writer in at a time (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(select(func.pg_advisory_xact_lock(_SYNC_LOCK)))


async def scheduled_sessions(session: AsyncSession) -> dict[str, ScheduledSession]:
    rows = await session.scalars(select(ScheduledSession))
    return {row.id: row for row in rows}


async def get_scheduled_session(session: AsyncSession, session_id: str) -> ScheduledSession | None:
    return await session.get(ScheduledSession, session_id)


async def sessions_starting_between(
    session: AsyncSession, after: datetime, until: datetime
) -> Sequence[ScheduledSession]:
    """Sessions in force that start in (after, until]."""
    rows = await session.scalars(
        select(ScheduledSession)
        .where(
            ScheduledSession.status == "scheduled",
            ScheduledSession.starts_at > after,
            ScheduledSession.starts_at <= until,
        )
        .order_by(ScheduledSession.starts_at, ScheduledSession.id)
    )
    return rows.all()


async def upcoming_sessions(session: AsyncSession, after: datetime) -> Sequence[ScheduledSession]:
    rows = await session.scalars(
        select(ScheduledSession).where(
            ScheduledSession.status == "scheduled", ScheduledSession.starts_at > after
        )
    )
    return rows.all()


async def subscribers(session: AsyncSession, session_id: str) -> list[SubscriberRow]:
    rows = await session.execute(
        select(
            SessionSubscription.user_id,
            SessionSubscription.created_at,
            func.coalesce(User.language, SessionSubscription.language),
            User.time_zone,
            ReminderPreference.offsets,
            ReminderPreference.updated_at,
        )
        .join(User, User.id == SessionSubscription.user_id)
        .outerjoin(ReminderPreference, ReminderPreference.user_id == SessionSubscription.user_id)
        .where(SessionSubscription.session_id == session_id)
        .order_by(SessionSubscription.created_at, SessionSubscription.user_id)
    )
    return [SubscriberRow(*row) for row in rows.all()]


async def claimed_offsets(
    session: AsyncSession, session_id: str, starts_at: datetime, kind: str
) -> dict[int, set[int]]:
    """user id -> offsets already sent or skipped for this session start."""
    rows = await session.execute(
        select(Reminder.user_id, Reminder.offset_minutes).where(
            Reminder.session_id == session_id,
            Reminder.starts_at == starts_at,
            Reminder.kind == kind,
        )
    )
    claimed: dict[int, set[int]] = {}
    for user_id, offset in rows.all():
        claimed.setdefault(user_id, set()).add(offset)
    return claimed


async def claim_reminders(
    session: AsyncSession, rows: list[dict[str, Any]]
) -> set[tuple[int, int]]:
    """Insert reminder rows, skipping those already there; returns the (user id, offset) of the
    rows this transaction inserted, i.e. the ones it alone may send.

    On PostgreSQL a concurrent claim of the same row waits for the other transaction and then
    finds the row there; on SQLite writers take turns.
    """
    if not rows:
        return set()
    statement: Any
    if session.get_bind().dialect.name == "postgresql":
        statement = postgresql.insert(Reminder).on_conflict_do_nothing(
            constraint="uq_reminders_once"
        )
    else:
        statement = sqlite.insert(Reminder).on_conflict_do_nothing()
    statement = statement.returning(Reminder.user_id, Reminder.offset_minutes)
    result = await session.execute(statement, rows)
    return {(user_id, offset) for user_id, offset in result.all()}


async def subscribed_session_ids(session: AsyncSession, user_id: int) -> set[str]:
    rows = await session.scalars(
        select(SessionSubscription.session_id).where(SessionSubscription.user_id == user_id)
    )
    return set(rows)


async def get_subscription(
    session: AsyncSession, user_id: int, session_id: str
) -> SessionSubscription | None:
    return await session.get(SessionSubscription, (user_id, session_id))


async def add_subscription(
    session: AsyncSession, user_id: int, session_id: str, *, language: str, now: datetime
) -> None:
    session.add(
        SessionSubscription(
            user_id=user_id, session_id=session_id, language=language, created_at=now
        )
    )
    await session.flush()


async def remove_subscription(session: AsyncSession, user_id: int, session_id: str) -> None:
    await session.execute(
        delete(SessionSubscription).where(
            SessionSubscription.user_id == user_id, SessionSubscription.session_id == session_id
        )
    )


async def get_preference(session: AsyncSession, user_id: int) -> ReminderPreference | None:
    return await session.get(ReminderPreference, user_id)


async def set_preference(
    session: AsyncSession, user_id: int, offsets: Iterable[int], *, now: datetime
) -> None:
    row = await session.get(ReminderPreference, user_id)
    values = sorted(set(offsets), reverse=True)
    if row is None:
        session.add(ReminderPreference(user_id=user_id, offsets=values, updated_at=now))
    else:
        row.offsets = values
        row.updated_at = now
    await session.flush()


async def matched_students(session: AsyncSession) -> list[tuple[int, str, str | None, str | None]]:
    """(user id, organisation slug, language, zone) of every match not dismissed, best first."""
    rows = await session.execute(
        select(StudentMatch.user_id, StudentMatch.org_slug, User.language, User.time_zone)
        .join(User, User.id == StudentMatch.user_id)
        .where(StudentMatch.dismissed_at.is_(None))
        .order_by(StudentMatch.user_id, StudentMatch.rank, StudentMatch.org_slug)
    )
    return [(u, slug, lang, zone) for u, slug, lang, zone in rows.all()]
