"""Where conversation state (aiogram FSM) lives: Redis when configured, else the database."""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, cast

from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseEventIsolation,
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from redis.asyncio import Redis
from redis.exceptions import LockNotOwnedError
from sqlalchemy import Table, bindparam, delete, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.db.models import FsmRecord
from bot.db.session import current_session

log = logging.getLogger(__name__)


def fsm_key_builder(prefix: str = "fsm") -> KeyBuilder:
    # Every part of the key, so that two bots or two destinies never share a record.
    return DefaultKeyBuilder(
        prefix=prefix, with_bot_id=True, with_business_connection_id=True, with_destiny=True
    )


_CACHE = "fsm_records"  # session.info key: record key -> (state, data) read or written

# Statements built once: SQLAlchemy then finds their compiled form without walking them again.
_SELECT_RECORD = select(FsmRecord.state, FsmRecord.data).where(
    FsmRecord.key == bindparam("record_key")
)


@functools.cache
def _upsert(dialect: str, fields: frozenset[str]) -> Any:
    """INSERT ... ON CONFLICT DO UPDATE of `fields` (and the time), for one dialect."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = cast(Table, FsmRecord.__table__)
    statement = insert(table)
    changed = {name: statement.excluded[name] for name in sorted(fields)}
    return statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={**changed, "updated_at": statement.excluded.updated_at},
    )


def _cache(session: AsyncSession) -> dict[str, tuple[str | None, dict[str, Any]]]:
    cache: dict[str, tuple[str | None, dict[str, Any]]] | None = session.info.get(_CACHE)
    if cache is None:
        cache = session.info[_CACHE] = {}

        @event.listens_for(session.sync_session, "after_soft_rollback")
        def _forget(*_: Any) -> None:
            cache.clear()

    return cache


class DatabaseStorage(BaseStorage):
    """FSM state and data in the `fsm_records` table, one row per StorageKey.

    Inside an update it works in the update's own session (see bot.db.session), so a state change
    commits or rolls back with the rest of the update; a record is read once per update and kept
    in the session (handlers ask for the state data several times). Outside updates it opens a
    short session.
    """

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        key_builder: KeyBuilder | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._clock = clock
        self._key_builder = key_builder or fsm_key_builder()

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        session = current_session.get()
        if session is not None:
            yield session
            return
        async with self._sessionmaker() as session, session.begin():
            yield session

    def _key(self, key: StorageKey) -> str:
        return self._key_builder.build(key)

    async def _record(
        self, session: AsyncSession, record_key: str
    ) -> tuple[str | None, dict[str, Any]] | None:
        """(state, data) of a record in the update's session; None if the database has none."""
        cache = _cache(session)
        if record_key in cache:
            return cache[record_key]
        row = (await session.execute(_SELECT_RECORD, {"record_key": record_key})).one_or_none()
        if row is None:
            cache[record_key] = (None, {})  # known to be absent for the rest of the update
            return None
        found = cache[record_key] = (row.state, dict(row.data or {}))
        return found

    async def _read(self, key: StorageKey) -> tuple[str | None, dict[str, Any]]:
        record_key = self._key(key)
        async with self._session() as session:
            found = await self._record(session, record_key)
        return found if found is not None else (None, {})

    async def _write(self, key: StorageKey, **values: Any) -> None:
        """Set `state` and/or `data` of a record; a record left with neither is deleted."""
        record_key = self._key(key)
        async with self._session() as session:
            current = await self._record(session, record_key)
            merged: dict[str, Any] = {"state": None, "data": {}}
            if current is not None:
                merged = {"state": current[0], "data": current[1]}
            merged.update(values)
            cache = _cache(session)
            if merged["state"] is None and not merged["data"]:
                cache[record_key] = (None, {})
                if current is not None:
                    await session.execute(delete(FsmRecord).where(FsmRecord.key == record_key))
                return
            cache[record_key] = (merged["state"], dict(merged["data"]))
            statement = _upsert(session.get_bind().dialect.name, frozenset(values))
            await session.execute(
                statement, {"key": record_key, "updated_at": self._clock.now(), **merged}
            )

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        await self._write(key, state=state.state if isinstance(state, State) else state)

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._read(key))[0]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            msg = f"Data must be a dict or dict-like object, got {type(data).__name__}"
            raise DataNotDictLikeError(msg)
        await self._write(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        return dict((await self._read(key))[1])

    async def close(self) -> None:
        # The engine belongs to the composition root, which disposes of it.
        return None


class PersonLock(RedisEventIsolation):
    """aiogram's Redis lock per person (shared by every process), with an expiry: the lock of a
    process killed while handling an update frees itself after `timeout` seconds instead of
    holding that person up. An update that outlived its lock is logged, not failed: its effects
    are committed by then (the lock covers the commit, see bot.middlewares.fsm)."""

    def __init__(self, redis: Redis, key_builder: KeyBuilder, *, timeout: float) -> None:
        # Waiters poll every 20 ms (redis-py's default is 100 ms, added to every wait).
        super().__init__(redis, key_builder, lock_kwargs={"timeout": timeout, "sleep": 0.02})

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        try:
            async with super().lock(key):
                yield None
        except LockNotOwnedError:
            log.warning("an update outlived its person lock (%s s)", self.lock_kwargs["timeout"])


@dataclass(frozen=True)
class FsmBackend:
    storage: BaseStorage
    isolation: BaseEventIsolation


def create_fsm_backend(
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: Clock,
    redis: Redis | None = None,
    redis_prefix: str = "fairbot",
    lock_seconds: float = 30.0,
) -> FsmBackend:
    """Redis storage + Redis locks (shared by all processes) when `redis` is given; else the
    database storage + in-process locks (one process). A Redis lock expires after
    `lock_seconds` (a process that died holding it)."""
    if redis is not None:
        key_builder = fsm_key_builder(f"{redis_prefix}:fsm")
        storage = RedisStorage(redis, key_builder=key_builder)
        isolation = PersonLock(redis, key_builder, timeout=lock_seconds)
        return FsmBackend(storage=storage, isolation=isolation)
    return FsmBackend(
        storage=DatabaseStorage(sessionmaker, clock), isolation=SimpleEventIsolation()
    )
