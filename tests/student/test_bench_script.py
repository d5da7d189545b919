"""The bench's scripted students still fit the bot (a changed screen would break the bench)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from aiogram import Bot, Dispatcher

from bot.bench.updates import _no_pause, echo_with_database, help_only, onboarding
from bot.fakeapi import FakeTelegramServer
from bot.fakeapi.load import Steps, run_conversations


async def test_bench_conversations_run_against_the_bot(
    server: FakeTelegramServer, tg: Bot, dp: Dispatcher
) -> None:
    async def journey(user, steps: Steps) -> None:  # type: ignore[no-untyped-def]
        await onboarding(user, steps, _no_pause)

    async def helps(user, steps: Steps) -> None:  # type: ignore[no-untyped-def]
        await help_only(user, steps, _no_pause)

    async with server.polling(dp, tg):
        report = await run_conversations(server, journey, users=3, reply_timeout=5)
        assert report.errors == []
        assert report.updates == 3 * 14
        report = await run_conversations(server, helps, users=2, reply_timeout=5)
        assert report.errors == []
        assert report.updates == 2 * 14


async def test_the_echo_bot_with_a_database_answers_and_keeps_a_row_per_update(
    tmp_path: Path,
) -> None:
    database = tmp_path / "echo.sqlite3"
    async with FakeTelegramServer() as server:
        report = await echo_with_database(
            server, tmp_path, f"sqlite+aiosqlite:///{database}", students=2, cpus=None
        )
    assert report.errors == []
    assert report.updates == 2 * 14  # `echo` checks every answer's text
    with sqlite3.connect(database) as connection:
        ((rows, chats),) = connection.execute(
            "SELECT count(DISTINCT update_id), count(DISTINCT chat_id) FROM echo_log"
        )
    assert (rows, chats) == (2 * 14, 2)
