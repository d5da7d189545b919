"""Migrations build the schema from empty, tear it down, build it again, and match the models."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.db.engine import create_engine, create_sessionmaker
from bot.db.migrate import current_revision, downgrade, head_revision, upgrade
from bot.db.models import Base, User
from tests.conftest import PostgresDatabases


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'var' / 'empty.sqlite3'}"
        return
    databases: PostgresDatabases = request.getfixturevalue("postgres")
    name, url = await databases.fresh(migrated=False)
    yield url
    await databases.drop(name)


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    finally:
        await engine.dispose()
    return set(names) - {"alembic_version"}


async def test_upgrade_downgrade_upgrade(empty_database_url: str) -> None:
    url = empty_database_url
    assert await current_revision(url) is None
    await upgrade(url)
    assert await current_revision(url) == head_revision()
    assert await _tables(url) == set(Base.metadata.tables)
    await downgrade(url, "base")
    assert await current_revision(url) is None
    assert await _tables(url) == set()
    await upgrade(url)
    assert await _tables(url) == set(Base.metadata.tables)


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_models_and_migrations_agree(database_url: str) -> None:
    """Fails when a model changed without a migration: run `fairbot db revision -m ...`."""
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(_differences)
    finally:
        await engine.dispose()
    assert differences == []


async def test_datetimes_come_back_aware_utc(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    almaty = timezone(timedelta(hours=5))
    moment = datetime(2025, 10, 1, 15, 30, tzinfo=almaty)
    async with sessionmaker() as session:
        session.add(User(id=10**12, created_at=moment))
        await session.commit()
    async with create_sessionmaker(sessionmaker.kw["bind"])() as session:
        user = await session.get(User, 10**12)
        assert user is not None
        assert user.created_at == moment
        assert user.created_at.tzinfo is UTC
        assert user.created_at.hour == 10
        assert user.is_active


async def test_naive_datetimes_are_refused(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session:
        session.add(User(id=1, created_at=datetime(2025, 10, 1)))
        with pytest.raises(Exception, match="naive datetime"):
            await session.commit()


@pytest.mark.postgres
async def test_processes_starting_at_once_migrate_once(postgres: PostgresDatabases) -> None:
    """Several processes (here: engines) upgrading a fresh PostgreSQL database at the same moment
    take turns on the advisory lock: all succeed and the schema is built once."""
    name, url = await postgres.fresh(migrated=False)
    try:
        # Without the lock the concurrent DDL blocks forever: fail instead of hanging.
        async with asyncio.timeout(60):
            await asyncio.gather(*(upgrade(url) for _ in range(3)))
        assert await current_revision(url) == head_revision()
        assert await _tables(url) == set(Base.metadata.tables)
    finally:
        await postgres.drop(name)
