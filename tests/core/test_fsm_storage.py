"""One contract for both FSM storages (database and Redis); state survives a restart."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram.exceptions import DataNotDictLikeError
from aiogram.fsm.state import State, StatesGroup
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.fsm.storage.memory import SimpleEventIsolation
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from redis.asyncio import Redis
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.db.session import current_session
from bot.fsm_storage import DatabaseStorage, create_fsm_backend


class Onboarding(StatesGroup):
    language = State()
    interests = State()


KEY = StorageKey(bot_id=42, chat_id=1001, user_id=1001)
OTHER = StorageKey(bot_id=42, chat_id=1002, user_id=1002)


@pytest.fixture(params=["database", pytest.param("redis", marks=pytest.mark.redis)])
async def storage(
    request: pytest.FixtureRequest,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> AsyncIterator[BaseStorage]:
    if request.param == "database":
        yield create_fsm_backend(sessionmaker=sessionmaker, clock=clock).storage
        return
    redis_url: str = request.getfixturevalue("redis_url")
    prefix: str = request.getfixturevalue("redis_prefix")
    backend = create_fsm_backend(
        sessionmaker=sessionmaker, clock=clock, redis=Redis.from_url(redis_url), redis_prefix=prefix
    )
    assert isinstance(backend.storage, RedisStorage)
    assert isinstance(backend.isolation, RedisEventIsolation)
    yield backend.storage
    await backend.storage.close()


async def test_empty_key(storage: BaseStorage) -> None:
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}
    assert await storage.get_value(KEY, "x", "default") == "default"


async def test_state_round_trip(storage: BaseStorage) -> None:
    await storage.set_state(KEY, Onboarding.interests)
    assert await storage.get_state(KEY) == "Onboarding:interests"
    await storage.set_state(KEY, "Onboarding:language")
    assert await storage.get_state(KEY) == "Onboarding:language"
    assert await storage.get_state(OTHER) is None
    await storage.set_state(KEY, None)
    assert await storage.get_state(KEY) is None


async def test_data_round_trip(storage: BaseStorage) -> None:
    data = {"language": "kk", "interests": ["satellites", "ракеты"], "step": 2, "ok": True}
    await storage.set_data(KEY, data)
    assert await storage.get_data(KEY) == data
    assert await storage.update_data(KEY, {"step": 3}) == {**data, "step": 3}
    assert await storage.get_value(KEY, "step") == 3
    returned = await storage.get_data(KEY)
    returned["step"] = 99  # a copy: changing it changes nothing stored
    assert await storage.get_value(KEY, "step") == 3
    await storage.set_data(KEY, {})
    assert await storage.get_data(KEY) == {}


async def test_state_and_data_are_independent(storage: BaseStorage) -> None:
    await storage.set_state(KEY, Onboarding.language)
    await storage.set_data(KEY, {"language": "ru"})
    await storage.set_state(KEY, None)
    assert await storage.get_data(KEY) == {"language": "ru"}
    await storage.set_state(KEY, Onboarding.interests)
    await storage.set_data(KEY, {})
    assert await storage.get_state(KEY) == "Onboarding:interests"


async def test_destinies_and_threads_are_separate(storage: BaseStorage) -> None:
    await storage.set_state(KEY, Onboarding.language)
    other_destiny = StorageKey(bot_id=42, chat_id=1001, user_id=1001, destiny="profile")
    in_thread = StorageKey(bot_id=42, chat_id=1001, user_id=1001, thread_id=5)
    assert await storage.get_state(other_destiny) is None
    assert await storage.get_state(in_thread) is None


async def test_data_must_be_a_dict(storage: BaseStorage) -> None:
    with pytest.raises(DataNotDictLikeError):
        await storage.set_data(KEY, [("a", 1)])  # type: ignore[arg-type]


async def test_database_state_survives_a_restart(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    before = DatabaseStorage(sessionmaker, clock)
    await before.set_state(KEY, Onboarding.interests)
    await before.set_data(KEY, {"language": "kk"})
    await before.close()
    after = create_fsm_backend(sessionmaker=sessionmaker, clock=clock)
    assert isinstance(after.isolation, SimpleEventIsolation)
    assert await after.storage.get_state(KEY) == "Onboarding:interests"
    assert await after.storage.get_data(KEY) == {"language": "kk"}


async def test_database_storage_joins_the_update_transaction(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    storage = DatabaseStorage(sessionmaker, clock)
    async with sessionmaker() as session:
        token = current_session.set(session)
        try:
            await storage.set_state(KEY, Onboarding.language)
            assert await storage.get_state(KEY) == "Onboarding:language"
            await session.rollback()
        finally:
            current_session.reset(token)
    assert await storage.get_state(KEY) is None


async def test_database_storage_reads_once_per_update_and_forgets_on_rollback(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    storage = DatabaseStorage(sessionmaker, clock)
    await storage.set_data(KEY, {"step": 1})
    statements: list[str] = []
    async with sessionmaker() as session:
        engine = session.bind
        assert engine is not None

        def record(*args: object) -> None:
            statements.append(str(args[2]))

        event.listen(engine.sync_engine, "before_cursor_execute", record)
        token = current_session.set(session)
        try:
            assert await storage.get_data(KEY) == {"step": 1}
            assert await storage.get_state(KEY) is None
            await storage.update_data(KEY, {"step": 2})
            assert await storage.get_data(KEY) == {"step": 2}
            reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
            assert len(reads) == 1  # one read of the record for the whole update
            await session.rollback()
            assert await storage.get_data(KEY) == {"step": 1}  # not the rolled-back value
        finally:
            current_session.reset(token)
            event.remove(engine.sync_engine, "before_cursor_execute", record)


async def test_database_storage_writes_a_record_once_per_update_and_only_if_it_changed(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    storage = DatabaseStorage(sessionmaker, clock)
    writes: list[str] = []

    def record(*args: object) -> None:
        statement = str(args[2]).lstrip().upper()
        if statement.startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append(statement.split()[0])

    async def update(*steps: tuple[str, object]) -> list[str]:
        writes.clear()
        async with sessionmaker() as session:
            token = current_session.set(session)
            try:
                for name, value in steps:
                    if name == "state":
                        await storage.set_state(KEY, value)  # type: ignore[arg-type]
                    elif name == "clear":
                        await storage.set_state(KEY, None)
                        await storage.set_data(KEY, {})
                    else:
                        await storage.update_data(KEY, value)  # type: ignore[arg-type]
                await session.commit()
            finally:
                current_session.reset(token)
        return list(writes)

    engine = sessionmaker.kw["bind"]
    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        # state, then data, then the state again: one statement at the commit
        steps = [("state", Onboarding.language), ("data", {"lang": "kk"})]
        assert await update(*steps, ("state", Onboarding.interests)) == ["INSERT"]
        assert await storage.get_state(KEY) == "Onboarding:interests"
        assert await storage.get_data(KEY) == {"lang": "kk"}
        # what is already there: nothing written
        assert await update(("state", Onboarding.interests), ("data", {"lang": "kk"})) == []
        # a change and its undoing within one update: nothing written either
        steps = [("state", Onboarding.language), ("state", Onboarding.interests)]
        assert await update(*steps) == []
        # no state, the data kept: the row stays, changed
        assert await update(("state", None)) == ["INSERT"]
        assert await storage.get_data(KEY) == {"lang": "kk"}
        # cleared: the row goes, once
        assert await update(("clear", None)) == ["DELETE"]
        assert await update(("clear", None)) == []
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
    assert await storage.get_state(KEY) is None
    assert await storage.get_data(KEY) == {}
