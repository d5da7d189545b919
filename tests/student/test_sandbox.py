"""`fairbot sandbox`: the real bot on the in-process fake Telegram, driven from a terminal."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest

from bot.sandbox import run_sandbox

SCRIPT = [
    "/start",
    ":3",  # English
    ":1",  # I agree
    ":1",  # use my Telegram name
    "<b>KazNU</b>",
    "master 1",
    "Physics",
    "satellite imagery and GIS",
    ":10",  # topics: Done
    ":5",  # seeking: Done
    ":r2",  # phone: Skip
    "skip",
    "skip",
    ":quit",
]


async def test_sandbox_runs_the_real_journey() -> None:
    out = io.StringIO()
    await run_sandbox(
        name="Aigerim", language="en", reply_timeout=5, stdin=io.StringIO("\n".join(SCRIPT) + "\n"),
        stdout=out,
    )  # fmt: skip
    transcript = out.getvalue()
    for fragment in [
        "Choose your language",
        "Your data, before we start",
        "1/10. What is your name?",
        "2/10.",
        "3/10.",
        "I understood: GIS and mapping",
        "Your profile is ready.",
        "Share my contact with",
        "% match",
    ]:
        assert fragment in transcript, f"{fragment!r} missing:\n{transcript}"
    assert "<b>KazNU</b>" not in transcript or "you: <b>KazNU</b>" in transcript


@pytest.mark.slow  # a fresh interpreter imports aiogram and the engine (~3-5 s)
def test_fairbot_sandbox_needs_no_token(tmp_path: object) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("BOT_TOKEN", "DATABASE_URL")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--reply-timeout", "5", "--language", "ru"],
        input="/start\n:2\n:1\n:quit\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=True,
    )
    assert "Ваши данные — прежде чем начать" in result.stdout
    assert "1/10. Как вас зовут?" in result.stdout
    assert result.stderr == ""
