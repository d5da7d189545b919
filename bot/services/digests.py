"""The representatives' morning digest: the leads their organisation got since the last one.

Due every day at DIGEST_TIME (default 09:00) in the forum's zone. Every bot process runs the
same pass (a timer at the due moment and the reminders' sweep, see
`bot.schedule.scheduler.ReminderScheduler`); each representative's digest is claimed by a
compare-and-set of `representative_digests.last_digest_at` from the value read to the due
moment, in the transaction that puts the message in the outbox: whichever process wins, the
digest goes out once, and a pass that comes late (a restart) still sends it, up to
DIGEST_GRACE after the due moment. Nothing is sent when there is nothing new; the window
still moves on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import Representative, RepresentativeDigest, User
from bot.delivery.outbox import Outgoing, Priority, enqueue
from bot.i18n import Translate, safe
from bot.repositories import leads as repo
from bot.services.fairdata import FairDataStore
from bot.services.labels import labels
from bot.services.reminders import Rendering

log = logging.getLogger(__name__)

OUTBOX_DIGEST = "lead-digest"  # outbox kind; ref: the due moment's date
DIGEST_GRACE = timedelta(hours=12)  # a digest this late is left for the next morning
DIGEST_NAMES = 10  # leads named in a digest; the rest are counted


@dataclass(frozen=True)
class DigestReport:
    due: datetime
    claimed: int = 0  # representatives whose digest this pass claimed
    sent: int = 0  # of them, those who had new leads (a message went into the outbox)


def due_moment(now: datetime, zone: tzinfo, at: time) -> datetime:
    """The latest digest moment at or before `now` (aware UTC)."""
    local = now.astimezone(zone)
    moment = datetime.combine(local.date(), at, tzinfo=zone)
    if moment > now:
        moment = datetime.combine(local.date() - timedelta(days=1), at, tzinfo=zone)
    return moment.astimezone(UTC)


def next_moment(now: datetime, zone: tzinfo, at: time) -> datetime:
    """The first digest moment after `now` (aware UTC)."""
    local = now.astimezone(zone)
    moment = datetime.combine(local.date(), at, tzinfo=zone)
    if moment <= now:
        moment = datetime.combine(local.date() + timedelta(days=1), at, tzinfo=zone)
    return moment.astimezone(UTC)


def _insert_missing(session: AsyncSession) -> Any:
    table = cast(Table, RepresentativeDigest.__table__)
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=["user_id"])
    return sqlite.insert(table).on_conflict_do_nothing(index_elements=["user_id"])


async def send_digests(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    now: datetime,
    zone: tzinfo,
    at: time,
    rendering: Rendering,
    fair: FairDataStore | None = None,
) -> DigestReport:
    """Claim and enqueue every digest due at the latest digest moment (see the module doc)."""
    due = due_moment(now, zone, at)
    if now - due > DIGEST_GRACE:
        return DigestReport(due)
    async with sessionmaker() as session, session.begin():
        reps = (
            await session.execute(
                select(
                    Representative.user_id,
                    Representative.org_slug,
                    Representative.created_at,
                    User.language,
                )
                .join(User, User.id == Representative.user_id)
                .outerjoin(
                    RepresentativeDigest, RepresentativeDigest.user_id == Representative.user_id
                )
                .where(
                    (RepresentativeDigest.last_digest_at.is_(None))
                    | (RepresentativeDigest.last_digest_at < due)
                )
            )
        ).all()
        if reps:
            await session.execute(
                _insert_missing(session),
                [
                    {"user_id": user_id, "last_digest_at": None, "last_count": 0}
                    for user_id, *_ in reps
                ],
            )
    claimed = sent = 0
    catalogue = fair.current.catalogue if fair is not None else None
    for user_id, org, joined, language in reps:
        t = rendering.t(language)
        name = labels(catalogue, t.lang).organisation(org)
        async with sessionmaker() as session, session.begin():
            outcome = await _claim_one(
                session, user_id, org, joined, due=due, now=now, t=t, org_name=name
            )
        if outcome is not None:
            claimed += 1
            sent += outcome
    if claimed:
        log.info("lead digests of %s claimed: %s, %s with new leads", due, claimed, sent)
    return DigestReport(due, claimed, sent)


async def _claim_one(
    session: AsyncSession,
    user_id: int,
    org: str,
    joined: datetime,
    *,
    due: datetime,
    now: datetime,
    t: Translate,
    org_name: str,
) -> int | None:
    """1 (sent) or 0 (nothing new) when this pass won the representative's digest; None if it
    was already claimed (by another process, or an earlier pass)."""
    last = await session.scalar(
        select(RepresentativeDigest.last_digest_at).where(RepresentativeDigest.user_id == user_id)
    )
    if last is not None and last >= due:
        return None
    same = (
        RepresentativeDigest.last_digest_at.is_(None)
        if last is None
        else RepresentativeDigest.last_digest_at == last
    )
    result = await session.execute(
        update(RepresentativeDigest)
        .where(RepresentativeDigest.user_id == user_id, same)
        .values(last_digest_at=due)
    )
    if getattr(result, "rowcount", 0) != 1:
        return None
    # Leads shared before the representative joined are not news to them.
    since = max(last, joined) if last is not None else joined
    total, lines = await repo.new_since(session, org, since, due, DIGEST_NAMES)
    await session.execute(
        update(RepresentativeDigest)
        .where(RepresentativeDigest.user_id == user_id)
        .values(last_count=total)
    )
    if not total:
        return 0
    items = [
        t(
            "lead-digest-line",
            name=_short(row.full_name or "—"),
            university=_short(row.university or "—"),
            score=round(row.score),
        )
        for row in lines
    ]
    if total > len(items):
        items.append(t("lead-digest-more", count=total - len(items)))
    text = t("lead-digest", org=org_name, count=total, list=safe("\n".join(items)))
    await enqueue(
        session,
        [
            Outgoing(
                user_id,
                {"method": "sendMessage", "text": text, "parse_mode": "HTML"},
                dedup_key=f"{OUTBOX_DIGEST}:{user_id}:{due.isoformat()}",
                expires_at=due + DIGEST_GRACE + DIGEST_GRACE,
            )
        ],
        kind=OUTBOX_DIGEST,
        ref=due.date().isoformat(),
        priority=Priority.NOTIFICATION,
        now=now,
    )
    return 1


def _short(text: str, limit: int = 80) -> str:
    """Ten lines of a digest stay well within Telegram's 4096 characters."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class LeadDigests:
    """The digest as a pass of the reminders' scheduler: `fire(now)` sends what is due,
    `next_moment(now)` says when to come back."""

    name = "lead-digest"

    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        rendering: Rendering,
        fair: FairDataStore | None,
        at: time,
        zone: tzinfo,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._rendering = rendering
        self._fair = fair
        self._at = at
        self._zone = zone

    async def fire(self, now: datetime) -> DigestReport:
        return await send_digests(
            self._sessionmaker, now=now, zone=self._zone, at=self._at,
            rendering=self._rendering, fair=self._fair,
        )  # fmt: skip

    def next_moment(self, now: datetime) -> datetime:
        return next_moment(now, self._zone, self._at)
