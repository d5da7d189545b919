"""The terminal console, driven through piped input like a person reading the answers."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, Message

from bot.fakeapi import FakeTelegramServer
from bot.fakeapi.console import render_text, run_console
from bot.fakeapi.echo import demo_router


def sandbox_bot() -> Dispatcher:
    router = Router()

    @router.message(Command("cv"))
    async def cv(message: Message) -> None:
        pdf = b"%PDF-1.4 " + b"x" * 12_000
        await message.answer_document(
            BufferedInputFile(pdf, filename="cv.pdf"), caption="<b>Your CV</b>", parse_mode="HTML"
        )

    dp = Dispatcher()
    dp.include_router(router)
    dp.include_router(demo_router())
    return dp


async def test_console_with_piped_input(server: FakeTelegramServer, bot: Bot, tmp_path) -> None:
    user = server.user("Aigerim", language_code="kk")
    script = "\n".join(
        [
            "/start",
            "2",
            ":2",
            "/phone",
            ":r1",
            "/cv",
            f":save {tmp_path}",
            ":contact +7 701",
            ":quit",
            "never read",
        ]
    )
    out = io.StringIO()
    async with server.polling(sandbox_bot(), bot):
        await run_console(
            server,
            user,
            stdin=io.StringIO(script + "\n"),
            stdout=out,
            reply_timeout=2,
            settle=0.05,
        )
    transcript = out.getvalue()
    expected_in_order = [
        "you: /start",
        "FairBot: Hello, Aigerim! I echo what you write. Try the buttons.",
        "[1] Like 👍   [2] Dislike",
        "you: 2",  # a plain answer that looks like a number is text, not a button
        "FairBot: 2",
        "you: :2",
        "FairBot (edited #2): You chose: dislike",
        "(notice) Noted: dislike",
        "keyboard: (r1) Share my phone ☎",
        "FairBot: Thanks, got 77010",
        "(keyboard removed)",
        "FairBot: [document cv.pdf, 12 KB]",
        "    Your CV",
        f"saved {tmp_path / 'cv.pdf'}",
        "FairBot: Thanks, got +7 701",
        "you: :quit",
    ]
    position = 0
    for fragment in expected_in_order:
        found = transcript.find(fragment, position)
        assert found >= 0, f"{fragment!r} missing after position {position}:\n{transcript}"
        position = found + len(fragment)
    assert "never read" not in transcript
    assert "\x1b[" not in transcript  # no ANSI codes when the output is not a terminal
    assert (tmp_path / "cv.pdf").read_bytes().startswith(b"%PDF")


def test_rendering_with_and_without_color() -> None:
    entities = [
        {"type": "bold", "offset": 0, "length": 5},
        {"type": "text_link", "offset": 9, "length": 4, "url": "https://example.org"},
    ]
    assert (
        render_text("Hello 🚀 site!", entities, color=False)
        == "Hello 🚀 site (https://example.org)!"
    )
    colored = render_text("Hello 🚀 site!", entities, color=True)
    assert colored.startswith("\x1b[0m\x1b[1mHello\x1b[0m")
    assert "\x1b[0m\x1b[4;34msite\x1b[0m (https://example.org)" in colored


@pytest.mark.slow  # a fresh interpreter spends ~3 s importing aiogram
def test_sandbox_module_runs_with_piped_stdin() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot.fakeapi", "--reply-timeout", "2"],
        input="hello sandbox\n/start\n:1\n:quit\n",
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    assert "FairBot: hello sandbox" in result.stdout
    assert "FairBot (edited #4): You chose: like" in result.stdout
    assert result.stderr == ""
