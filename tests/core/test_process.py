"""`fairbot run` as a real process: starts, migrates, survives an unreachable Telegram, and stops
cleanly on SIGTERM within 10 s without ever printing the token."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import TEST_TOKEN

pytestmark = pytest.mark.slow

DATA_DIR = Path(__file__).resolve().parents[2] / "data"


def _start(tmp_path: Path, **env: str) -> subprocess.Popen[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("WEBHOOK_", "REDIS_"))}
    clean.update(
        BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_URL="http://127.0.0.1:9",  # nothing listens: Telegram is unreachable
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'var' / 'bot.sqlite3'}",
        TZ="Asia/Almaty",
        DATA_DIR=str(DATA_DIR),
    )
    clean.update(env)
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,
        env=clean,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _wait_for_file(path: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.1)


@pytest.mark.parametrize(
    "env",
    [{}, {"WEBHOOK_BASE_URL": "https://bot.example.org", "WEBHOOK_SECRET": "s3cret",
          "WEBHOOK_LISTEN": "127.0.0.1:0"}],
    ids=["polling", "webhook"],
)  # fmt: skip
def test_starts_and_stops_on_sigterm(tmp_path: Path, env: dict[str, str]) -> None:
    process = _start(tmp_path, LOG_FORMAT="json", **env)
    try:
        _wait_for_file(tmp_path / "var" / "bot.sqlite3")
        time.sleep(2.5)  # migrations, then at least one failed call to "Telegram"
        assert process.poll() is None, process.communicate()[0]
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=10)
        assert time.monotonic() - started < 10
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, output
    assert "Telegram did not answer" in output
    assert '"message": "stopped"' in output
    assert TEST_TOKEN not in output
    assert TEST_TOKEN.split(":")[1] not in output


def test_refuses_to_start_on_invalid_data(tmp_path: Path) -> None:
    broken = tmp_path / "data"
    broken.mkdir()
    (broken / "topics.yaml").write_text("- id: [unclosed\n", encoding="utf-8")
    (broken / "employers.yaml").write_text("[]\n", encoding="utf-8")
    process = _start(tmp_path, DATA_DIR=str(broken))
    output, _ = process.communicate(timeout=30)
    assert process.returncode == 1
    assert "topics.yaml:2: invalid YAML" in output
    assert "fairbot check-data" in output
    assert not (tmp_path / "var" / "bot.sqlite3").exists()  # stopped before touching anything
