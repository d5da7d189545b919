"""The outbox's SQL for workers: claim rows under a lease, renew and release leases, take over
the rows of dead workers, record outcomes in bulk.

Claims are leases: a row in "sending" belongs to `claimed_by` until `claimed_until`. A worker
renews its leases while it lives; rows of a worker that died go back to "pending" once their
lease expired, and are sent again (the only way a message can go out twice: Telegram has no
idempotency key). On PostgreSQL a claim locks the rows it takes with FOR UPDATE SKIP LOCKED, so
workers in several processes take disjoint rows without waiting for each other; on SQLite every
transaction holds the database's write lock (BEGIN IMMEDIATE), which serialises claims.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import OutboxMessage, User

_outbox = cast(Table, OutboxMessage.__table__)
_users = cast(Table, User.__table__)

ERROR_MAX = 255  # outbox.last_error


@dataclass(frozen=True)
class Claimed:
    """An outbox row a worker holds and is about to send."""

    id: int
    chat_id: int
    priority: int
    kind: str
    ref: str | None
    payload: dict[str, Any]
    attempts: int
    not_before: datetime


@dataclass(frozen=True)
class Outcome:
    """What happened to a claimed row: "sent", "failed", "blocked", or "pending" (try again at
    `not_before`). `attempts` is the row's new attempt count."""

    row_id: int
    chat_id: int
    status: str
    attempts: int
    not_before: datetime
    message_id: int | None = None
    error: str | None = None


def _claim_statement(
    dialect: str, *, worker: str, limit: int, now: datetime, until: datetime
) -> Any:
    due = (
        select(_outbox.c.id)
        .where(_outbox.c.status == "pending", _outbox.c.not_before <= now)
        .order_by(_outbox.c.priority, _outbox.c.not_before, _outbox.c.id)
        .limit(limit)
    )
    if dialect == "postgresql":
        due = due.with_for_update(skip_locked=True)
    return (
        update(_outbox)
        .where(_outbox.c.id.in_(due.scalar_subquery()))
        .values(status="sending", claimed_by=worker, claimed_until=until)
        .returning(
            _outbox.c.id,
            _outbox.c.chat_id,
            _outbox.c.priority,
            _outbox.c.kind,
            _outbox.c.ref,
            _outbox.c.payload,
            _outbox.c.attempts,
            _outbox.c.not_before,
            _outbox.c.expires_at,
        )
    )


async def claim(
    session: AsyncSession, *, worker: str, limit: int, now: datetime, lease: timedelta
) -> list[Claimed]:
    """Take up to `limit` due rows, most urgent first, for `lease`.

    Rows past their `expires_at` become "expired" and rows for people who blocked the bot become
    "blocked" right here, in the same transaction: they are never sent.
    """
    if limit <= 0:
        return []
    statement = _claim_statement(
        session.get_bind().dialect.name, worker=worker, limit=limit, now=now, until=now + lease
    )
    rows = (await session.execute(statement)).all()
    if not rows:
        return []
    expired = [row.id for row in rows if row.expires_at is not None and row.expires_at <= now]
    chat_ids = list({row.chat_id for row in rows})
    inactive = set(
        (
            await session.scalars(
                select(_users.c.id).where(_users.c.id.in_(chat_ids), _users.c.is_active.is_(False))
            )
        ).all()
    )
    skipped = set(expired)
    blocked = [row.id for row in rows if row.chat_id in inactive and row.id not in skipped]
    skipped.update(blocked)
    if expired:
        await _finish(session, expired, "expired", "expired before it could be sent")
    if blocked:
        await _finish(session, blocked, "blocked", "recipient inactive (blocked the bot)")
    claimed = [
        Claimed(
            id=row.id,
            chat_id=row.chat_id,
            priority=row.priority,
            kind=row.kind,
            ref=row.ref,
            payload=row.payload,
            attempts=row.attempts,
            not_before=row.not_before,
        )
        for row in rows
        if row.id not in skipped
    ]
    claimed.sort(key=lambda row: (row.priority, row.not_before, row.id))
    return claimed


async def _finish(session: AsyncSession, ids: list[int], status: str, error: str) -> None:
    await session.execute(
        update(_outbox)
        .where(_outbox.c.id.in_(ids))
        .values(status=status, last_error=error, claimed_by=None, claimed_until=None)
    )


async def renew_leases(
    session: AsyncSession, *, worker: str, now: datetime, lease: timedelta
) -> int:
    """Extend the lease of every row `worker` is sending; returns how many."""
    result = await session.execute(
        update(_outbox)
        .where(_outbox.c.claimed_by == worker, _outbox.c.status == "sending")
        .values(claimed_until=now + lease)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def release(session: AsyncSession, *, worker: str, ids: Sequence[int]) -> int:
    """Give rows `worker` claimed but did not send back to the queue, unchanged."""
    if not ids:
        return 0
    result = await session.execute(
        update(_outbox)
        .where(
            _outbox.c.id.in_(list(ids)),
            _outbox.c.claimed_by == worker,
            _outbox.c.status == "sending",
        )
        .values(status="pending", claimed_by=None, claimed_until=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def reclaim_expired(
    session: AsyncSession,
    *,
    now: datetime,
    max_attempts: int,
    dead_workers: Sequence[str] = (),
) -> int:
    """Rows whose worker's lease ran out (it died), or whose worker is known to be dead, go back
    to "pending", counted as an attempt (they may have been sent); a row that outlived
    `max_attempts` workers is marked failed. Returns how many went back."""
    lapsed = _outbox.c.claimed_until < now
    if dead_workers:
        lapsed = lapsed | _outbox.c.claimed_by.in_(list(dead_workers))
    await session.execute(
        update(_outbox)
        .where(_outbox.c.status == "sending", lapsed, _outbox.c.attempts + 1 >= max_attempts)
        .values(
            status="failed",
            attempts=_outbox.c.attempts + 1,
            last_error="the worker sending it stopped, too many times",
            claimed_by=None,
            claimed_until=None,
        )
    )
    result = await session.execute(
        update(_outbox)
        .where(_outbox.c.status == "sending", lapsed)
        .values(
            status="pending",
            attempts=_outbox.c.attempts + 1,
            claimed_by=None,
            claimed_until=None,
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def claimants(session: AsyncSession) -> list[str]:
    """Workers holding rows now."""
    rows = await session.scalars(
        select(_outbox.c.claimed_by)
        .where(_outbox.c.status == "sending", _outbox.c.claimed_by.is_not(None))
        .distinct()
    )
    return [str(name) for name in rows]


async def in_flight(session: AsyncSession) -> int:
    """Rows claimed by some worker and not yet recorded: at most this many could go out twice if
    every worker died now."""
    count = await session.scalar(
        select(func.count()).select_from(_outbox).where(_outbox.c.status == "sending")
    )
    return int(count or 0)


_RECORD = (
    update(_outbox)
    .where(_outbox.c.id == bindparam("b_id"), _outbox.c.claimed_by == bindparam("b_worker"))
    .values(
        status=bindparam("b_status"),
        attempts=bindparam("b_attempts"),
        not_before=bindparam("b_not_before"),
        sent_at=bindparam("b_sent_at"),
        message_id=bindparam("b_message_id"),
        last_error=bindparam("b_error"),
        claimed_by=None,
        claimed_until=None,
    )
)


async def record(
    session: AsyncSession, *, worker: str, outcomes: Sequence[Outcome], now: datetime
) -> None:
    """Write the outcomes of sends in one go. People Telegram said blocked the bot (or whose chat
    is gone) are marked inactive in the same transaction. A row whose lease `worker` lost is left
    to the worker that took it over."""
    if not outcomes:
        return
    await session.execute(
        _RECORD,
        [
            {
                "b_id": outcome.row_id,
                "b_worker": worker,
                "b_status": outcome.status,
                "b_attempts": outcome.attempts,
                "b_not_before": outcome.not_before,
                "b_sent_at": now if outcome.status == "sent" else None,
                "b_message_id": outcome.message_id,
                "b_error": outcome.error[:ERROR_MAX] if outcome.error else None,
            }
            for outcome in outcomes
        ],
    )
    blocked = sorted({o.chat_id for o in outcomes if o.status == "blocked"})
    if blocked:
        await session.execute(
            update(_users)
            .where(_users.c.id.in_(blocked), _users.c.is_active.is_(True))
            .values(is_active=False, blocked_at=now)
        )
