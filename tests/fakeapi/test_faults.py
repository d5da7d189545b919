"""Injected faults and flood control, seen through aiogram's own exceptions."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)

from bot.fakeapi import FakeTelegramServer


async def test_rate_limit_bans_and_counts_requests_during_the_ban(
    server: FakeTelegramServer, bot: Bot
) -> None:
    server.rate_limit = 5
    users = [server.user(f"Student {i}", started=True) for i in range(8)]
    results = await asyncio.gather(
        *(bot.send_message(u.id, "news") for u in users), return_exceptions=True
    )
    refused = [r for r in results if isinstance(r, TelegramRetryAfter)]
    assert len(refused) == 3
    assert all(r.retry_after == 1 for r in refused)
    assert "Too Many Requests: retry after 1" in refused[0].message
    assert server.stats.sent["sendMessage"] == 5
    assert server.stats.requests_during_ban == 2  # the two after the first 429
    # getMe is not a sending method: the ban does not touch it.
    await bot.get_me()
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message(users[0].id, "too early")
    assert server.stats.requests_during_ban == 3
    assert [r.during_ban for r in server.calls("sendMessage")][-1]
    await asyncio.sleep(refused[0].retry_after)
    await bot.send_message(users[5].id, "after the ban")
    assert server.stats.retry_after_given == 4


async def test_retry_after_fault_bans_all_sending_methods(
    server: FakeTelegramServer, bot: Bot
) -> None:
    user = server.user("Aset", started=True)
    fault = server.faults.add("sendMessage", error=429, retry_after=7, times=1)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(user.id, "x")
    assert caught.value.retry_after == 7
    assert fault.hits == 1
    with pytest.raises(TelegramRetryAfter) as again:
        await bot.send_photo(user.id, "some-file-id")
    assert again.value.retry_after in (6, 7)
    assert server.stats.requests_during_ban == 1
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query("unknown")  # not a sending method: no ban


async def test_forbidden_faults_and_blocked_users(server: FakeTelegramServer, bot: Bot) -> None:
    alice = server.user("Alima", started=True)
    bob = server.user("Bakyt", started=True)
    server.faults.add("sendMessage", error=403, chat_id=alice.id)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(alice.id, "x")
    await bot.send_message(alice.id, "x")  # times=1: the fault is used up
    await bob.block()
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(bob.id, "x")
    await bob.send("/start")  # writing again unblocks, as "Restart" does
    await bot.send_message(bob.id, "welcome back")
    await alice.deactivate()
    with pytest.raises(TelegramForbiddenError, match="user is deactivated"):
        await bot.send_message(alice.id, "x")
    server.faults.add(error="chat_not_found", times=None)
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.get_me()


async def test_server_errors_timeouts_and_resets(server: FakeTelegramServer) -> None:
    bot = server.make_bot(timeout=0.3)
    user = server.user("Sanzhar", started=True)
    try:
        server.faults.add("sendMessage", error=502)
        with pytest.raises(TelegramServerError, match="Bad Gateway"):
            await bot.send_message(user.id, "x")
        server.faults.add("sendMessage", error="timeout")
        started = time.monotonic()
        with pytest.raises(TelegramNetworkError, match="Request timeout error"):
            await bot.send_message(user.id, "x")
        assert time.monotonic() - started < 2
        server.faults.add("sendMessage", error="reset")
        with pytest.raises(TelegramNetworkError):
            await bot.send_message(user.id, "x")
        await bot.send_message(user.id, "finally")
        assert [m.text for m in user.messages] == ["finally"]
        assert [c.fault for c in server.calls("sendMessage")] == [502, "timeout", "reset", None]
    finally:
        await bot.session.close()


async def test_random_faults_are_reproducible(server: FakeTelegramServer, bot: Bot) -> None:
    user = server.user("Ulan", started=True)
    server.faults.add("sendMessage", error=500, times=None, probability=0.3)
    outcomes = []
    for _ in range(30):
        try:
            await bot.send_message(user.id, "x")
            outcomes.append(True)
        except TelegramServerError:
            outcomes.append(False)
    assert 3 <= outcomes.count(False) <= 18
    assert len(user.messages) == outcomes.count(True)
