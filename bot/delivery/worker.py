"""The outbox worker: claims due rows in small batches, sends them under the rate limiter,
records the outcomes in bulk.

One worker runs per bot process (`bot.app.run` starts it); several processes share the outbox.
What can go twice after a crash is bounded by the rows claimed and not yet recorded (the
"in-flight window"): at most `batch` rows waiting here plus the sends on the wire plus the
outcomes of the last `flush_interval`. Rows the worker had not sent are released on a clean stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import math
import os
import random
import secrets
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import aiogram.methods
from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNotFound,
    TelegramRetryAfter,
)
from aiogram.methods import TelegramMethod
from aiogram.types import Message, MessageId
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.delivery import store
from bot.delivery.limiter import send_priority
from bot.delivery.outbox import PAYLOAD_METHODS
from bot.delivery.store import Claimed, Outcome

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger(__name__)

# Telegram's ways of saying "this chat cannot get messages from the bot" apart from 403.
_CHAT_GONE = ("chat not found", "user not found", "peer_id_invalid", "chat_id is empty")


@dataclass(frozen=True)
class DeliveryConfig:
    """How the worker paces itself; `from_settings` reads the DELIVERY_* settings."""

    rate: float = 25.0
    paid_broadcast: bool = False
    concurrency: int = 0  # 0: from the rate
    batch: int = 0  # 0: about one second of sending
    lease_seconds: float = 15.0
    max_attempts: int = 8
    backoff_base: float = 1.0
    backoff_cap: float = 300.0
    send_timeout: float = 20.0
    flush_interval: float = 0.02  # outcomes wait at most this long to be written together
    poll_interval: float = 0.5
    maintenance_interval: float = 2.0
    shutdown_grace: float = 5.0

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> DeliveryConfig:
        values: dict[str, Any] = {
            "rate": settings.delivery_rate,
            "paid_broadcast": settings.paid_broadcast,
            "concurrency": settings.delivery_concurrency,
            "batch": settings.delivery_batch,
            "lease_seconds": settings.delivery_lease_seconds,
            "max_attempts": settings.delivery_max_attempts,
        }
        values.update(overrides)
        return cls(**values)

    @property
    def senders(self) -> int:
        """Sends in flight at once: enough for the rate with a ~250 ms round trip."""
        return self.concurrency or max(4, min(100, math.ceil(self.rate * 0.25)))

    @property
    def batch_size(self) -> int:
        """Rows claimed at once: about half a second of sending."""
        return self.batch or max(5, min(500, math.ceil(self.rate / 2)))

    @property
    def lease(self) -> timedelta:
        return timedelta(seconds=self.lease_seconds)

    def backoff(self, attempts: int) -> float:
        """Seconds before try number `attempts + 1`: doubling, capped, with some jitter."""
        delay = min(self.backoff_cap, self.backoff_base * 2.0 ** max(0, attempts - 1))
        return delay * random.uniform(0.8, 1.2)  # jitter, not cryptography


@dataclass
class WorkerStats:
    """Running counters of one worker (for logs, benchmarks and metrics)."""

    claimed: int = 0
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    retried: int = 0
    skipped: int = 0
    floods: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


@functools.cache
def _method_class(name: str) -> type[TelegramMethod[Any]]:
    cls = getattr(aiogram.methods, name[:1].upper() + name[1:], None)
    if name not in PAYLOAD_METHODS or cls is None:
        raise ValueError(f"unknown outbox method {name!r}")
    return cls  # type: ignore[no-any-return]


def build_method(chat_id: int, payload: dict[str, Any], *, paid: bool) -> TelegramMethod[Any]:
    """The aiogram method for an outbox payload; chat_id is the row's unless the payload has one.

    With `paid`, methods that accept it get `allow_paid_broadcast` (sends above 30/s).
    """
    cls = _method_class(str(payload.get("method")))
    params = {key: value for key, value in payload.items() if key != "method"}
    params.setdefault("chat_id", chat_id)
    if paid and "allow_paid_broadcast" in cls.model_fields:
        params["allow_paid_broadcast"] = True
    return cls.model_validate(params)


def _message_id(result: object) -> int | None:
    if isinstance(result, Message | MessageId):
        return result.message_id
    return None


def _short(error: BaseException) -> str:
    text = getattr(error, "message", None) or str(error) or type(error).__name__
    return str(text)[: store.ERROR_MAX]


class OutboxWorker:
    """Sends the outbox. `await worker.run(stop)` until `stop` is set, then drains and returns."""

    def __init__(
        self,
        *,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        config: DeliveryConfig,
        name: str | None = None,
    ) -> None:
        self.bot = bot
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.config = config
        # host:pid:random: lets a restarted process on the same machine recognise the rows a
        # dead predecessor held (see _dead_here) and take them over without waiting for leases.
        self.name = name or f"{_host()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.stats = WorkerStats()
        self._queue: asyncio.PriorityQueue[tuple[int, datetime, int, Claimed]] = (
            asyncio.PriorityQueue()
        )
        self._outcomes: list[Outcome] = []
        self._sending = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._flush_now = asyncio.Event()

    # -- running -----------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        log.info(
            "outbox worker %s: %.0f msg/s, %s senders, batches of %s, lease %.0f s",
            self.name,
            self.config.rate,
            self.config.senders,
            self.config.batch_size,
            self.config.lease_seconds,
        )
        _running_here.add(self.name)
        with contextlib.suppress(Exception):
            await self._maintain(at_start=True)
        senders = [
            asyncio.create_task(self._sender(), name=f"outbox-sender-{n}")
            for n in range(self.config.senders)
        ]
        recorder_stop = asyncio.Event()
        recorder = asyncio.create_task(self._recorder(recorder_stop), name="outbox-recorder")
        keeper = asyncio.create_task(self._keeper(), name="outbox-keeper")
        try:
            await self._claim_loop(stop)
        finally:
            await self._shut_down(senders, recorder, recorder_stop, keeper)
            _running_here.discard(self.name)

    async def _claim_loop(self, stop: asyncio.Event) -> None:
        batch = self.config.batch_size
        while not stop.is_set():
            queued = self._queue.qsize()
            if queued > batch // 2:
                await _wait(stop, 0.05)
                continue
            room = batch - queued
            try:
                claimed = await self._claim(room)
            except Exception as error:  # noqa: BLE001 - the database will be back; keep going
                log.warning("outbox claim failed (%s); retrying", type(error).__name__)
                await _wait(stop, self.config.poll_interval * 4)
                continue
            for row in claimed:
                self._queue.put_nowait((row.priority, row.not_before, row.id, row))
            if len(claimed) < room:
                await _wait(stop, self.config.poll_interval)

    async def _claim(self, limit: int) -> list[Claimed]:
        async with self.sessionmaker() as session, session.begin():
            claimed = await store.claim(
                session,
                worker=self.name,
                limit=limit,
                now=self.clock.now(),
                lease=self.config.lease,
            )
        self.stats.claimed += len(claimed)
        return claimed

    async def _sender(self) -> None:
        while True:
            *_, row = await self._queue.get()
            self._sending += 1
            self._idle.clear()
            try:
                send_priority.set(row.priority)
                outcome = await self._send(row)
                self._outcomes.append(outcome)
                self._count(row, outcome)
                self._flush_now.set()
            finally:
                self._sending -= 1
                if self._sending == 0:
                    self._idle.set()

    def _count(self, row: Claimed, outcome: Outcome) -> None:
        stats = self.stats
        if outcome.status == "sent":
            stats.sent += 1
            stats.by_kind[row.kind] = stats.by_kind.get(row.kind, 0) + 1
        elif outcome.status == "failed":
            stats.failed += 1
        elif outcome.status == "blocked":
            stats.blocked += 1
        else:
            stats.retried += 1

    async def _send(self, row: Claimed) -> Outcome:
        attempts = row.attempts + 1

        def outcome(status: str, **kwargs: Any) -> Outcome:
            kwargs.setdefault("not_before", row.not_before)
            kwargs.setdefault("attempts", attempts)
            return Outcome(row_id=row.id, chat_id=row.chat_id, status=status, **kwargs)

        try:
            method = build_method(row.chat_id, row.payload, paid=self.config.paid_broadcast)
        except (ValueError, ValidationError) as error:
            log.error("outbox row %s (%s) has a bad payload: %s", row.id, row.kind, error)
            return outcome("failed", error=f"bad payload: {type(error).__name__}")
        try:
            result = await self.bot(method, request_timeout=math.ceil(self.config.send_timeout))
        except TelegramRetryAfter as error:
            # The limiter already waited out several bans; give the row back for later.
            self.stats.floods += 1
            later = self.clock.now() + timedelta(seconds=error.retry_after)
            return outcome("pending", attempts=row.attempts, not_before=later, error=_short(error))
        except TelegramForbiddenError as error:
            return outcome("blocked", error=_short(error))
        except TelegramBadRequest as error:
            if any(part in error.message.lower() for part in _CHAT_GONE):
                return outcome("blocked", error=_short(error))
            log.warning("outbox row %s (%s) refused: %s", row.id, row.kind, error.message)
            return outcome("failed", error=_short(error))
        except (TelegramNotFound, TelegramEntityTooLarge) as error:
            log.warning("outbox row %s (%s) refused: %s", row.id, row.kind, error.message)
            return outcome("failed", error=_short(error))
        except (TelegramAPIError, OSError, TimeoutError) as error:
            # Network trouble, 5xx, a revoked token...: try again later, up to max_attempts.
            if attempts >= self.config.max_attempts:
                log.warning(
                    "outbox row %s (%s) failed %s times: %s",
                    row.id,
                    row.kind,
                    attempts,
                    _short(error),
                )
                return outcome("failed", error=_short(error))
            later = self.clock.now() + timedelta(seconds=self.config.backoff(attempts))
            return outcome("pending", not_before=later, error=_short(error))
        except Exception as error:
            log.exception("outbox row %s (%s): unexpected error while sending", row.id, row.kind)
            return outcome("failed", error=f"unexpected: {type(error).__name__}")
        return outcome("sent", message_id=_message_id(result))

    # -- recording and leases -------------------------------------------------------------------

    async def _recorder(self, stop: asyncio.Event) -> None:
        """Writes outcomes as soon as there are some, gathering what arrives within
        `flush_interval` into one transaction: a message sent is recorded within tens of
        milliseconds, which is what keeps the duplicates after a crash few."""
        while not stop.is_set():
            await self._flush_now.wait()
            self._flush_now.clear()
            if stop.is_set():
                break
            await asyncio.sleep(self.config.flush_interval)
            await self._flush()
        await self._flush()

    async def _flush(self) -> None:
        if not self._outcomes:
            return
        outcomes, self._outcomes = self._outcomes, []
        try:
            async with self.sessionmaker() as session, session.begin():
                await store.record(
                    session, worker=self.name, outcomes=outcomes, now=self.clock.now()
                )
        except Exception as error:  # noqa: BLE001 - keep them and write them next time
            log.warning(
                "could not record %s outbox outcomes (%s); retrying",
                len(outcomes),
                type(error).__name__,
            )
            self._outcomes[:0] = outcomes
            await asyncio.sleep(self.config.poll_interval)
            self._flush_now.set()

    async def _keeper(self) -> None:
        """Renews this worker's leases and takes over the rows of workers that died."""
        every = min(self.config.maintenance_interval, self.config.lease_seconds / 3)
        while True:
            await asyncio.sleep(every)
            try:
                await self._maintain()
            except Exception as error:  # noqa: BLE001 - tried again next time
                log.warning("outbox lease upkeep failed (%s)", type(error).__name__)

    async def _maintain(self, *, at_start: bool = False) -> None:
        async with self.sessionmaker() as session, session.begin():
            now = self.clock.now()
            dead: list[str] = []
            if at_start:
                dead = [n for n in await store.claimants(session) if _dead_here(n)]
            await store.renew_leases(session, worker=self.name, now=now, lease=self.config.lease)
            taken = await store.reclaim_expired(
                session, now=now, max_attempts=self.config.max_attempts, dead_workers=dead
            )
        if taken:
            log.warning("took over %s outbox rows whose worker stopped", taken)

    async def _shut_down(
        self,
        senders: list[asyncio.Task[None]],
        recorder: asyncio.Task[None],
        recorder_stop: asyncio.Event,
        keeper: asyncio.Task[None],
    ) -> None:
        unsent: list[int] = []
        while not self._queue.empty():
            unsent.append(self._queue.get_nowait()[-1].id)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), self.config.shutdown_grace)
        for task in senders:
            task.cancel()
        await asyncio.gather(*senders, return_exceptions=True)
        recorder_stop.set()
        self._flush_now.set()
        await asyncio.gather(recorder, return_exceptions=True)
        keeper.cancel()
        await asyncio.gather(keeper, return_exceptions=True)
        if unsent:
            try:
                async with self.sessionmaker() as session, session.begin():
                    released = await store.release(session, worker=self.name, ids=unsent)
                log.info("released %s outbox rows not sent before stopping", released)
            except Exception as error:  # noqa: BLE001 - their leases expire; others take them
                log.warning("could not release outbox rows (%s)", type(error).__name__)
        log.info(
            "outbox worker %s stopped: %s sent, %s failed, %s blocked",
            self.name,
            self.stats.sent,
            self.stats.failed,
            self.stats.blocked,
        )


def _host() -> str:
    return socket.gethostname()[:32].replace(":", "-")


# Workers running in this process (normally one); see _dead_here.
_running_here: set[str] = set()


def _dead_here(worker: str) -> bool:
    """Whether `worker` ran on this machine in a process that no longer exists. One with our own
    pid that is not running here was a predecessor that died (a pid is unique while alive, and a
    restarted container often gets the same pid and host name)."""
    host, _, rest = worker.partition(":")
    pid, _, _ = rest.partition(":")
    if host != _host() or not pid.isdigit() or worker in _running_here:
        return False
    if int(pid) == os.getpid():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # e.g. PermissionError: it exists, under another user
        return False
    return False


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
