"""Re-reading the data files while the bot runs: all or nothing. Invalid files leave the data in
force untouched, and the problems are the ones `fairbot check-data` prints.

A reload raises the cluster's data version in its transaction (bot.services.datasync), together
with the database side of the new data (the `on_reload` listeners: the schedule copied, the
subscribers of moved sessions told); the other processes see the version and re-read their own
files. This process puts the new data in force once the transaction committed: its `on_replace`
listeners (the reminder scheduler's timers) take transactions of their own, which must not wait
for the update's one (on SQLite they would, until the pool gives up after 30 s).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.datacheck import collect_problems
from bot.middlewares.unit_of_work import AfterCommit
from bot.repositories import data_version
from bot.services import audit
from bot.services.fairdata import FairData, FairDataStore, content_hash, load_fair_data
from matching.datafiles import DataError


@dataclass(frozen=True)
class ReloadOutcome:
    problems: list[str] = field(default_factory=list)
    topics: int = 0
    exhibitors: int = 0
    version: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class ReadData:
    """The data directory, loaded and valid, with the hash of the files as they were read."""

    data: FairData
    content_hash: str


def read_data_dir(data_dir: Path) -> ReadData | list[str]:
    """Load and validate `data_dir` (blocking: run it in a thread); the problems if invalid."""
    try:
        problems = collect_problems(data_dir)
        if problems:
            return [str(problem) for problem in problems]
        before = content_hash(data_dir)
        data = load_fair_data(data_dir)
        after = content_hash(data_dir)
    except DataError as error:
        return [str(problem) for problem in error.problems]
    except OSError as error:
        return [f"{data_dir}: {error.strerror or error}"]
    if before != after:  # being copied in right now: what was loaded may be a mix
        return [f"{data_dir}: the files changed while they were read; try again"]
    return ReadData(data, after)


async def reload_fair_data(
    session: AsyncSession,
    store: FairDataStore,
    data_dir: Path,
    *,
    actor_id: int,
    now: datetime,
    after_commit: AfterCommit,
) -> ReloadOutcome:
    """Validate and load `data_dir` (in a thread: it takes a moment); if valid, raise the data
    version in `session`'s transaction and put the data in force after it committed."""
    read = await asyncio.to_thread(read_data_dir, data_dir)
    if isinstance(read, list):
        await audit.record(
            session,
            actor_id=actor_id,
            action=audit.DATA_RELOAD_REFUSED,
            now=now,
            details={"problems": len(read)},
        )
        return ReloadOutcome(problems=read)
    version = await data_version.bump(
        session, content_hash=read.content_hash, actor_id=actor_id, now=now, known=store.version
    )
    # The database side (the schedule, subscribers told) commits with the version: once for the
    # cluster, and before any other process can see the version.
    await store.prepare(session, read.data)
    outcome = ReloadOutcome(
        topics=len(read.data.catalogue.topics),
        exhibitors=len(read.data.catalogue.exhibitors),
        version=version,
    )
    await audit.record(
        session,
        actor_id=actor_id,
        action=audit.DATA_RELOADED,
        now=now,
        details={"topics": outcome.topics, "exhibitors": outcome.exhibitors, "version": version},
    )

    async def put_in_force() -> None:
        await store.replace(read.data, version=version)

    after_commit.add(put_in_force)
    return outcome
