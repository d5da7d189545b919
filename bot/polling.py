"""Long polling that confirms an update to Telegram only once it was handled."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Iterable, Sequence
from typing import Any, cast

from aiogram import Bot
from aiogram.methods import GetUpdates
from aiogram.types import Update

from bot.pipeline import Outcome, UpdateIntake, sender_id

log = logging.getLogger(__name__)

REFETCH_PER_UPDATE = 0.002
"""Seconds between getUpdates calls per update still being handled. Telegram hands back every
update not yet confirmed, so each call re-sends the ones in flight (decoded as JSON, not parsed
into models again) and costs a request; spacing calls by this much keeps that to a few per cent
of the work. An update arriving while others run waits REFETCH_MIN or so to be fetched."""
REFETCH_MIN = 0.02
REFETCH_MAX = 1.0


class _GetUpdatesUnparsed(GetUpdates):
    """getUpdates, the updates left as JSON objects: while some run, every call hands them back
    again, and only the new ones are worth turning into `Update` models."""

    __returning__ = list[dict[str, Any]]


class Poller:
    """Fetches updates and handles them as they come: several at once, one person's in order.

    getUpdates confirms every update below its `offset`, so the offset only moves up to the
    first update not yet handled (or to retry). While updates are being handled, the poller
    keeps asking for more with that offset: Telegram answers with the updates in flight (they
    are skipped) and the new ones, which start at once instead of waiting for the slowest
    update of a batch. One person's updates run one after another in the order Telegram
    numbered them; when one of them is to be retried (the database does not answer), the ones
    after it are retried too, in order.

    An update to retry keeps the offset at it, so Telegram hands it (and the ones after it,
    which were handled and are skipped) back on the next call, after a back-off. Unlike
    aiogram's `start_polling`, nothing is confirmed before it is handled, so a crash or a
    database outage loses no update.
    """

    def __init__(
        self,
        bot: Bot,
        intake: UpdateIntake,
        *,
        allowed_updates: Sequence[str] | None = None,
        polling_timeout: int = 25,
        max_backoff: float = 30.0,
        shutdown_grace: float = 8.0,
    ) -> None:
        self._bot = bot
        self._intake = intake
        self._allowed_updates = list(allowed_updates) if allowed_updates is not None else None
        self._polling_timeout = polling_timeout
        self._max_backoff = max_backoff
        self._shutdown_grace = shutdown_grace
        self.offset: int | None = None
        self._running: dict[int, asyncio.Task[Outcome]] = {}
        self._finished: set[int] = set()  # handled, at or above the offset
        self._failed: set[int] = set()  # to retry: the offset stays at or below them
        self._last_of: dict[int, asyncio.Task[Outcome]] = {}  # person -> their latest update
        self._settled = asyncio.Event()  # set whenever an update finished
        self._retry_due = False  # an update failed since the last back-off

    async def run(self, stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        backoff = 0.0
        fruitless = 0  # fetches in a row that brought nothing new while updates ran
        stopping = asyncio.create_task(stop.wait())
        try:
            while not stop.is_set():
                if self._retry_due:
                    self._retry_due = False
                    backoff = _next_backoff(backoff, self._max_backoff)
                    log.warning("retrying from update %s in %.1f s", self.offset, backoff)
                    await _sleep_unless(stop, backoff)
                    continue  # the next fetch hands the failed updates back: they start again
                if self._running:
                    await self._pace(stop, fruitless, loop.time())
                    if stop.is_set():
                        break
                updates = await self._fetch(stopping, wait=not self._running)
                if updates is None:  # stop requested or fetching failed
                    backoff = _next_backoff(backoff, self._max_backoff)
                    await _sleep_unless(stop, backoff)
                    continue
                if self._start(updates):
                    fruitless = 0
                elif self._running:
                    fruitless += 1
                if not self._running and not self._failed:
                    backoff = 0.0
        finally:
            stopping.cancel()
            await self._drain()
            await self._confirm()

    async def handle(self, updates: Iterable[Update]) -> bool:
        """Handle `updates` now and wait for them; True if all of them may be acknowledged."""
        self._start(list(updates))
        while self._running:
            await asyncio.wait(list(self._running.values()))
        self._retry_due = False
        return not self._failed

    # -- fetching ---------------------------------------------------------------------------

    async def _pace(self, stop: asyncio.Event, fruitless: int, since: float) -> None:
        """Wait before asking again while updates run: longer the more are in flight and the
        more often asking brought nothing; at once when the last one finished."""
        interval = max(REFETCH_MIN, len(self._running) * REFETCH_PER_UPDATE)
        interval = min(REFETCH_MAX, interval * 2 ** min(fruitless, 10))
        loop = asyncio.get_running_loop()
        while self._running and not stop.is_set() and not self._retry_due:
            left = since + interval - loop.time()
            if left <= 0:
                return
            self._settled.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._settled.wait(), left)

    async def _fetch(self, stopping: asyncio.Task[bool], *, wait: bool) -> list[Update] | None:
        fetch = asyncio.create_task(
            self._bot(
                _GetUpdatesUnparsed(
                    offset=self.offset,
                    timeout=self._polling_timeout if wait else 0,
                    allowed_updates=self._allowed_updates,
                )
            )
        )
        await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not fetch.done():
            fetch.cancel()
            await asyncio.gather(fetch, return_exceptions=True)
            return None
        try:
            items = cast(list[dict[str, Any]], fetch.result())
        except Exception as error:  # noqa: BLE001 - any failure to reach Telegram: back off, retry
            log.warning("getUpdates failed: %s: %s", type(error).__name__, error)
            return None
        known = self._running.keys() | self._finished
        return [
            Update.model_validate(item, context={"bot": self._bot})
            for item in items
            if item.get("update_id") not in known
        ]

    # -- handling ---------------------------------------------------------------------------

    def _start(self, updates: list[Update]) -> int:
        """Start the updates not yet running or handled; how many were started."""
        started = 0
        for update in updates:
            update_id = update.update_id
            if update_id in self._running or update_id in self._finished:
                continue
            if self.offset is not None and update_id < self.offset:
                continue  # confirmed already (cannot happen with Telegram; cheap to be sure)
            self._failed.discard(update_id)
            person = sender_id(update)
            before = self._last_of.get(person) if person is not None else None
            task = asyncio.create_task(self._process(update, before))
            self._running[update_id] = task
            if person is not None:
                self._last_of[person] = task
            task.add_done_callback(functools.partial(self._done, update_id, person))
            started += 1
        return started

    async def _process(self, update: Update, before: asyncio.Task[Outcome] | None) -> Outcome:
        if before is not None and not before.done():
            await asyncio.wait({before})
        if before is not None and (before.cancelled() or not _acknowledged(before)):
            return Outcome.RETRY  # keep the person's order: after the earlier one, again
        return await self._intake.process(update)

    def _done(self, update_id: int, person: int | None, task: asyncio.Task[Outcome]) -> None:
        self._running.pop(update_id, None)
        if person is not None and self._last_of.get(person) is task:
            del self._last_of[person]
        if _acknowledged(task):
            self._finished.add(update_id)
        else:
            self._failed.add(update_id)
            self._retry_due = True
        self._advance()
        self._settled.set()

    def _advance(self) -> None:
        """Move the offset up to the first update not handled yet."""
        blocking = self._running.keys() | self._failed
        if blocking:
            offset = min(blocking)
        elif self._finished:
            offset = max(self._finished) + 1
        else:
            return
        if self.offset is None or offset > self.offset:
            self.offset = offset
            self._finished = {u for u in self._finished if u >= offset}

    async def _drain(self) -> None:
        """Shutting down: give what runs a bounded time, then leave it unconfirmed."""
        if not self._running:
            return
        tasks = list(self._running.values())
        _, pending = await asyncio.wait(tasks, timeout=self._shutdown_grace)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)
            log.warning("shutdown: %s updates left unconfirmed", len(pending))

    async def _confirm(self) -> None:
        """Tell Telegram what was handled, so a restart does not fetch it again."""
        if self.offset is None:
            return
        try:
            await self._bot.get_updates(offset=self.offset, timeout=0, limit=1)
        except Exception as error:  # noqa: BLE001 - best effort; the ledger covers a miss
            log.warning("could not confirm updates before %s: %s", self.offset, error)


def _acknowledged(task: asyncio.Task[Outcome]) -> bool:
    if task.cancelled() or task.exception() is not None:
        return False
    return task.result().acknowledge


def _next_backoff(current: float, ceiling: float) -> float:
    return min(ceiling, max(1.0, current * 2))


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        return
