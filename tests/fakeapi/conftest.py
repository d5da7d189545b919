"""Fixtures for the fake Bot API tests: a running server, a real aiogram Bot, the echo bot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiohttp import web

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


class Receiver:
    """A webhook endpoint on 127.0.0.1: records what it gets, answers the statuses it is told."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.statuses = list(statuses or [])
        self.received: list[dict[str, Any]] = []
        self.secrets: list[str | None] = []
        self.arrived = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def _handle(self, request: web.Request) -> web.Response:
        self.secrets.append(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        status = self.statuses.pop(0) if self.statuses else 200
        if status == 200:
            self.received.append(await request.json())
            self.arrived.set()
        return web.json_response({}, status=status)

    async def start(self) -> Receiver:
        app = web.Application()
        app.router.add_post("/hook", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site.port}/hook"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def wait_for(self, count: int, within: float = 3.0) -> list[dict[str, Any]]:
        async with asyncio.timeout(within):
            while len(self.received) < count:
                self.arrived.clear()
                await self.arrived.wait()
        return self.received


@pytest.fixture
async def receivers() -> AsyncIterator[Callable[..., Awaitable[Receiver]]]:
    started: list[Receiver] = []

    async def make(statuses: list[int] | None = None) -> Receiver:
        receiver = await Receiver(statuses).start()
        started.append(receiver)
        return receiver

    yield make
    for receiver in started:
        await receiver.stop()
