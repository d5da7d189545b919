"""Health and Prometheus metrics of one bot process: `/healthz` and `/metrics`.

Served by the webhook server, or in polling mode on METRICS_LISTEN. Every process has its own
registry (built by the composition root, never at import time); Prometheus scrapes each process
and adds them up. What is counted:

- fairbot_updates_total{type, outcome}: updates by type (message, callback_query, ...) and
  outcome (handled, duplicate, busy, retry);
- fairbot_update_seconds{type}: time from receiving an update to having handled it;
- fairbot_duplicate_updates_total: deliveries recognised as already handled (ledger or memory);
- fairbot_telegram_sends_total{outcome}: Bot API calls (all but getUpdates) by outcome: ok, 429,
  403, 4xx (other refusals), 5xx, network;
- fairbot_telegram_429_total: "Too Many Requests" answers received;
- fairbot_outbox_depth{status}: outbox messages pending or being sent, counted at scrape;
- fairbot_data_version: the version of the data files in force in this process (each /reload
  raises it; a process whose value stays behind the others' could not read its files).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Update
from aiohttp import web
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.models import OutboxMessage
from bot.pipeline import Outcome, UpdateIntake

log = logging.getLogger(__name__)

Probe = Callable[[], Awaitable[bool]]
OutboxDepth = Callable[[], Awaitable[Mapping[str, int]]]

# Handler latency buckets (seconds): interactive answers are expected well under 150 ms.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
OUTBOX_WAITING = ("pending", "sending")


class Metrics:
    """The process's Prometheus registry and the series fairbot writes."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.updates = Counter(
            "fairbot_updates",
            "Updates received, by type and outcome",
            ["type", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "fairbot_update_seconds",
            "Time to handle one update (receipt to handled)",
            ["type"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.duplicates = Counter(
            "fairbot_duplicate_updates",
            "Deliveries of updates that had been handled already (skipped)",
            registry=self.registry,
        )
        self.sends = Counter(
            "fairbot_telegram_sends",
            "Bot API calls (all but getUpdates) by outcome",
            ["outcome"],
            registry=self.registry,
        )
        self.floods = Counter(
            "fairbot_telegram_429",
            "Too Many Requests answers received from Telegram",
            registry=self.registry,
        )
        self.outbox = Gauge(
            "fairbot_outbox_depth",
            "Outbox messages waiting to be sent (pending) or being sent (sending)",
            ["status"],
            registry=self.registry,
        )
        for status in OUTBOX_WAITING:
            self.outbox.labels(status=status).set(0)
        self.data_version = Gauge(
            "fairbot_data_version",
            "Version of the data files in force in this process (raised by each /reload)",
            registry=self.registry,
        )

    def follow_data_version(self, version: Callable[[], int]) -> None:
        """Read the data version in force at each scrape (e.g. `lambda: store.version`)."""
        self.data_version.set_function(version)

    def observe_update(self, update_type: str, outcome: Outcome, seconds: float) -> None:
        self.updates.labels(type=update_type, outcome=outcome.value).inc()
        if outcome is Outcome.DUPLICATE:
            self.duplicates.inc()
        elif outcome is Outcome.HANDLED:
            self.latency.labels(type=update_type).observe(seconds)

    def observe_send(self, outcome: str) -> None:
        self.sends.labels(outcome=outcome).inc()
        if outcome == "429":
            self.floods.inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


class MeasuredIntake(UpdateIntake):
    """The update intake, counting each update's outcome and handling time."""

    def __init__(self, *args: Any, metrics: Metrics, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._metrics = metrics

    async def process(self, update: Update) -> Outcome:
        started = time.perf_counter()
        outcome = await super().process(update)
        self._metrics.observe_update(update.event_type, outcome, time.perf_counter() - started)
        return outcome


def send_outcome(error: BaseException | None) -> str:
    if error is None:
        return "ok"
    if isinstance(error, TelegramRetryAfter):
        return "429"
    if isinstance(error, TelegramForbiddenError):
        return "403"
    if isinstance(error, TelegramServerError):
        return "5xx"
    if isinstance(error, TelegramNetworkError | OSError | TimeoutError):
        return "network"
    if isinstance(error, TelegramAPIError):
        return "4xx"
    return "network"


class SendMetrics(BaseRequestMiddleware):
    """Counts every Bot API call by outcome; registered after the rate limiter, so each request
    that reaches Telegram is counted (including each 429 the limiter then waits out)."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if method.__api_method__ == GetUpdates.__api_method__:  # polling, not a send
            return await make_request(bot, method)
        try:
            response = await make_request(bot, method)
        except (TelegramAPIError, OSError, TimeoutError) as error:
            self._metrics.observe_send(send_outcome(error))
            raise
        self._metrics.observe_send("ok")
        return response


def outbox_depth(sessionmaker: async_sessionmaker[AsyncSession]) -> OutboxDepth:
    """Counts of outbox rows pending and sending (one indexed query: ix_outbox_due)."""
    statement = (
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.status.in_(OUTBOX_WAITING))
        .group_by(OutboxMessage.status)
    )

    async def depth() -> Mapping[str, int]:
        async with sessionmaker() as session:
            rows = (await session.execute(statement)).all()
        found = {str(status): int(count) for status, count in rows}
        return {status: found.get(status, 0) for status in OUTBOX_WAITING}

    return depth


def redis_probe(redis: Any, timeout: float = 3.0) -> Probe:
    async def probe() -> bool:
        try:
            async with asyncio.timeout(timeout):
                await redis.ping()
        except Exception:  # noqa: BLE001 - any failure means "not answering"
            return False
        return True

    return probe


class Monitoring:
    """What `/healthz` checks (named probes: database, redis) and what `/metrics` shows."""

    def __init__(
        self,
        probes: Mapping[str, Probe],
        metrics: Metrics | None = None,
        outbox: OutboxDepth | None = None,
        scrape_timeout: float = 2.0,
    ) -> None:
        self.probes = dict(probes)
        self.metrics = metrics
        self.outbox = outbox
        self.scrape_timeout = scrape_timeout

    async def health(self, request: web.Request) -> web.Response:
        names = list(self.probes)
        results = await asyncio.gather(*(self.probes[name]() for name in names))
        body: dict[str, Any] = dict(zip(names, results, strict=True))
        healthy = all(results)
        body["status"] = "ok" if healthy else "degraded"
        return web.json_response(body, status=200 if healthy else 503)

    async def scrape(self, request: web.Request) -> web.Response:
        if self.metrics is None:
            raise web.HTTPNotFound()
        if self.outbox is not None:
            try:
                async with asyncio.timeout(self.scrape_timeout):
                    depth = await self.outbox()
            except Exception as error:  # noqa: BLE001 - the other series are still worth having
                log.warning("outbox depth unavailable for /metrics: %s", type(error).__name__)
            else:
                for status, count in depth.items():
                    self.metrics.outbox.labels(status=status).set(count)
        return web.Response(
            body=self.metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST}
        )

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/healthz", self.health)
        app.router.add_get("/metrics", self.scrape)

    def app(self) -> web.Application:
        """A separate server for /healthz and /metrics (polling mode, METRICS_LISTEN)."""
        app = web.Application()
        self.add_routes(app)
        return app
