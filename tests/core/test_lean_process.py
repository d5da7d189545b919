"""The running bot keeps out of its memory what only start-up or rare commands need."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from bot.db.apart import MigrationError, upgrade_apart
from bot.db.migrate import current_revision, head_revision


def test_the_bot_process_does_not_import_alembic_or_openpyxl() -> None:
    # A fresh interpreter: this test process has imported both already.
    probe = (
        "import sys, bot.app, bot.handlers.employer.leads; "
        "print(sorted(m for m in ('alembic', 'mako', 'openpyxl') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"


async def test_upgrade_apart_brings_an_empty_database_to_head(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'apart.sqlite3'}"
    await upgrade_apart(url)
    assert await current_revision(url) == head_revision()


async def test_upgrade_apart_reports_a_failing_child(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A directory where the database file should be: the child cannot open it.
    (tmp_path / "taken.sqlite3").mkdir()
    with caplog.at_level(logging.INFO, logger="bot.db.apart"), pytest.raises(MigrationError):
        await upgrade_apart(f"sqlite+aiosqlite:///{tmp_path / 'taken.sqlite3'}")
    # What the child said reaches this process's log, as errors.
    assert any(r.levelno == logging.ERROR for r in caplog.records if r.name == "bot.db.apart")
