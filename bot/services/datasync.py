"""Every bot process follows the cluster's data version: a /reload on any process comes into
force on all of them.

/reload raises the version in the `data_version` row (bot.services.reload). Each process runs a
`DataFollower` that reads the row every DATA_SYNC_SECONDS; when the version is newer than the
one in force here, it re-reads the files of its own DATA_DIR and puts them in force like /reload
does, minus what the reloading process already did once for all (the schedule copied into the
database, subscribers told of moved sessions): `FairDataStore.follow` and its listeners.

- Files here that differ from those the reload read (a replica deployed with other files): one
  warning per version, and the files here are used anyway (they are what this process has).
- Invalid files here: one warning per version; the data in force stays as it was (and the
  version in force too, which `fairbot_data_version` shows).
- Versions never go backwards: only a newer version than both the one in force and the last one
  tried is acted on.
- At start the process takes the recorded version as that of the files it has just loaded: no
  reload at start, however many processes start at once.

Only counts and versions are logged: the files hold no personal data, but the row names the
organiser who reloaded, which stays out of the logs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.repositories import data_version
from bot.repositories.data_version import RecordedVersion
from bot.services.fairdata import FairDataStore, content_hash
from bot.services.reload import read_data_dir

log = logging.getLogger(__name__)


class DataFollower:
    """Polls the data version and puts newer versions in force in this process."""

    def __init__(
        self,
        *,
        store: FairDataStore,
        sessionmaker: async_sessionmaker[AsyncSession],
        data_dir: Path,
        interval: float,
    ) -> None:
        self._store = store
        self._sessionmaker = sessionmaker
        self._data_dir = data_dir
        self._interval = interval
        self._tried = 0  # the newest version acted on (in force, or refused: invalid files)

    async def start(self) -> None:
        """Adopt the version in force for the data loaded at start (recording the hash of the
        files here if none is recorded yet); warn once if the files differ from it."""
        try:
            here = await asyncio.to_thread(content_hash, self._data_dir)
        except OSError:
            here = None  # the data was loaded a moment ago; a follower poll will tell
        async with self._sessionmaker() as session, session.begin():
            recorded = (
                await data_version.current(session)
                if here is None
                else await data_version.record_hash_if_unknown(session, here)
            )
        if recorded is None:
            return
        self._store.adopt_version(recorded.version)
        self._tried = max(self._tried, recorded.version)
        if here is not None and recorded.content_hash not in (None, here):
            log.warning(
                "the data files in %s differ from those of data version %s in force: "
                "this process uses its own (deploy the same files everywhere, then /reload)",
                self._data_dir,
                recorded.version,
            )
        log.info("data version %s in force", self._store.version)

    async def run(self, stop: asyncio.Event) -> None:
        """Poll every `interval` seconds until `stop` is set; a failed poll is retried."""
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._interval)
            if stop.is_set():
                return
            try:
                await self.poll()
            except Exception:  # the database may be away for a moment: next poll
                log.warning("could not follow the data version", exc_info=True)

    async def poll(self) -> bool:
        """Look at the version once; put it in force if newer. True if new data came in."""
        async with self._sessionmaker() as session:
            recorded = await data_version.current(session)
        if recorded is None or recorded.version <= max(self._store.version, self._tried):
            return False
        self._tried = recorded.version
        return await self._follow(recorded)

    async def _follow(self, recorded: RecordedVersion) -> bool:
        read = await asyncio.to_thread(read_data_dir, self._data_dir)
        if isinstance(read, list):
            log.warning(
                "data version %s reloaded by another process is not in force here: the data "
                "files in %s have %s problem(s) (`fairbot check-data` lists them); version %s "
                "stays in force",
                recorded.version,
                self._data_dir,
                len(read),
                self._store.version,
            )
            return False
        if recorded.content_hash is not None and recorded.content_hash != read.content_hash:
            log.warning(
                "data version %s: the data files in %s differ from those the reloading process "
                "read; this process uses its own",
                recorded.version,
                self._data_dir,
            )
        if not await self._store.follow(read.data, recorded.version):
            return False  # a reload made here put it (or a newer one) in force meanwhile
        log.info("data version %s in force (reloaded by another process)", recorded.version)
        return True
