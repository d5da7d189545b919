"""Fixtures for the matching tests: the real catalogue, an engine on it, and a scratch copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from matching.catalogue import Catalogue, load_catalogue
from matching.engine import MatchEngine

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"
EVAL_DIR = ROOT / "tests" / "eval"


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue(DATA_DIR)


@pytest.fixture(scope="session")
def engine(catalogue: Catalogue) -> MatchEngine:
    return MatchEngine(catalogue)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the real data directory, for breaking or extending it."""
    target = tmp_path / "data"
    target.mkdir()
    for name in ("topics.yaml", "employers.yaml", "offtopic.yaml"):
        shutil.copy(DATA_DIR / name, target / name)
    return target
