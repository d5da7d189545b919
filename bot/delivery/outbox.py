"""Putting messages in the outbox, inside the caller's transaction (the transactional outbox),
and reading back what became of them."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models.outbox import OutboxMessage

STATUSES = ("pending", "sending", "sent", "failed", "blocked", "cancelled", "expired")
"""Every status an outbox row can have; the last five are final."""

# Bot API methods an outbox row may hold (payload["method"]).
PAYLOAD_METHODS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendVideo",
        "sendAnimation",
        "sendAudio",
        "sendVoice",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
    }
)

_INSERT_CHUNK = 1000


class Priority(enum.IntEnum):
    """Lower goes first, both in the outbox and at the rate limiter.

    INTERACTIVE is for the limiter only: replies to a person's own action are sent at once,
    never through the outbox, and take the next free slot before anything queued.
    """

    INTERACTIVE = 0
    REMINDER = 10
    NOTIFICATION = 20
    BROADCAST = 30


@dataclass(frozen=True)
class Outgoing:
    """One Bot API call for one chat, e.g. Outgoing(42, {"method": "sendMessage", "text": "Hi"}).

    The payload holds the method's parameters as Telegram names them, fully rendered for this
    recipient; chat_id is filled in from `chat_id` when the payload has none.
    """

    chat_id: int
    payload: dict[str, Any]
    dedup_key: str | None = None
    not_before: datetime | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True)
class Delivery:
    """What became of one outbox row."""

    id: int
    chat_id: int
    kind: str
    ref: str | None
    status: str
    attempts: int
    sent_at: datetime | None
    message_id: int | None
    last_error: str | None

    @property
    def final(self) -> bool:
        return self.status not in ("pending", "sending")


@dataclass(frozen=True)
class DeliveryCounts:
    """Rows of one kind/ref by status."""

    by_status: dict[str, int]

    def __getitem__(self, status: str) -> int:
        return self.by_status.get(status, 0)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def left(self) -> int:
        """Not yet final: waiting or being sent."""
        return self["pending"] + self["sending"]

    @property
    def done(self) -> int:
        return self.total - self.left


async def enqueue(
    session: AsyncSession,
    messages: Iterable[Outgoing],
    *,
    kind: str,
    priority: Priority,
    now: datetime,
    ref: str | None = None,
) -> int:
    """Add the messages to the outbox in the session's transaction; returns how many were added.

    Nothing is sent until the transaction commits, and nothing committed is lost. A message whose
    dedup_key is already in the outbox is skipped, so enqueueing the same thing twice is harmless.
    Rows are inserted in bulk: a broadcast to 10,000 people takes a fraction of a second.
    """
    if priority == Priority.INTERACTIVE:
        raise ValueError("INTERACTIVE is for direct replies; give the outbox a lower priority")
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for message in messages:
        method = message.payload.get("method")
        if method not in PAYLOAD_METHODS:
            raise ValueError(f"outbox payload method {method!r} is not one of PAYLOAD_METHODS")
        if message.dedup_key is not None:
            if message.dedup_key in seen:
                continue
            seen.add(message.dedup_key)
        rows.append(
            {
                "chat_id": message.chat_id,
                "priority": int(priority),
                "kind": kind,
                "ref": ref,
                "payload": message.payload,
                "status": "pending",
                "not_before": message.not_before or now,
                "expires_at": message.expires_at,
                "attempts": 0,
                "created_at": now,
                "dedup_key": message.dedup_key,
            }
        )
    if not rows:
        return 0
    added = 0
    for start in range(0, len(rows), _INSERT_CHUNK):
        chunk = rows[start : start + _INSERT_CHUNK]
        result = await session.execute(_insert_skipping_known_keys(session), chunk)
        added += len(result.all())
    return added


def _insert_skipping_known_keys(session: AsyncSession) -> Any:
    table = cast(Table, OutboxMessage.__table__)
    dialect = session.get_bind().dialect.name
    statement: Any
    if dialect == "postgresql":
        statement = postgresql.insert(table).on_conflict_do_nothing(index_elements=["dedup_key"])
    elif dialect == "sqlite":
        statement = sqlite.insert(table).on_conflict_do_nothing(index_elements=["dedup_key"])
    else:  # pragma: no cover - fairbot runs on SQLite and PostgreSQL only
        statement = insert(table)
    return statement.returning(table.c.id)


async def delivery_counts(session: AsyncSession, *, kind: str, ref: str | None) -> DeliveryCounts:
    """How many rows of this kind/ref are in each status (one indexed aggregate query)."""
    rows = await session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.kind == kind, _ref_is(ref))
        .group_by(OutboxMessage.status)
    )
    return DeliveryCounts({status: int(count) for status, count in rows.all()})


async def deliveries(
    session: AsyncSession, *, kind: str, ref: str | None, chat_id: int | None = None
) -> list[Delivery]:
    """Every row of this kind/ref (optionally of one chat), oldest first."""
    query = select(OutboxMessage).where(OutboxMessage.kind == kind, _ref_is(ref))
    if chat_id is not None:
        query = query.where(OutboxMessage.chat_id == chat_id)
    rows = await session.scalars(query.order_by(OutboxMessage.id))
    return [_delivery(row) for row in rows]


async def delivery_by_key(session: AsyncSession, dedup_key: str) -> Delivery | None:
    """The row enqueued with this dedup_key, if any."""
    row = await session.scalar(select(OutboxMessage).where(OutboxMessage.dedup_key == dedup_key))
    return _delivery(row) if row is not None else None


async def cancel_pending(session: AsyncSession, *, kind: str, ref: str | None) -> int:
    """Cancel the rows of this kind/ref not yet claimed by a worker; returns how many.

    Rows a worker already claimed (status "sending", at most about a second of sending) still go
    out: Telegram cannot take a message back.
    """
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.kind == kind, _ref_is(ref), OutboxMessage.status == "pending")
        .values(status="cancelled", last_error="cancelled", claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _ref_is(ref: str | None) -> Any:
    return OutboxMessage.ref.is_(None) if ref is None else OutboxMessage.ref == ref


def _delivery(row: OutboxMessage) -> Delivery:
    return Delivery(
        id=row.id,
        chat_id=row.chat_id,
        kind=row.kind,
        ref=row.ref,
        status=row.status,
        attempts=row.attempts,
        sent_at=row.sent_at,
        message_id=row.message_id,
        last_error=row.last_error,
    )
