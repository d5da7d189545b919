"""The poller through the fake Bot API: updates start as they come, one person's in order, and
the offset never passes an update that is still being handled."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import database_probe
from bot.fakeapi import FakeTelegramServer, Timings
from bot.i18n import Translator
from bot.pipeline import UpdateIntake
from bot.polling import Poller


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    async with FakeTelegramServer(timings=Timings(reply_timeout=5.0)) as running:
        yield running


@pytest.fixture
async def tg(server: FakeTelegramServer) -> AsyncIterator[Bot]:
    bot = server.make_bot()
    yield bot
    await bot.session.close()


async def test_a_slow_update_holds_up_neither_others_nor_the_offset_past_it(
    server: FakeTelegramServer,
    tg: Bot,
    make_dispatcher: Callable[..., Dispatcher],
    engine: AsyncEngine,
    translator: Translator,
) -> None:
    dp = make_dispatcher()
    intake = UpdateIntake(dp, tg, database_probe=database_probe(engine))
    poller = Poller(tg, intake, polling_timeout=1)
    stop = asyncio.Event()
    slow, quick = server.user("Slow", started=True), server.user("Quick", started=True)
    # The answer to Slow's first /help hangs for a while (Telegram being slow for one chat).
    server.faults.add("sendMessage", error="timeout", hold=1.5, chat_id=slow.id)
    running = asyncio.create_task(poller.run(stop))
    try:
        held = await slow.send("/help")
        await server.wait_until(lambda: len(server.calls("sendMessage")) == 1)
        second = await slow.send("/language")  # must wait for the first: same person
        started = time.monotonic()
        last = await quick.send("/help")
        await quick.wait_for_message(lambda m: bool(m.body), timeout=1.0)
        answered_in = time.monotonic() - started
        offset_meanwhile = poller.offset
        assert not slow.messages, "the second /help of Slow must wait for the first"
        await slow.wait_for_message(lambda m: bool(m.buttons), timeout=4.0)
    finally:
        stop.set()
        await running
    assert answered_in < 0.8  # not after the 1.5 s of Slow's update
    # Quick's update was handled, but confirming it would confirm Slow's too.
    assert offset_meanwhile is None or offset_meanwhile <= (held.update_id or 0)
    assert (second.update_id or 0) < (last.update_id or 0)
    assert poller.offset == (last.update_id or 0) + 1
    chats = [call.chat_id for call in server.calls("sendMessage")]
    assert chats[:2] == [slow.id, quick.id]
    assert chats[-1] == slow.id


async def test_a_restart_hands_back_only_what_was_not_handled(
    server: FakeTelegramServer,
    tg: Bot,
    make_dispatcher: Callable[..., Dispatcher],
    engine: AsyncEngine,
) -> None:
    dp = make_dispatcher()
    people = [server.user(f"Reader {n}", started=True) for n in range(5)]
    for person in people:
        await person.send("/help")
    stop = asyncio.Event()
    poller = Poller(tg, UpdateIntake(dp, tg, database_probe=database_probe(engine)))
    running = asyncio.create_task(poller.run(stop))
    await server.wait_until(lambda: len(server.calls("sendMessage", ok=True)) == 5)
    stop.set()
    await running
    remaining: list[Any] = await tg.get_updates(offset=None, timeout=0)
    assert remaining == []  # all five confirmed on the way out
