"""The one row saying which version of the data files is in force across processes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import DataVersion
from bot.db.models.datasync import DATA_VERSION_ROW


@dataclass(frozen=True)
class RecordedVersion:
    version: int
    content_hash: str | None


async def current(session: AsyncSession) -> RecordedVersion | None:
    """The version in force (None if the row is missing: it is made by the migration)."""
    row = (
        await session.execute(
            select(DataVersion.version, DataVersion.content_hash).where(
                DataVersion.id == DATA_VERSION_ROW
            )
        )
    ).first()
    return None if row is None else RecordedVersion(row.version, row.content_hash)


async def bump(
    session: AsyncSession, *, content_hash: str, actor_id: int, now: datetime, known: int = 0
) -> int:
    """Raise the version by one (in the caller's transaction) and return the new version.

    One UPDATE: two reloads at once on two processes wait for each other's row lock (or SQLite's
    write lock) and get consecutive versions, never the same one. `known` is the version the
    caller has in force: the new one is above it too, should the row ever have been put back
    (a restored backup), so that no process is asked to go backwards."""
    floor = case((DataVersion.version < known, known), else_=DataVersion.version)
    version = await session.scalar(
        update(DataVersion)
        .where(DataVersion.id == DATA_VERSION_ROW)
        .values(
            version=floor + 1,
            content_hash=content_hash,
            reloaded_at=now,
            reloaded_by=actor_id,
        )
        .returning(DataVersion.version)
    )
    if version is None:  # the row was deleted by hand: start again above what is known
        version = known + 1
        session.add(
            DataVersion(
                id=DATA_VERSION_ROW, version=version, content_hash=content_hash,
                reloaded_at=now, reloaded_by=actor_id,
            )
        )  # fmt: skip
        await session.flush()
    return int(version)


async def record_hash_if_unknown(session: AsyncSession, content_hash: str) -> RecordedVersion:
    """At start: the first process records the hash of its files for the version in force (0
    after the migration), so that processes with other files can say so. Returns the version in
    force, with the hash recorded for it."""
    recorded = await current(session)
    if recorded is None:
        session.add(DataVersion(id=DATA_VERSION_ROW, version=0, content_hash=content_hash))
        await session.flush()
        return RecordedVersion(0, content_hash)
    if recorded.content_hash is not None:
        return recorded
    result = await session.execute(
        update(DataVersion)
        .where(DataVersion.id == DATA_VERSION_ROW, DataVersion.content_hash.is_(None))
        .values(content_hash=content_hash)
    )
    if cast(CursorResult[Any], result).rowcount == 1:
        return RecordedVersion(recorded.version, content_hash)
    return await current(session) or recorded  # another process recorded its hash just before
