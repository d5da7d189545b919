"""The schedule as reminders know it, who follows which session, the reminders that fell due.

The database is the source of truth for reminders: every process plans its timers from these
rows, and a reminder is claimed here (a unique row) before it goes into the outbox, so it is sent
once whatever the number of processes, restarts and duplicated timers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base


class ScheduledSession(Base):
    """A session of the schedule in force, copied from sessions.yaml on start and on reload.

    Comparing the file with these rows tells which sessions moved or were cancelled, also when
    the file changed while the bot was stopped.
    """

    __tablename__ = "scheduled_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    # {"en": ..., "ru": ..., "kk": ...}: reminders are rendered from the row alone.
    title: Mapped[dict[str, str]] = mapped_column(JSON)
    venue: Mapped[dict[str, str]] = mapped_column(JSON)
    room: Mapped[str] = mapped_column(String(64), default="")
    exhibitors: Mapped[list[str]] = mapped_column(JSON, default=list)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    # scheduled | cancelled | removed (no longer in the file; kept for its subscriptions)
    status: Mapped[str] = mapped_column(String(16))
    # When its start last moved or it came back: reminders that fell due earlier are not sent
    # (the "moved" notice told the subscribers instead).
    changed_at: Mapped[datetime]
    # Counts the changes subscribers were told about; part of the notices' dedup keys.
    version: Mapped[int] = mapped_column(Integer, default=1)


class SessionSubscription(Base):
    """A person asked to be reminded of a session ("Remind me")."""

    __tablename__ = "session_subscriptions"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    session_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("scheduled_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime]
    # The language the person used when subscribing: reminders use it until they choose one.
    language: Mapped[str | None] = mapped_column(String(8))

    __table_args__ = (Index("ix_session_subscriptions_session", "session_id"),)


class ReminderPreference(Base):
    """When a person wants to be reminded, in minutes before the start; no row means 15."""

    __tablename__ = "reminder_preferences"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    offsets: Mapped[list[int]] = mapped_column(JSON, default=list)
    # Reminders that fell due before the person changed their choice are not sent.
    updated_at: Mapped[datetime]


class Reminder(Base):
    """A reminder that fell due, claimed by the one process that put it in the outbox.

    kind "session": a session reminder `offset_minutes` before `starts_at`; kind "fair-nudge":
    the career fair's "your organisations and their booths". status "sent" (enqueued) or
    "skipped" (a later reminder of the same session was sent instead after a downtime).
    The start time is part of the key: a moved session reminds again at its new time.
    """

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    offset_minutes: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]

    __table_args__ = (
        UniqueConstraint(
            "session_id", "starts_at", "kind", "user_id", "offset_minutes", name="uq_reminders_once"
        ),
    )
