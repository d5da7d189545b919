"""The forum's data files as the running bot uses them, swapped as a whole on reload."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.schedule.data import Schedule, load_schedule
from matching.catalogue import Catalogue, check_catalogue
from matching.datafiles import DataError
from matching.engine import MatchEngine

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession


@dataclass(frozen=True)
class FairData:
    """Everything read from the data directory, consistent with itself."""

    catalogue: Catalogue
    engine: MatchEngine
    schedule: Schedule


def load_fair_data(data_dir: Path) -> FairData:
    """Reads and validates every data file; raises matching.datafiles.DataError with all problems.

    Never returns half-loaded data: either everything is valid or nothing is returned.
    """
    catalogue, problems = check_catalogue(data_dir)
    try:
        schedule = load_schedule(
            data_dir, set(catalogue.exhibitors) if catalogue is not None else None
        )
    except DataError as error:
        problems += error.problems
    if problems or catalogue is None:
        raise DataError(problems)
    return FairData(catalogue=catalogue, engine=MatchEngine(catalogue), schedule=schedule)


def content_hash(data_dir: Path) -> str:
    """SHA-256 (hex) of the data directory's files, names and contents (hidden files, e.g. an
    editor's, left out): equal for processes that have the same files, whatever the order or
    time stamps. Raises OSError when the directory cannot be read."""
    digest = hashlib.sha256()
    files = sorted(
        path
        for path in data_dir.rglob("*")
        if path.is_file() and not any(p.startswith(".") for p in path.relative_to(data_dir).parts)
    )
    for path in files:
        name = path.relative_to(data_dir).as_posix().encode()
        body = path.read_bytes()
        digest.update(b"%d:%s%d:" % (len(name), name, len(body)))
        digest.update(body)
    return digest.hexdigest()


# Called with (old, new) after new data came into force, e.g. to move reminders of moved sessions.
ReplaceListener = Callable[[FairData, FairData], Awaitable[None]]
# Called with (session, new) inside the transaction of a reload made here, before it commits.
ReloadListener = Callable[["AsyncSession", FairData], Awaitable[None]]


class FairDataStore:
    """Holds the data in force and its version. Readers take `current` once per unit of work and
    use that snapshot, so a reload in the middle of an update cannot mix old and new data.

    The version is the cluster's (bot.services.datasync): each /reload raises it by one, and
    every process puts the new version's files in force. It never goes backwards here: data of a
    version older than the one in force is refused.

    Listeners of three kinds, because some reactions must happen once for the whole cluster and
    others in every process:

    - `on_reload`: inside the transaction of a reload made here (/reload), before it commits:
      the cluster-wide database work (copy the schedule into the database, tell subscribers of
      moved sessions), so that it is committed with the new version, once, and done before any
      other process sees that version;
    - `on_replace`: after a reload made here came into force (after the commit): this process's
      own work, and the cluster-wide work again for callers without a transaction (idempotent:
      a schedule already copied has nothing left to tell);
    - `on_follow`: after this process adopted a reload another process made: this process's own
      work only (its timers); the other process did the rest.
    """

    def __init__(self, data: FairData, *, version: int = 0) -> None:
        self._current = data
        self._version = version
        self._listeners: list[ReplaceListener] = []
        self._followers: list[ReplaceListener] = []
        self._preparers: list[ReloadListener] = []

    @property
    def current(self) -> FairData:
        return self._current

    @property
    def version(self) -> int:
        return self._version

    def on_replace(self, listener: ReplaceListener) -> None:
        """Register a reaction to a reload made here (added by the composition root, in order)."""
        self._listeners.append(listener)

    def on_reload(self, listener: ReloadListener) -> None:
        """Register database work of a reload made here, run in the reload's transaction."""
        self._preparers.append(listener)

    async def prepare(self, session: AsyncSession, data: FairData) -> None:
        """Run the `on_reload` listeners for `data` in `session`'s transaction (not committed
        here; `replace` follows once it is)."""
        for listener in self._preparers:
            await listener(session, data)

    def on_follow(self, listener: ReplaceListener) -> None:
        """Register a reaction to another process's reload adopted here."""
        self._followers.append(listener)

    def adopt_version(self, version: int) -> None:
        """The data in force is (taken to be) that of `version`: at start, with the files just
        read. Never lowers the version."""
        self._version = max(self._version, version)

    async def replace(self, data: FairData, *, version: int | None = None) -> bool:
        """Put valid, fully loaded data in force, then let the `on_replace` listeners react.

        `version`: the cluster version this reload got (None: keep the version, e.g. a single
        process without the database's version). Returns False, changing nothing, when a newer
        version is already in force. The same version is accepted: this process's follower may
        have adopted the reload's version a moment before the reload put it in force, and the
        cluster-wide work is still the reload's to do.
        """
        if version is not None and version < self._version:
            return False
        old, self._current = self._current, data
        if version is not None:
            self._version = version
        for listener in self._listeners:
            await listener(old, data)
        return True

    async def follow(self, data: FairData, version: int) -> bool:
        """Put another process's reload in force (`version`, read from this process's own files),
        then let the `on_follow` listeners react. False, changing nothing, unless `version` is
        newer than the one in force."""
        if version <= self._version:
            return False
        old, self._current, self._version = self._current, data, version
        for listener in self._followers:
            await listener(old, data)
        return True
