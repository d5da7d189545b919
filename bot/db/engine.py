"""Engines and session factories from a database URL, with the SQLite settings we depend on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot.db.sqlite import one_trip_connector


def create_engine(url: str, *, sqlite_busy_timeout_ms: int = 15_000, **kwargs: Any) -> AsyncEngine:
    """An async engine for `url` (sqlite+aiosqlite or postgresql+asyncpg).

    SQLite gets WAL (readers don't wait for the writer), foreign keys, a busy timeout, and
    `BEGIN IMMEDIATE` for every transaction: a transaction that starts reading and later writes
    would otherwise fail at once with "database is locked" when another one wrote meanwhile;
    taking the write lock up front makes concurrent updates wait their turn instead of failing.
    The directory of a SQLite file is created if missing. Statement parameters are kept out of
    error messages: they may hold personal data, and error messages end up in logs.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        kwargs.setdefault("pool_pre_ping", True)
        kwargs.setdefault("hide_parameters", True)
        # Connections kept open for bursts: one opened on demand costs a server process, the
        # driver's set-up queries and fresh prepared statements (tens of milliseconds), and
        # connections above pool_size are closed again as soon as they are returned.
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 10)
        return create_async_engine(url, **kwargs)

    database = parsed.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    kwargs.setdefault("hide_parameters", True)
    # One connection: transactions queue for it in the event loop (first come, first served)
    # instead of competing for SQLite's write lock, whose busy handler sleeps up to 100 ms
    # between attempts. Every transaction writes-locks anyway (BEGIN IMMEDIATE), so a second
    # connection would buy no concurrency.
    kwargs.setdefault("pool_size", 1)
    kwargs.setdefault("max_overflow", 0)
    # One thread round trip per statement instead of four (bot.db.sqlite).
    args, connect_kwargs = SQLiteDialect_aiosqlite().create_connect_args(parsed)
    kwargs.setdefault("async_creator", one_trip_connector(*args, **connect_kwargs))
    engine = create_async_engine(url, **kwargs)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Stop the driver from issuing its own deferred BEGIN; ours is below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={int(sqlite_busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: objects read in an update stay usable after the unit of work commits.
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True)
