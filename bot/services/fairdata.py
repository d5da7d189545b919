"""The forum's data files as the running bot uses them, swapped as a whole on reload."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from matching.catalogue import Catalogue, load_catalogue
from matching.engine import MatchEngine


@dataclass(frozen=True)
class FairData:
    """Everything read from the data directory, consistent with itself."""

    catalogue: Catalogue
    engine: MatchEngine


def load_fair_data(data_dir: Path) -> FairData:
    """Reads and validates every data file; raises matching.datafiles.DataError with all problems.

    Never returns half-loaded data: either everything is valid or nothing is returned.
    """
    catalogue = load_catalogue(data_dir)
    return FairData(catalogue=catalogue, engine=MatchEngine(catalogue))


class FairDataStore:
    """Holds the data in force. Readers take `current` once per unit of work and use that snapshot,
    so a reload in the middle of an update cannot mix old and new data."""

    def __init__(self, data: FairData) -> None:
        self._current = data

    @property
    def current(self) -> FairData:
        return self._current

    def replace(self, data: FairData) -> None:
        self._current = data
