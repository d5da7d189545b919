"""Where conversation state (aiogram FSM) lives: Redis when configured, else the database."""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
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
from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.db.models import FsmRecord
from bot.db.session import current_session

log = logging.getLogger(__name__)


def fsm_key_builder(prefix: str = "fsm") -> KeyBuilder:
    # Every part of the key, so that two bots or two destinies never share a record.
    return DefaultKeyBuilder(
        prefix=prefix, with_bot_id=True, with_business_connection_id=True, with_destiny=True
    )


_CACHE = "fsm_records"  # session.info key: the session's FsmRecords (below)

# Statements built once: SQLAlchemy then finds their compiled form without walking them again.
_SELECT_RECORD = select(FsmRecord.state, FsmRecord.data).where(
    FsmRecord.key == bindparam("record_key")
)
_DELETE_RECORD = delete(FsmRecord).where(FsmRecord.key == bindparam("record_key"))

Record = tuple[str | None, dict[str, Any]]  # (state, data); (None, {}) is "no record"
NO_RECORD: Record = (None, {})


@functools.cache
def _upsert(dialect: str) -> Any:
    """INSERT ... ON CONFLICT DO UPDATE of state, data and the time, for one dialect."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = cast(Table, FsmRecord.__table__)
    statement = insert(table)
    return statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={name: statement.excluded[name] for name in ("state", "data", "updated_at")},
    )


class FsmRecords:
    """The FSM records one session has read and written.

    A record is read once per session; writes change only `current` and are written to the
    database once, just before the transaction commits (SQLAlchemy's `before_commit`, which runs
    inside the commit: the write commits or rolls back with the rest of the update). Handlers
    often set the state and then the data, or write what was already there: one statement at the
    most per record and update, none when nothing changed.
    """

    def __init__(self, session: AsyncSession, now: Callable[[], datetime]) -> None:
        self.current: dict[str, Record] = {}
        self.stored: dict[str, Record] = {}  # as the database has it
        self._now = now
        sync_session = session.sync_session
        event.listen(sync_session, "before_commit", self._write_changes)
        event.listen(sync_session, "after_soft_rollback", self._forget)

    def _forget(self, *_: Any) -> None:
        self.current.clear()
        self.stored.clear()

    def _write_changes(self, sync_session: Session) -> None:
        changed = [key for key, record in self.current.items() if record != self.stored[key]]
        if not changed:
            return
        upsert = _upsert(sync_session.get_bind().dialect.name)
        for key in changed:
            state, data = record = self.current[key]
            if record == NO_RECORD:
                sync_session.execute(_DELETE_RECORD, {"record_key": key})
            else:
                values = {"key": key, "state": state, "data": data, "updated_at": self._now()}
                sync_session.execute(upsert, values)
            self.stored[key] = (state, dict(data))


def _records(session: AsyncSession, clock: Clock) -> FsmRecords:
    records: FsmRecords | None = session.info.get(_CACHE)
    if records is None:
        records = session.info[_CACHE] = FsmRecords(session, clock.now)
    return records


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

    async def _record(self, session: AsyncSession, record_key: str) -> Record:
        """(state, data) of a record as this session sees it; NO_RECORD if there is none."""
        records = _records(session, self._clock)
        found = records.current.get(record_key)
        if found is not None:
            return found
        row = (await session.execute(_SELECT_RECORD, {"record_key": record_key})).one_or_none()
        found = NO_RECORD if row is None else (row.state, dict(row.data or {}))
        records.stored[record_key] = found
        records.current[record_key] = (found[0], dict(found[1]))
        return found

    async def _read(self, key: StorageKey) -> Record:
        async with self._session() as session:
            return await self._record(session, self._key(key))

    async def _write(self, key: StorageKey, **values: Any) -> None:
        """Set `state` and/or `data` of a record (written at commit; a record left with
        neither is deleted)."""
        record_key = self._key(key)
        async with self._session() as session:
            state, data = await self._record(session, record_key)
            state = values.get("state", state)
            data = dict(values.get("data", data))
            records = _records(session, self._clock)
            records.current[record_key] = NO_RECORD if state is None and not data else (state, data)

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
