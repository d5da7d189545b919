"""aiosqlite connections that run a statement in one trip to the database thread, not four.

aiosqlite runs sqlite3 in a thread of its own and SQLAlchemy drives it through aiosqlite's cursor
API, which makes a round trip to that thread for each call: create the cursor, execute, fetch
the rows, close the cursor. Every trip is a hand-off between two threads and back through the
event loop, which costs far more than the statement itself does on a small SQLite database.
Here a cursor does all of it in the one trip of `execute` (the sqlite3 cursor is closed before
the answer comes back) and serves `fetch*` from the rows it brought; everything else is
aiosqlite's. Used by `bot.db.engine.create_engine` for every SQLite URL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import aiosqlite

Row = tuple[Any, ...]


class OneTripCursor:
    """The part of `aiosqlite.Cursor` SQLAlchemy uses, one thread round trip per statement."""

    arraysize = 1

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: list[Row] = []

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def execute(self, sql: str, parameters: Any = None) -> OneTripCursor:
        def run(conn: sqlite3.Connection) -> tuple[Any, int, int | None, list[Row]]:
            cursor = conn.cursor()
            try:
                if parameters is None:
                    cursor.execute(sql)
                else:
                    cursor.execute(sql, parameters)
                rows = cursor.fetchall() if cursor.description else []
                return cursor.description, cursor.rowcount, cursor.lastrowid, rows
            finally:
                cursor.close()

        result = await self._connection.in_thread(run)
        self.description, self.rowcount, self.lastrowid, self._rows = result
        return self

    async def executemany(self, sql: str, parameters: Iterable[Any]) -> OneTripCursor:
        def run(conn: sqlite3.Connection) -> tuple[Any, int, int | None]:
            cursor = conn.cursor()
            try:
                cursor.executemany(sql, parameters)
                return cursor.description, cursor.rowcount, cursor.lastrowid
            finally:
                cursor.close()

        self.description, self.rowcount, self.lastrowid = await self._connection.in_thread(run)
        self._rows = []
        return self

    async def fetchone(self) -> Row | None:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> Sequence[Row]:
        size = self.arraysize if size is None else size
        taken, self._rows = self._rows[:size], self._rows[size:]
        return taken

    async def fetchall(self) -> Sequence[Row]:
        taken, self._rows = self._rows, []
        return taken

    async def nextset(self) -> None:
        return None

    async def setinputsizes(self, *_: Any) -> None:
        return None

    async def close(self) -> None:
        self._rows = []


class OneTripConnection(aiosqlite.Connection):
    def cursor(self) -> OneTripCursor:  # type: ignore[override]
        return OneTripCursor(self)

    async def in_thread(self, function: Callable[[sqlite3.Connection], Any]) -> Any:
        """Run `function(sqlite3 connection)` in the connection's thread."""
        return await self._execute(lambda: function(self._conn))  # type: ignore[no-untyped-call]


def one_trip_connector(database: str, **kwargs: Any) -> Callable[[], Any]:
    """An `async_creator` for `create_async_engine` (same arguments as sqlite3.connect)."""

    async def connect() -> OneTripConnection:
        connection = OneTripConnection(lambda: sqlite3.connect(database, **kwargs), 64)
        connection._thread.daemon = True  # as SQLAlchemy does for aiosqlite's own connections
        await connection
        return connection

    return connect
