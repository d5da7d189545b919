"""/healthz and /metrics: probes of the database and Redis, sends counted by outcome."""

from __future__ import annotations

import pytest
from aiogram.exceptions import TelegramForbiddenError, TelegramRetryAfter, TelegramServerError
from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import database_probe
from bot.clock import FakeClock
from bot.delivery.outbox import Outgoing, Priority, enqueue
from bot.fakeapi import FakeTelegramServer
from bot.monitoring import Metrics, Monitoring, SendMetrics, outbox_depth, redis_probe
from bot.services.fairdata import FairData, FairDataStore


async def _client(monitoring: Monitoring) -> TestClient:
    client = TestClient(TestServer(monitoring.app()))
    await client.start_server()
    return client


@pytest.mark.redis
async def test_healthz_checks_the_database_and_redis(engine: AsyncEngine, redis: Redis) -> None:
    dead = Redis.from_url("redis://127.0.0.1:9/0", socket_connect_timeout=0.5)
    up = Monitoring({"database": database_probe(engine), "redis": redis_probe(redis)})
    down = Monitoring({"database": database_probe(engine), "redis": redis_probe(dead)})
    for monitoring, status, body in [
        (up, 200, {"database": True, "redis": True, "status": "ok"}),
        (down, 503, {"database": True, "redis": False, "status": "degraded"}),
    ]:
        client = await _client(monitoring)
        try:
            response = await client.get("/healthz")
            assert response.status == status
            assert await response.json() == body
        finally:
            await client.close()
    await dead.aclose()


async def test_metrics_count_sends_by_outcome_and_the_outbox(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    metrics = Metrics()
    async with FakeTelegramServer() as server:
        bot = server.make_bot()
        bot.session.middleware(SendMetrics(metrics))
        person = server.user("Reader", started=True)
        try:
            await bot.send_message(person.id, "ok")
            server.faults.add("sendMessage", error="blocked")
            with pytest.raises(TelegramForbiddenError):
                await bot.send_message(person.id, "blocked")
            server.faults.add("sendMessage", error=502)
            with pytest.raises(TelegramServerError):
                await bot.send_message(person.id, "down")
            server.faults.add("sendMessage", error=429, retry_after=1)
            with pytest.raises(TelegramRetryAfter):
                await bot.send_message(person.id, "flood")
        finally:
            await bot.session.close()
    async with sessionmaker() as session, session.begin():
        await enqueue(
            session,
            [Outgoing(n, {"method": "sendMessage", "text": "hi"}) for n in range(3)],
            kind="broadcast",
            priority=Priority.BROADCAST,
            now=clock.now(),
            ref="1",
        )
    client = await _client(Monitoring({}, metrics, outbox_depth(sessionmaker)))
    try:
        response = await client.get("/metrics")
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = await response.text()
    finally:
        await client.close()
    for outcome in ("ok", "429", "403", "5xx"):
        assert f'fairbot_telegram_sends_total{{outcome="{outcome}"}} 1.0' in text
    assert "fairbot_telegram_429_total 1.0" in text
    assert 'fairbot_outbox_depth{status="pending"} 3.0' in text
    assert 'fairbot_outbox_depth{status="sending"} 0.0' in text


async def test_metrics_show_the_data_version_in_force(fair_data: FairData) -> None:
    store = FairDataStore(fair_data, version=3)
    metrics = Metrics()
    metrics.follow_data_version(lambda: store.version)
    client = await _client(Monitoring({}, metrics))
    try:
        assert "fairbot_data_version 3.0" in await (await client.get("/metrics")).text()
        await store.follow(fair_data, 4)  # read at each scrape
        assert "fairbot_data_version 4.0" in await (await client.get("/metrics")).text()
    finally:
        await client.close()
