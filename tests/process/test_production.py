"""`fairbot run` in webhook mode with Redis, as deployed: /healthz and /metrics, JSON logs that
carry update and user ids but no phone or email, and a graceful stop on SIGTERM (the update in
flight finishes, new ones are refused for Telegram to deliver again, exit within 10 s)."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import time
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from bot.bench.updates import start_bots
from bot.db.engine import create_engine, create_sessionmaker
from bot.db.models import ProcessedUpdate
from bot.fakeapi import FakeTelegramServer, Timings
from bot.i18n import Translator
from tests.student.journey import Journey

pytestmark = [pytest.mark.slow, pytest.mark.redis]


def _metric(text: str, name: str, **labels: str) -> float:
    """The value of one series in Prometheus text format (0 if absent)."""
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name):
            continue
        series, _, value = line.rpartition(" ")
        if series.split("{")[0] != name:
            continue
        if all(f'{key}="{wanted}"' in series for key, wanted in labels.items()):
            total += float(value)
    return total


async def test_webhook_process_health_metrics_logs_and_graceful_stop(
    tmp_path: Path, redis_url: str, redis_prefix: str, translator: Translator
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'process.sqlite3'}"
    timings = Timings(reply_timeout=10.0, callback_answer_timeout=10.0, webhook_timeout=15.0)
    env = {
        "REDIS_URL": redis_url,
        "REDIS_PREFIX": redis_prefix,
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "DEBUG",
    }
    async with FakeTelegramServer(timings=timings) as server:
        (bot,) = await start_bots(
            server, token=server.token, database_url=url, workdir=tmp_path, webhook=True,
            extra_env=env,
        )  # fmt: skip
        base = f"http://{bot.listen}"
        user = server.user("Aigerim", "Nurlanova", language_code="en")
        phone = f"7701{user.id % 10_000_000:07d}"  # what SimUser.share_contact() sends
        try:
            journey = Journey(user, "en", translator)
            await journey.start()
            await journey.choose_language()
            await journey.consent()
            await journey.profile()

            async with aiohttp.ClientSession() as http:
                async with http.get(f"{base}/healthz") as response:
                    assert response.status == 200
                    assert await response.json() == {
                        "database": True, "redis": True, "status": "ok"
                    }  # fmt: skip
                async with http.get(f"{base}/metrics") as response:
                    assert response.status == 200
                    metrics = await response.text()
            handled = _metric(metrics, "fairbot_updates_total", outcome="handled")
            assert handled >= 12
            assert _metric(metrics, "fairbot_updates_total", type="callback_query") >= 3
            assert _metric(metrics, "fairbot_update_seconds_count", type="message") >= 5
            assert _metric(metrics, "fairbot_telegram_sends_total", outcome="ok") >= 15
            assert 'fairbot_outbox_depth{status="pending"}' in metrics
            assert "fairbot_telegram_429_total 0.0" in metrics

            # SIGTERM while an update is being handled (its answer takes 2 s to go out).
            slow = server.faults.add("sendMessage", error="timeout", hold=2.0)
            before = server.stats.webhook_deliveries
            await user.send("/help")
            await server.wait_until(lambda: bool(slow.hits), timeout=5)
            in_flight = max(u for u in server.update_log.updates)
            stopped_at = time.monotonic()
            bot.process.send_signal(signal.SIGTERM)
            await asyncio.sleep(0.3)
            await user.send("/help")  # arrives while stopping: refused, kept by Telegram
            late = max(u for u in server.update_log.updates)
            code = await asyncio.wait_for(bot.process.wait(), 12)
            took = time.monotonic() - stopped_at
        finally:
            await bot.stop()
        log = bot.log_path.read_text(encoding="utf-8")
        assert code == 0, bot.log_tail(40)
        assert took < 10, f"stopping took {took:.1f} s"
        assert server.stats.webhook_deliveries == before + 1  # the one in flight, answered 200
        assert server.pending_updates(server.token) == 1  # the late one waits for a process

    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            handled_ids = set(await session.scalars(select(ProcessedUpdate.update_id)))
    finally:
        await engine.dispose()
    assert in_flight in handled_ids
    assert late not in handled_ids

    # Logs: JSON lines; everything logged about an update carries its id and the person's id;
    # no phone number, e-mail address or token anywhere.
    entries = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    assert entries
    about_updates = [e for e in entries if re.search(r"Update id=\d+", e["message"])]
    assert len(about_updates) >= 12
    for entry in about_updates:
        mentioned = int(re.search(r"Update id=(\d+)", entry["message"]).group(1))  # type: ignore[union-attr]
        assert entry.get("update_id") == mentioned, entry
        assert entry.get("user_id") == user.id, entry
    assert phone not in log
    assert "aigerim@example.org" not in log
    assert "example.org" not in log
    assert server.token.split(":")[1] not in log
