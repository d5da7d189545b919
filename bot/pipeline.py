"""The way every update goes, polling or webhook: once each, acknowledged only when handled.

Decision on database outages: an update whose handling fails because the database does not
answer is *not acknowledged*. In webhook mode the server answers 503 and Telegram re-delivers it;
in polling mode the poller does not move its offset past it and asks again after a back-off, so
Telegram keeps it for us (even across a restart) until the database answers. The person is told
once that the answer is delayed. Updates handled meanwhile are recognised on re-delivery by the
ledger of processed update ids (see LedgerMiddleware) and not handled twice. An update that keeps
failing with a database error while the database answers a probe is a bug, not an outage: after
`max_poison_attempts` it is logged and dropped, so it cannot hold up everyone behind it.
"""

from __future__ import annotations

import enum
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import TelegramMethod
from aiogram.types import Update

from bot.handlers.errors import DatabaseUnavailable, is_database_outage
from bot.logs import update_context
from bot.middlewares.ledger import DUPLICATE, DuplicateUpdate

log = logging.getLogger(__name__)

DatabaseProbe = Callable[[], Awaitable[bool]]


class Outcome(enum.Enum):
    HANDLED = "handled"  # acknowledge
    DUPLICATE = "duplicate"  # acknowledge: handled before
    BUSY = "busy"  # the same update is being handled right now: ask for it again later
    RETRY = "retry"  # database unavailable: do not acknowledge

    @property
    def acknowledge(self) -> bool:
        return self in (Outcome.HANDLED, Outcome.DUPLICATE)


def sender_id(update: Update) -> int | None:
    event = update.event if update.event_type != "update" else None
    person = getattr(event, "from_user", None)
    return int(person.id) if person is not None else None


class UpdateIntake:
    """Feeds updates to the dispatcher and says whether each may be acknowledged.

    Answers that handlers *return* (a Bot API method such as `message.answer(...)` not awaited)
    are executed here, after the transaction committed.
    """

    def __init__(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        *,
        database_probe: DatabaseProbe,
        max_poison_attempts: int = 3,
        remember: int = 10_000,
    ) -> None:
        self._dispatcher = dispatcher
        self._bot = bot
        self._probe = database_probe
        self._max_poison_attempts = max_poison_attempts
        self._remember = remember
        self._recent: OrderedDict[int, None] = OrderedDict()
        self._in_flight: set[int] = set()
        self._notified: OrderedDict[int, None] = OrderedDict()
        self._poison_attempts: dict[int, int] = {}

    async def process(self, update: Update) -> Outcome:
        update_id = update.update_id
        if update_id in self._recent:
            return Outcome.DUPLICATE
        if update_id in self._in_flight:
            return Outcome.BUSY
        self._in_flight.add(update_id)
        try:
            with update_context(update_id, sender_id(update)):
                outcome = await self._feed(update)
        finally:
            self._in_flight.discard(update_id)
        if outcome.acknowledge:
            self._poison_attempts.pop(update_id, None)
            self._notified.pop(update_id, None)
            _remember(self._recent, update_id, self._remember)
        return outcome

    async def _feed(self, update: Update) -> Outcome:
        try:
            response = await self._dispatcher.feed_update(self._bot, update)
        except DuplicateUpdate:
            return Outcome.DUPLICATE
        except Exception as error:
            if isinstance(error, DatabaseUnavailable) or is_database_outage(error):
                return await self._defer(update, error)
            # The error handlers answer the person; reaching here means they failed too.
            log.exception("update %s could not be handled", update.update_id)
            return Outcome.HANDLED
        if response is DUPLICATE:
            return Outcome.DUPLICATE
        if isinstance(response, TelegramMethod):
            await self._answer(response)
        return Outcome.HANDLED

    async def _defer(self, update: Update, error: Exception) -> Outcome:
        update_id = update.update_id
        notice = error.notice if isinstance(error, DatabaseUnavailable) else None
        if notice is not None and update_id not in self._notified:
            _remember(self._notified, update_id, self._remember)
            await self._answer(notice)
        if not await self._probe():
            return Outcome.RETRY
        attempts = self._poison_attempts.get(update_id, 0) + 1
        self._poison_attempts[update_id] = attempts
        if attempts < self._max_poison_attempts:
            return Outcome.RETRY
        log.error(
            "update %s dropped after %s attempts: it fails with a database error while the "
            "database answers",
            update_id,
            attempts,
        )
        return Outcome.HANDLED

    async def _answer(self, method: TelegramMethod[Any]) -> None:
        try:
            await self._bot(method)
        except TelegramAPIError as error:
            log.warning("answer %s failed: %s", type(method).__name__, error)


def _remember(memory: OrderedDict[int, None], update_id: int, limit: int) -> None:
    memory[update_id] = None
    memory.move_to_end(update_id)
    while len(memory) > limit:
        memory.popitem(last=False)
