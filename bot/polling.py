"""Long polling that confirms an update to Telegram only once it was handled."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from aiogram import Bot
from aiogram.types import Update

from bot.pipeline import Outcome, UpdateIntake

log = logging.getLogger(__name__)


class Poller:
    """Fetches updates in batches and handles a batch concurrently (one person's updates stay in
    order: the FSM event isolation serialises them). The offset moves past a batch only when all
    of it may be acknowledged; an update to retry keeps the offset at it, so Telegram hands it
    (and the ones after it, which the ledger then skips) back on the next call.

    Unlike aiogram's `start_polling`, nothing is confirmed before it is handled, so a crash or a
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

    async def run(self, stop: asyncio.Event) -> None:
        backoff = 0.0
        stopping = asyncio.create_task(stop.wait())
        try:
            while not stop.is_set():
                updates = await self._fetch(stopping)
                if updates is None:  # stop requested or fetching failed
                    backoff = _next_backoff(backoff, self._max_backoff)
                    await _sleep_unless(stop, backoff)
                    continue
                if not updates:
                    continue
                if await self._handle_batch(updates, stopping):
                    backoff = 0.0
                else:
                    backoff = _next_backoff(backoff, self._max_backoff)
                    log.warning("retrying from update %s in %.1f s", self.offset, backoff)
                    await _sleep_unless(stop, backoff)
        finally:
            stopping.cancel()
            await self._confirm()

    async def _fetch(self, stopping: asyncio.Task[bool]) -> list[Update] | None:
        fetch = asyncio.create_task(
            self._bot.get_updates(
                offset=self.offset,
                timeout=self._polling_timeout,
                allowed_updates=self._allowed_updates,
            )
        )
        await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if not fetch.done():
            fetch.cancel()
            await asyncio.gather(fetch, return_exceptions=True)
            return None
        try:
            return fetch.result()
        except Exception as error:  # noqa: BLE001 - any failure to reach Telegram: back off, retry
            log.warning("getUpdates failed: %s: %s", type(error).__name__, error)
            return None

    async def _handle_batch(self, updates: list[Update], stopping: asyncio.Task[bool]) -> bool:
        batch: asyncio.Future[list[Outcome]] = asyncio.gather(
            *(self._intake.process(update) for update in updates)
        )
        watched: set[asyncio.Future[Any]] = {batch, stopping}
        await asyncio.wait(watched, return_when=asyncio.FIRST_COMPLETED)
        if not batch.done():
            # Shutting down: give the batch a bounded time, then leave it unconfirmed.
            done, _ = await asyncio.wait({batch}, timeout=self._shutdown_grace)
            if not done:
                batch.cancel()
                await asyncio.gather(batch, return_exceptions=True)
                log.warning("shutdown: %s updates left unconfirmed", len(updates))
                return False
        outcomes: list[Outcome] = batch.result()
        pending = [u.update_id for u, o in zip(updates, outcomes, strict=True) if not o.acknowledge]
        if pending:
            self.offset = min(pending)
            return False
        self.offset = updates[-1].update_id + 1
        return True

    async def _confirm(self) -> None:
        """Tell Telegram what was handled, so a restart does not fetch it again."""
        if self.offset is None:
            return
        try:
            await self._bot.get_updates(offset=self.offset, timeout=0, limit=1)
        except Exception as error:  # noqa: BLE001 - best effort; the ledger covers a miss
            log.warning("could not confirm updates before %s: %s", self.offset, error)


def _next_backoff(current: float, ceiling: float) -> float:
    return min(ceiling, max(1.0, current * 2))


async def _sleep_unless(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        return
