"""Re-reading the data files while the bot runs: all or nothing. Invalid files leave the data in
force untouched, and the problems are the ones `fairbot check-data` prints."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.datacheck import collect_problems
from bot.services import audit
from bot.services.fairdata import FairData, FairDataStore, load_fair_data
from matching.datafiles import DataError


@dataclass(frozen=True)
class ReloadOutcome:
    problems: list[str] = field(default_factory=list)
    topics: int = 0
    exhibitors: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def _read(data_dir: Path) -> FairData | list[str]:
    try:
        problems = collect_problems(data_dir)
        if problems:
            return [str(problem) for problem in problems]
        return load_fair_data(data_dir)
    except DataError as error:
        return [str(problem) for problem in error.problems]
    except OSError as error:
        return [f"{data_dir}: {error.strerror or error}"]


async def reload_fair_data(
    session: AsyncSession, store: FairDataStore, data_dir: Path, *, actor_id: int, now: datetime
) -> ReloadOutcome:
    """Validate and load `data_dir` (in a thread: it takes a moment), then put it in force."""
    read = await asyncio.to_thread(_read, data_dir)
    if isinstance(read, list):
        await audit.record(
            session,
            actor_id=actor_id,
            action=audit.DATA_RELOAD_REFUSED,
            now=now,
            details={"problems": len(read)},
        )
        return ReloadOutcome(problems=read)
    await store.replace(read)
    outcome = ReloadOutcome(
        topics=len(read.catalogue.topics), exhibitors=len(read.catalogue.exhibitors)
    )
    await audit.record(
        session,
        actor_id=actor_id,
        action=audit.DATA_RELOADED,
        now=now,
        details={"topics": outcome.topics, "exhibitors": outcome.exhibitors},
    )
    return outcome
