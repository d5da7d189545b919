"""Reminders of forum sessions: the schedule in force kept in the database, what falls due when,
each reminder claimed once and put in the outbox, and notices when the schedule changes.

Nothing here waits for time to pass: callers say what "now" is. In production APScheduler calls
`fire_due` at the moments `planned_moments` names (and every half minute as a sweep); tests call
the same functions with a FakeClock's "now".
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import ScheduledSession
from bot.delivery.outbox import Outgoing, Priority, cancel_pending, enqueue
from bot.i18n import Translate, Translator, safe
from bot.repositories import schedule as repo
from bot.schedule import render
from bot.schedule.data import CAREER_FAIR, ForumSession, Schedule
from bot.schedule.plan import (
    DEFAULT_OFFSETS,
    HORIZON,
    OFFSET_CHOICES,
    SessionTimes,
    Subscriber,
    due_moment,
    due_reminder,
    upcoming_moments,
)
from bot.schedule.zones import zone_of
from matching.catalogue import Catalogue

log = logging.getLogger(__name__)

# Reminder.kind
SESSION_REMINDER = "session"
FAIR_NUDGE = "fair-nudge"
# OutboxMessage.kind (ref: the session id)
OUTBOX_REMINDER = "reminder"
OUTBOX_NUDGE = "fair-nudge"
OUTBOX_SCHEDULE_CHANGE = "schedule"

CLAIM_CHUNK = 500  # reminders claimed and enqueued per transaction: the first go out at once
NUDGE_TOP = 3  # organisations named in the career fair nudge

ChangeKind = Literal["moved", "cancelled", "reinstated"]


@dataclass(frozen=True)
class Rendering:
    """What it takes to write to people who are not in the current update."""

    translator: Translator
    default_zone: tzinfo

    def t(self, language: str | None) -> Translate:
        lang = language if language in self.translator.languages else self.translator.default
        return self.translator.bind(lang or self.translator.default)

    def zone(self, name: str | None) -> tzinfo:
        return zone_of(name, self.default_zone)


@dataclass(frozen=True)
class ScheduleChange:
    """A change subscribers were told about."""

    session_id: str
    kind: ChangeKind
    old_starts_at: datetime
    new_starts_at: datetime
    notified: int


@dataclass
class FireReport:
    """What one pass of `fire_due` did."""

    sent: int = 0
    skipped: int = 0
    nudged: int = 0
    sessions: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.sent + self.nudged


def _message(text: str) -> dict[str, Any]:
    return {"method": "sendMessage", "text": text, "parse_mode": "HTML"}


def _times(row: ScheduledSession) -> SessionTimes:
    return SessionTimes(row.id, row.starts_at, row.changed_at)


def _stamp(moment: datetime) -> int:
    return int(moment.timestamp())


# -- keeping the schedule in force in the database ----------------------------------------------


async def sync_schedule(
    session: AsyncSession, schedule: Schedule, *, now: datetime, rendering: Rendering
) -> list[ScheduleChange]:
    """Make the database's schedule the given one, and tell subscribers what changed for them.

    A session whose start moved: its pending reminders are taken back, later ones follow the new
    time, subscribers get "moved to <new time>". Cancelled (or removed from the file): pending
    reminders taken back, subscribers told, no reminder fires. Back on the schedule: told too.
    Run on start (the file may have changed while the bot was stopped) and on every reload.
    """
    await repo.lock_schedule(session)
    existing = await repo.scheduled_sessions(session)
    changes: list[tuple[ScheduledSession, ChangeKind, datetime]] = []
    for item in schedule.sessions:
        row = existing.pop(item.id, None)
        status = "cancelled" if item.cancelled else "scheduled"
        if row is None:
            session.add(_new_row(item, status, now))
            continue
        old_status, old_start = row.status, row.starts_at
        _copy(item, row)
        row.status = status
        change: ChangeKind | None = None
        if old_status == "scheduled" and status == "cancelled":
            change = "cancelled"
        elif old_status != "scheduled" and status == "scheduled":
            change = "reinstated"
        elif status == "scheduled" and old_start != item.starts_at:
            change = "moved"
        if change is not None:
            row.version += 1
            if change != "cancelled":
                row.changed_at = now
            changes.append((row, change, old_start))
    for row in existing.values():  # gone from the file
        if row.status == "scheduled":
            row.version += 1
            changes.append((row, "cancelled", row.starts_at))
        row.status = "removed"
    await session.flush()

    reported: list[ScheduleChange] = []
    for row, kind, old_start in changes:
        await cancel_pending(session, kind=OUTBOX_REMINDER, ref=row.id)
        notified = 0
        if max(old_start, row.starts_at) > now:
            notified = await _notify_change(session, row, kind, old_start, now, rendering)
        reported.append(ScheduleChange(row.id, kind, old_start, row.starts_at, notified))
        log.info("session %s %s; %s subscribers told", row.id, kind, notified)
    return reported


def _new_row(item: ForumSession, status: str, now: datetime) -> ScheduledSession:
    row = ScheduledSession(id=item.id, status=status, changed_at=now, version=1)
    _copy(item, row)
    return row


def _copy(item: ForumSession, row: ScheduledSession) -> None:
    title = item.title.model_dump()
    venue = item.venue.model_dump()
    if row.title != title:
        row.title = title
    if row.venue != venue:
        row.venue = venue
    if row.exhibitors != list(item.exhibitors):
        row.exhibitors = list(item.exhibitors)
    row.kind = item.kind
    row.room = item.room
    row.starts_at = item.starts_at
    row.ends_at = item.ends_at


async def _notify_change(
    session: AsyncSession,
    row: ScheduledSession,
    kind: ChangeKind,
    old_start: datetime,
    now: datetime,
    rendering: Rendering,
) -> int:
    messages = []
    for person in await repo.subscribers(session, row.id):
        t, zone = rendering.t(person.language), rendering.zone(person.time_zone)
        lang = t.lang
        args: dict[str, Any] = {
            "title": render.localized(row.title, lang),
            "when": render.when(row.starts_at, zone, lang),
            "place": render.place(row.venue, row.room, lang),
        }
        if kind == "moved":
            args["was"] = render.when(old_start, zone, lang)
        messages.append(
            Outgoing(
                person.user_id,
                _message(t(f"schedule-{kind}", **args)),
                dedup_key=f"schedule:{row.id}:{row.version}:{person.user_id}",
                expires_at=max(row.starts_at, old_start),
            )
        )
    return await enqueue(
        session,
        messages,
        kind=OUTBOX_SCHEDULE_CHANGE,
        priority=Priority.NOTIFICATION,
        now=now,
        ref=row.id,
    )


# -- planning -----------------------------------------------------------------------------------


async def planned_moments(
    session: AsyncSession, *, now: datetime, nudge_minutes: int = 0
) -> list[datetime]:
    """Every future moment at which a reminder or the career fair nudge can fall due.

    It depends only on the sessions in force, not on who subscribed, so subscribing or changing
    reminder times never needs new timers: re-plan on start and after the schedule changed.
    """
    sessions = await repo.upcoming_sessions(session, now)
    moments = set(upcoming_moments([_times(s) for s in sessions], OFFSET_CHOICES, now))
    if nudge_minutes > 0:
        fairs = [_times(s) for s in sessions if s.kind == CAREER_FAIR]
        moments.update(upcoming_moments(fairs, [nudge_minutes], now))
    return sorted(moments)


# -- firing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Due:
    row: ScheduledSession
    user_id: int
    language: str | None
    time_zone: str | None
    send: int | None
    skip: tuple[int, ...]


async def fire_due(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    now: datetime,
    rendering: Rendering,
    catalogue: Catalogue | None = None,
    nudge_minutes: int = 0,
    chunk: int = CLAIM_CHUNK,
) -> FireReport:
    """Claim every reminder due at `now` and put it in the outbox; returns what was done.

    Safe to call any number of times, from any number of processes: a reminder is a unique row,
    inserted by exactly one transaction, and only that transaction enqueues it. Reminders of
    sessions that already started are never sent (one that fell due during a downtime is sent
    on the next call if its session has not begun, and dropped if it has).
    """
    report = FireReport()
    async with sessionmaker() as session:
        sessions = await repo.sessions_starting_between(session, now, now + HORIZON)
        due: list[_Due] = []
        for row in sessions:
            found = await _due_for_session(session, row, now)
            if found:
                report.sessions.append(row.id)
            due += found
    for start in range(0, len(due), chunk):
        async with sessionmaker() as session, session.begin():
            sent, skipped = await _claim_and_enqueue(
                session, due[start : start + chunk], now, rendering
            )
        report.sent += sent
        report.skipped += skipped
    if nudge_minutes > 0 and catalogue is not None:
        report.nudged = await _fire_nudges(
            sessionmaker, now, rendering, catalogue, nudge_minutes, chunk
        )
    if report.sent or report.skipped or report.nudged:
        log.info(
            "reminders: %s enqueued, %s skipped, %s career fair nudges",
            report.sent,
            report.skipped,
            report.nudged,
        )
    return report


async def _due_for_session(
    session: AsyncSession, row: ScheduledSession, now: datetime
) -> list[_Due]:
    claimed = await repo.claimed_offsets(session, row.id, row.starts_at, SESSION_REMINDER)
    times = _times(row)
    found = []
    for n, person in enumerate(await repo.subscribers(session, row.id), start=1):
        if n % 500 == 0:
            # Thousands of subscribers: let the outbox worker in this process keep its pace.
            await asyncio.sleep(0)
        subscriber = Subscriber(
            person.user_id,
            person.subscribed_at,
            tuple(person.offsets) if person.offsets is not None else DEFAULT_OFFSETS,
            person.offsets_changed_at,
        )
        due = due_reminder(times, subscriber, claimed.get(person.user_id, set()), now)
        if due is not None:
            found.append(
                _Due(row, person.user_id, person.language, person.time_zone, due.send, due.skip)
            )
    return found


async def _claim_and_enqueue(
    session: AsyncSession, due: Sequence[_Due], now: datetime, rendering: Rendering
) -> tuple[int, int]:
    rows: list[dict[str, Any]] = []
    for item in due:
        for offset, status in [(item.send, "sent"), *((o, "skipped") for o in item.skip)]:
            if offset is None:
                continue
            rows.append(
                {
                    "user_id": item.user_id,
                    "session_id": item.row.id,
                    "kind": SESSION_REMINDER,
                    "offset_minutes": offset,
                    "starts_at": item.row.starts_at,
                    "status": status,
                    "created_at": now,
                }
            )
    claimed = await repo.claim_reminders(session, rows)
    messages: dict[str, list[Outgoing]] = {}
    for item in due:
        if item.send is None or (item.user_id, item.send) not in claimed:
            continue
        t, zone = rendering.t(item.language), rendering.zone(item.time_zone)
        text = reminder_text(t, item.row, zone, now)
        key = f"reminder:{item.row.id}:{_stamp(item.row.starts_at)}:{item.user_id}:{item.send}"
        messages.setdefault(item.row.id, []).append(
            Outgoing(item.user_id, _message(text), dedup_key=key, expires_at=item.row.starts_at)
        )
    sent = 0
    for session_id, batch in messages.items():
        sent += await enqueue(
            session,
            batch,
            kind=OUTBOX_REMINDER,
            priority=Priority.REMINDER,
            now=now,
            ref=session_id,
        )
    skipped = sum(1 for item in due for o in item.skip if (item.user_id, o) in claimed)
    return sent, skipped


def reminder_text(t: Translate, row: ScheduledSession, zone: tzinfo, now: datetime) -> str:
    """ "⏰ In 15 minutes: <title>, Wed 8 Sep 10:00–13:00, <place>" in t's language.

    "In ..." counts from `now` (the moment it fell due, or a late start after a downtime)."""
    minutes = round((row.starts_at - now).total_seconds() / 60)
    lang = t.lang
    return t(
        "reminder",
        title=render.localized(row.title, lang),
        duration=render.duration(t, minutes),
        day=render.day_short(row.starts_at.astimezone(zone).date(), lang),
        time=render.time_range(row.starts_at, row.ends_at, zone, lang),
        place=render.place(row.venue, row.room, lang),
    )


# -- the career fair nudge ----------------------------------------------------------------------


async def _fire_nudges(
    sessionmaker: async_sessionmaker[AsyncSession],
    now: datetime,
    rendering: Rendering,
    catalogue: Catalogue,
    nudge_minutes: int,
    chunk: int,
) -> int:
    async with sessionmaker() as session:
        fairs = [
            row
            for row in await repo.sessions_starting_between(
                session, now, now + timedelta(minutes=nudge_minutes)
            )
            if row.kind == CAREER_FAIR and due_moment(row.starts_at, nudge_minutes) <= now
        ]
        if not fairs:
            return 0
        matches = await repo.matched_students(session)
        claimed = {
            row.id: await repo.claimed_offsets(session, row.id, row.starts_at, FAIR_NUDGE)
            for row in fairs
        }
    students: dict[int, tuple[list[str], str | None, str | None]] = {}
    for user_id, slug, language, time_zone in matches:
        students.setdefault(user_id, ([], language, time_zone))[0].append(slug)
    nudged = 0
    for row in fairs:
        present = set(row.exhibitors) or set(catalogue.exhibitors)
        pending = [
            (
                user_id,
                [s for s in slugs if s in present and s in catalogue.exhibitors][:NUDGE_TOP],
                lang,
                zone,
            )
            for user_id, (slugs, lang, zone) in students.items()
            if user_id not in claimed[row.id]
        ]
        pending = [p for p in pending if p[1]]
        for start in range(0, len(pending), chunk):
            async with sessionmaker() as session, session.begin():
                nudged += await _claim_nudges(
                    session,
                    row,
                    pending[start : start + chunk],
                    now,
                    rendering,
                    catalogue,
                    nudge_minutes,
                )
    return nudged


async def _claim_nudges(
    session: AsyncSession,
    row: ScheduledSession,
    pending: Sequence[tuple[int, list[str], str | None, str | None]],
    now: datetime,
    rendering: Rendering,
    catalogue: Catalogue,
    nudge_minutes: int,
) -> int:
    claimed = await repo.claim_reminders(
        session,
        [
            {
                "user_id": user_id,
                "session_id": row.id,
                "kind": FAIR_NUDGE,
                "offset_minutes": nudge_minutes,
                "starts_at": row.starts_at,
                "status": "sent",
                "created_at": now,
            }
            for user_id, _, _, _ in pending
        ],
    )
    messages = []
    for user_id, slugs, language, time_zone in pending:
        if (user_id, nudge_minutes) not in claimed:
            continue
        t, zone = rendering.t(language), rendering.zone(time_zone)
        messages.append(
            Outgoing(
                user_id,
                _message(nudge_text(t, row, slugs, catalogue, zone, now)),
                dedup_key=f"fair-nudge:{row.id}:{_stamp(row.starts_at)}:{user_id}",
                expires_at=row.ends_at,
            )
        )
    return await enqueue(
        session, messages, kind=OUTBOX_NUDGE, priority=Priority.REMINDER, now=now, ref=row.id
    )


def nudge_text(
    t: Translate,
    row: ScheduledSession,
    slugs: Sequence[str],
    catalogue: Catalogue,
    zone: tzinfo,
    now: datetime,
) -> str:
    lang = t.lang
    lines = []
    for slug in slugs:
        exhibitor = catalogue.exhibitors[slug]
        name = render.localized(exhibitor.name.model_dump(), lang)
        if exhibitor.booth:
            lines.append(t("fair-nudge-org", name=name, booth=exhibitor.booth))
        else:
            lines.append(t("fair-nudge-org-no-booth", name=name))
    minutes = round((row.starts_at - now).total_seconds() / 60)
    return t(
        "fair-nudge",
        title=render.localized(row.title, lang),
        duration=render.duration(t, minutes),
        time=render.clock_time(row.starts_at, zone),
        place=render.place(row.venue, row.room, lang),
        organisations=safe("\n".join(lines)),
    )
