"""Putting messages in the outbox, inside the caller's transaction (the transactional outbox)."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models.outbox import OutboxMessage


class Priority(enum.IntEnum):
    """Lower goes first. Replies to a person's own action never go through the outbox."""

    REMINDER = 10
    NOTIFICATION = 20
    BROADCAST = 30


@dataclass(frozen=True)
class Outgoing:
    """One Bot API call for one chat, e.g. Outgoing(42, {"method": "sendMessage", "text": "Hi"})."""

    chat_id: int
    payload: dict[str, Any]
    dedup_key: str | None = None
    not_before: datetime | None = None
    expires_at: datetime | None = None


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
    """
    batch = list(messages)
    keys = [m.dedup_key for m in batch if m.dedup_key is not None]
    known: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        rows = await session.scalars(
            select(OutboxMessage.dedup_key).where(OutboxMessage.dedup_key.in_(chunk))
        )
        known.update(key for key in rows if key is not None)
    added = 0
    for message in batch:
        if message.dedup_key is not None:
            if message.dedup_key in known:
                continue
            known.add(message.dedup_key)
        session.add(
            OutboxMessage(
                chat_id=message.chat_id,
                priority=int(priority),
                kind=kind,
                ref=ref,
                payload=message.payload,
                status="pending",
                not_before=message.not_before or now,
                expires_at=message.expires_at,
                attempts=0,
                created_at=now,
                dedup_key=message.dedup_key,
            )
        )
        added += 1
    await session.flush()
    return added
