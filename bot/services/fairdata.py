"""The forum's data files as the running bot uses them, swapped as a whole on reload."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from bot.schedule.data import Schedule, load_schedule
from matching.catalogue import Catalogue, check_catalogue
from matching.datafiles import DataError
from matching.engine import MatchEngine


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


# Called with (old, new) after new data came into force, e.g. to move reminders of moved sessions.
ReplaceListener = Callable[[FairData, FairData], Awaitable[None]]


class FairDataStore:
    """Holds the data in force. Readers take `current` once per unit of work and use that snapshot,
    so a reload in the middle of an update cannot mix old and new data."""

    def __init__(self, data: FairData) -> None:
        self._current = data
        self._listeners: list[ReplaceListener] = []

    @property
    def current(self) -> FairData:
        return self._current

    def on_replace(self, listener: ReplaceListener) -> None:
        """Register a reaction to new data (added by the composition root, in order)."""
        self._listeners.append(listener)

    async def replace(self, data: FairData) -> None:
        """Put valid, fully loaded data in force, then let the listeners react to the change."""
        old, self._current = self._current, data
        for listener in self._listeners:
            await listener(old, data)
