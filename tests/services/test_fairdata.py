"""The data in force: loaded whole or not at all, swapped as a whole, listeners told of changes."""

import shutil
from pathlib import Path

import pytest

from bot.services.fairdata import FairData, FairDataStore, load_fair_data
from matching.datafiles import DataError

DATA = Path(__file__).resolve().parents[2] / "data"


def test_invalid_data_loads_nothing(tmp_path: Path) -> None:
    shutil.copytree(DATA, tmp_path / "data")
    (tmp_path / "data" / "employers.yaml").write_text("- slug: rcsc\n  name: 3\n")
    with pytest.raises(DataError) as error:
        load_fair_data(tmp_path / "data")
    assert any(p.file.endswith("employers.yaml") for p in error.value.problems)


async def test_replace_swaps_and_tells_listeners_old_and_new() -> None:
    first, second = load_fair_data(DATA), load_fair_data(DATA)
    store = FairDataStore(first)
    seen: list[tuple[FairData, FairData]] = []

    async def listener(old: FairData, new: FairData) -> None:
        seen.append((old, new))
        assert store.current is new  # listeners run once the new data is in force

    store.on_replace(listener)
    await store.replace(second)
    assert store.current is second
    assert seen == [(first, second)]
