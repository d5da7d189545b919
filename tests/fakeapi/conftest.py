"""Fixtures for the fake Bot API tests: a running server, a real aiogram Bot, the echo bot."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot, Dispatcher

from bot.fakeapi import FakeTelegramServer, Timings
from bot.fakeapi.echo import echo_router


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    timings = Timings(reply_timeout=3.0, callback_answer_timeout=3.0, webhook_timeout=2.0)
    async with FakeTelegramServer(timings=timings) as running:
        yield running


@pytest.fixture
async def bot(server: FakeTelegramServer) -> AsyncIterator[Bot]:
    bot = server.make_bot()
    yield bot
    await bot.session.close()


@pytest.fixture
def echo_dp() -> Dispatcher:
    dp = Dispatcher()
    dp.include_router(echo_router())
    return dp
