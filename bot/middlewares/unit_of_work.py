"""One database transaction per update: opened before the handlers, committed after them; then
the work a handler left for after the commit."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.session import current_session

log = logging.getLogger(__name__)


class AfterCommit:
    """Work to run once the update's transaction committed, in the order it was added, and only
    then: work that needs a transaction of its own (the reminder scheduler re-planning after a
    reload) must not start inside the update's one. On SQLite the update holds the only
    connection and the write lock until it commits, so such work would wait for it -- and it
    for the work -- until the pool gives up (30 s). Nothing runs when the update rolls back."""

    __slots__ = ("_calls",)

    def __init__(self) -> None:
        self._calls: list[Callable[[], Awaitable[object]]] = []

    def add(self, call: Callable[[], Awaitable[object]]) -> None:
        self._calls.append(call)

    def __len__(self) -> int:
        return len(self._calls)

    def discard(self) -> None:
        self._calls = []

    async def run(self) -> None:
        """Run every call; one that fails is logged and the rest still run (the update's own
        effects are committed: failing it now would only get it re-delivered as a duplicate)."""
        calls, self._calls = self._calls, []
        for call in calls:
            try:
                await call()
            except Exception:
                log.exception("work after the commit failed")


class UnitOfWorkMiddleware(BaseMiddleware):
    """Puts an `AsyncSession` in `data["session"]`; commits when the handler returns, rolls back
    when it raises. Repositories and services only add and flush; they never commit.

    Also puts an `AfterCommit` in `data["after_commit"]`: what handlers add to it runs after the
    commit, once the session is closed (its connection back in the pool), before the replies."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        after_commit = AfterCommit()
        data["after_commit"] = after_commit
        try:
            async with self._sessionmaker() as session:
                token = current_session.set(session)
                data["session"] = session
                try:
                    result = await handler(event, data)
                    await session.commit()
                except BaseException:
                    after_commit.discard()
                    await session.rollback()
                    raise
                finally:
                    current_session.reset(token)
                    data.pop("session", None)
            await after_commit.run()
        finally:
            data.pop("after_commit", None)
        return result
