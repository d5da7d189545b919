"""Where conversation state (aiogram FSM) lives: Redis when configured, else the database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

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
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import Redis
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.db.models import FsmRecord
from bot.db.session import current_session


def fsm_key_builder(prefix: str = "fsm") -> KeyBuilder:
    # Every part of the key, so that two bots or two destinies never share a record.
    return DefaultKeyBuilder(
        prefix=prefix, with_bot_id=True, with_business_connection_id=True, with_destiny=True
    )


class DatabaseStorage(BaseStorage):
    """FSM state and data in the `fsm_records` table, one row per StorageKey.

    Inside an update it works in the update's own session (see bot.db.session), so a state change
    commits or rolls back with the rest of the update. Outside updates it opens a short session.
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

    async def _write(self, key: StorageKey, **values: Any) -> None:
        """Set `state` and/or `data` of a record; a record left with neither is deleted."""
        record_key = self._key(key)
        async with self._session() as session:
            current = (
                await session.execute(
                    select(FsmRecord.state, FsmRecord.data).where(FsmRecord.key == record_key)
                )
            ).one_or_none()
            merged: dict[str, Any] = {"state": None, "data": {}}
            if current is not None:
                merged = {"state": current.state, "data": current.data or {}}
            merged.update(values)
            if merged["state"] is None and not merged["data"]:
                if current is not None:
                    await session.execute(delete(FsmRecord).where(FsmRecord.key == record_key))
                return
            dialect = session.get_bind().dialect.name
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            statement = insert(FsmRecord).values(
                key=record_key, updated_at=self._clock.now(), **merged
            )
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=[FsmRecord.key],
                    set_={**values, "updated_at": statement.excluded.updated_at},
                )
            )

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        await self._write(key, state=state.state if isinstance(state, State) else state)

    async def get_state(self, key: StorageKey) -> str | None:
        async with self._session() as session:
            state: str | None = await session.scalar(
                select(FsmRecord.state).where(FsmRecord.key == self._key(key))
            )
            return state

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, dict):
            msg = f"Data must be a dict or dict-like object, got {type(data).__name__}"
            raise DataNotDictLikeError(msg)
        await self._write(key, data=dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        async with self._session() as session:
            data = await session.scalar(
                select(FsmRecord.data).where(FsmRecord.key == self._key(key))
            )
            return dict(data) if data else {}

    async def close(self) -> None:
        # The engine belongs to the composition root, which disposes of it.
        return None


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
) -> FsmBackend:
    """Redis storage + Redis locks (shared by all processes) when `redis` is given; else the
    database storage + in-process locks (one process)."""
    if redis is not None:
        storage = RedisStorage(redis, key_builder=fsm_key_builder(f"{redis_prefix}:fsm"))
        return FsmBackend(storage=storage, isolation=storage.create_isolation())
    return FsmBackend(
        storage=DatabaseStorage(sessionmaker, clock), isolation=SimpleEventIsolation()
    )
