"""`fairbot bench broadcast` and `fairbot stats` run and print their figures (scaled down here;
the full figures come from the defaults)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DELIVERY_", "REDIS_"))}
    env.update(DATA_DIR=str(ROOT / "data"), **extra)
    return env


def test_bench_broadcast_prints_its_figures(tmp_path: Path) -> None:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "bench",
            "broadcast",
            "--recipients",
            "40",
            "--paid-limit",
            "200",
            "--only",
            "paid",
            "--no-baseline",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=_env(),
        timeout=120,
    )
    # A 0.2 s run on a busy machine may miss the rate target: only the run itself is checked.
    assert out.returncode in (0, 1), out.stdout + out.stderr
    assert "paid broadcasts: server limit 200 msg/s, DELIVERY_RATE=196" in out.stdout
    assert "requests during a ban: 0 (target 0)  ok" in out.stdout
    assert "duplicates: 0 (target 0)  ok; losses: 0 (target 0)  ok" in out.stdout
    assert "final report sent" in out.stdout


def test_stats_prints_what_the_command_shows(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fair.sqlite3'}"
    env = _env(DATABASE_URL=url)
    subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"],
        env=env,
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    chart = tmp_path / "chart.png"
    out = subprocess.run(
        [sys.executable, "-m", "bot", "stats", "--lang", "kk", "--chart", str(chart)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        cwd=tmp_path,
    )
    assert "Жәрмеңке статистикасы" in out.stdout
    assert "«Ghalam» ЖШС: 0 / 0" in out.stdout
    assert "<b>" not in out.stdout
    assert chart.read_bytes().startswith(b"\x89PNG")
