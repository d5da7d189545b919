"""Fixtures for the student journey: the real dispatcher and Bot against the fake Telegram."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode

from bot.fakeapi import FakeTelegramServer, Timings


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    timings = Timings(reply_timeout=4.0, callback_answer_timeout=4.0, webhook_timeout=3.0)
    async with FakeTelegramServer(timings=timings) as running:
        yield running


@pytest.fixture
async def tg(server: FakeTelegramServer) -> AsyncIterator[Bot]:
    """A real Bot (HTML parse mode, as `build_bot` makes it) talking to the fake server."""
    bot = server.make_bot(default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    yield bot
    await bot.session.close()


@pytest.fixture
def student_dp(make_dispatcher: Callable[..., Dispatcher]) -> Callable[..., Dispatcher]:
    """`student_dp(**kw)`: the full dispatcher of the composition root (all routers)."""
    return make_dispatcher


@pytest.fixture
def dp(student_dp: Callable[..., Dispatcher]) -> Dispatcher:
    return student_dp()
