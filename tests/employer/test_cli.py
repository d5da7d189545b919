"""`fairbot invite` in the terminal: the link, the QR code, a clear error for a wrong slug."""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "ADMIN_IDS")}
    env.update(
        BOT_TOKEN="123456789:TEST-token_for-fairbot-tests",
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'fairbot.sqlite3'}",
        DATA_DIR=str(REPO / "data"),
        TELEGRAM_API_URL="http://127.0.0.1:9",  # nothing listens: --bot is required
    )
    return subprocess.run(
        [sys.executable, "-m", "bot", "invite", *args],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60,
    )  # fmt: skip


def test_invite_in_the_terminal(tmp_path: Path) -> None:
    qr = tmp_path / "invite.png"
    done = _run(tmp_path, "ghalam", "--bot", "@fair_bot", "--qr", str(qr), "--days", "3")
    assert done.returncode == 0, done.stderr
    found = re.search(r"https://t\.me/fair_bot\?start=(inv_[A-Za-z0-9_-]+)", done.stdout)
    assert found is not None, done.stdout
    assert qr.read_bytes().startswith(b"\x89PNG")
    with sqlite3.connect(tmp_path / "fairbot.sqlite3") as db:
        rows = db.execute("SELECT org_slug, token_hash, created_by FROM invitations").fetchall()
    assert rows == [("ghalam", hashlib.sha256(found.group(1).encode()).hexdigest(), None)]

    printed = _run(tmp_path, "rcsc", "--bot", "fair_bot")
    assert printed.returncode == 0, printed.stderr
    assert "█" in printed.stdout  # the QR code, in the terminal


def test_unknown_slug_and_unreachable_telegram(tmp_path: Path) -> None:
    wrong = _run(tmp_path, "nowhere", "--bot", "fair_bot")
    assert wrong.returncode == 2
    assert "no organisation 'nowhere'" in wrong.stderr
    assert "ghalam" in wrong.stderr
    offline = _run(tmp_path, "ghalam")
    assert offline.returncode == 1
    assert "--bot USERNAME" in offline.stderr
