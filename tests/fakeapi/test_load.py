"""The load driver runs many users concurrently and measures reply latency per step."""

from __future__ import annotations

from aiogram import Bot, Dispatcher

from bot.fakeapi import FakeTelegramServer, SimUser
from bot.fakeapi.load import Steps, echo_conversation, percentile, run_conversations


async def test_echo_bot_under_load(
    server: FakeTelegramServer, bot: Bot, echo_dp: Dispatcher
) -> None:
    async with server.polling(echo_dp, bot):
        report = await run_conversations(server, echo_conversation, users=30)
    assert report.errors == []
    assert report.updates == 90
    assert report.updates_per_second > 0
    steps = report.steps()
    assert [s.name for s in steps] == ["echo 0", "echo 1", "echo 2"]
    assert all(s.count == 30 for s in steps)
    assert all(0 < s.p50_ms <= s.p99_ms <= s.max_ms for s in steps)
    assert all(s.end_to_end_p50_ms >= s.p50_ms for s in steps)
    assert "90 updates" in report.summary()


async def test_a_silent_bot_is_reported_not_hung(server: FakeTelegramServer, bot: Bot) -> None:
    async def conversation(user: SimUser, steps: Steps) -> None:
        await steps.send("start", "/start")

    async with server.polling(Dispatcher(), bot):
        report = await run_conversations(server, conversation, users=3, reply_timeout=0.2)
    assert len(report.errors) == 3
    assert "no reaction to step 'start'" in report.errors[0]


def test_percentile_is_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.5) == 50.0
    assert percentile(values, 0.99) == 99.0
    assert percentile([7.0], 0.99) == 7.0
