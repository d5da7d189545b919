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
    """`fairbot run` with its output (stdout and stderr) going to tmp_path/out.log."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("WEBHOOK_", "REDIS_"))}
    clean.update(
        BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_URL="http://127.0.0.1:9",  # nothing listens: Telegram is unreachable
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'var' / 'bot.sqlite3'}",
        TZ="Asia/Almaty",
        DATA_DIR=str(DATA_DIR),
    )
    clean.update(env)
    with (tmp_path / "out.log").open("w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path,
            env=clean,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
        )


def _output(tmp_path: Path) -> str:
    return (tmp_path / "out.log").read_text()


def _wait_for_output(tmp_path: Path, text: str, timeout: float = 60) -> None:
    """Until the process has printed `text` (start-up takes longer on a busy machine)."""
    deadline = time.monotonic() + timeout
    while text not in _output(tmp_path) and time.monotonic() < deadline:
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
        # Migrations, then at least one failed call to "Telegram".
        _wait_for_output(tmp_path, "Telegram did not answer")
        assert process.poll() is None, _output(tmp_path)
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=10)
        assert time.monotonic() - started < 10
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    output = _output(tmp_path)
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
    process.wait(timeout=30)
    output = _output(tmp_path)
    assert process.returncode == 1
    assert "topics.yaml:2: invalid YAML" in output
    assert "fairbot check-data" in output
    assert not (tmp_path / "var" / "bot.sqlite3").exists()  # stopped before touching anything
