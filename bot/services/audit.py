"""The audit log of organiser actions: who broadcast what to whom, who reloaded data, who
appointed whom. Entries are written in the transaction of the action itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import AuditEntry

# Actions recorded (AuditEntry.action).
BROADCAST_CREATED = "broadcast.create"
BROADCAST_CONFIRMED = "broadcast.confirm"
BROADCAST_CANCELLED = "broadcast.cancel"
BROADCAST_DISCARDED = "broadcast.discard"
DATA_RELOADED = "data.reload"
DATA_RELOAD_REFUSED = "data.reload-refused"
ORGANISER_APPOINTED = "organiser.appoint"
ORGANISER_REMOVED = "organiser.remove"


@dataclass(frozen=True)
class AuditRecord:
    at: datetime
    actor_id: int
    action: str
    subject: str | None
    details: dict[str, Any]


async def record(
    session: AsyncSession,
    *,
    actor_id: int,
    action: str,
    now: datetime,
    subject: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(at=now, actor_id=actor_id, action=action, subject=subject, details=details or {})
    )
    await session.flush()


async def recent(session: AsyncSession, limit: int = 20) -> list[AuditRecord]:
    """The newest entries first."""
    rows = await session.scalars(
        select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    )
    return [
        AuditRecord(row.at, row.actor_id, row.action, row.subject, dict(row.details))
        for row in rows
    ]
