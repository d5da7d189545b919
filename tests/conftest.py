"""Shared fixtures: real databases (SQLite and PostgreSQL), real Redis, settings, bot, dispatcher.

PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) are shared with other test runs: this run
creates its own PostgreSQL databases with random names and drops them, and uses its own Redis key
prefix (it never flushes). `.ci/run` starts both servers; tests that need a server that does not
answer are skipped with the reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest
from aiogram import Bot, Dispatcher
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import build_bot, build_dispatcher
from bot.clock import FakeClock
from bot.config import Settings, load_settings
from bot.db.engine import create_engine, create_sessionmaker
from bot.db.migrate import upgrade
from bot.i18n import Translator
from bot.services.fairdata import FairData, FairDataStore, load_fair_data
from tests.updates import UpdateFactory

T = TypeVar("T")

PG_HOST, PG_PORT = "127.0.0.1", 5432
REDIS_URL = "redis://127.0.0.1:6379/0"
TEST_TOKEN = "123456789:TEST-token_for-fairbot-tests"
_SETTINGS_ENV = (
    "BOT_TOKEN", "TELEGRAM_API_URL", "DATABASE_URL", "REDIS_URL", "REDIS_PREFIX", "ADMIN_IDS",
    "WEBHOOK_BASE_URL", "WEBHOOK_SECRET", "WEBHOOK_LISTEN", "DATA_DIR", "DATA_SYNC_SECONDS", "TZ",
    "LOG_LEVEL", "LOG_FORMAT", "THROTTLE_LIMIT", "THROTTLE_WINDOW_SECONDS", "DELIVERY_RATE",
    "PAID_BROADCAST", "DELIVERY_CONCURRENCY", "DELIVERY_BATCH", "DELIVERY_LEASE_SECONDS",
    "DELIVERY_MAX_ATTEMPTS", "REMINDER_SWEEP_SECONDS", "FAIR_NUDGE_MINUTES", "INVITE_TTL_DAYS",
    "DIGEST_TIME", "FSM_LOCK_SECONDS", "METRICS_LISTEN",
)  # fmt: skip


# --- PostgreSQL ------------------------------------------------------------------------------


PG_CONNECT_TIMEOUT = 15.0


async def _pg_admin() -> asyncpg.Connection | None:
    # A generous timeout: on a loaded machine PostgreSQL can take seconds to start a backend,
    # and a refused connection (no server) fails at once anyway.
    for user in ("postgres", "root"):
        with contextlib.suppress(OSError, asyncpg.PostgresError, asyncio.TimeoutError):
            return await asyncpg.connect(
                host=PG_HOST,
                port=PG_PORT,
                user=user,
                database="postgres",
                timeout=PG_CONNECT_TIMEOUT,
            )
    return None


def _pg_url(user: str, database: str) -> str:
    return f"postgresql+asyncpg://{user}@{PG_HOST}:{PG_PORT}/{database}"


class _AdminConnection:
    """One administrative connection for the whole run, on an event loop in a thread of its own.

    Tests run on event loops of their own (one per test); a connection opened for each database
    made or dropped cost a backend start each time, which under load timed out now and then
    (a setup error) and left the half-opened connection to be collected later (unraisable
    exception warnings in whichever test ran then).
    """

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._connection: asyncpg.Connection | None = None

    def open(self) -> bool:
        self._connection = self.wait(_pg_admin())
        return self._connection is not None

    @property
    def user(self) -> str:
        assert self._connection is not None
        return self._connection.get_settings().session_authorization or "postgres"

    def wait(self, coroutine: Coroutine[Any, Any, T]) -> T:
        """Run `coroutine` on the admin loop and wait for it (outside any event loop)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result()

    async def execute(self, statement: str) -> None:
        """Run `statement` on the admin connection (from any event loop)."""

        async def run() -> None:
            if self._connection is None or self._connection.is_closed():
                self._connection = await _pg_admin()
            assert self._connection is not None, "PostgreSQL stopped answering during the run"
            await self._connection.execute(statement)

        await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(run(), self._loop))

    def close(self) -> None:
        if self._connection is not None:
            self.wait(self._connection.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()


class PostgresDatabases:
    """Databases of this test run: a migrated template, and a fresh copy of it per test."""

    def __init__(self, admin: _AdminConnection) -> None:
        self.admin = admin
        self.user = admin.user
        self.run_id = uuid.uuid4().hex[:10]
        self.template = f"fairbot_test_{self.run_id}_template"
        self.created: list[str] = []

    async def create(self, name: str, template: str | None = None) -> str:
        clause = f' TEMPLATE "{template}"' if template else ""
        await self.admin.execute(f'CREATE DATABASE "{name}"{clause}')
        self.created.append(name)
        return _pg_url(self.user, name)

    async def drop(self, name: str) -> None:
        await self.admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if name in self.created:
            self.created.remove(name)

    async def fresh(self, migrated: bool = True) -> tuple[str, str]:
        """(name, url) of a new database: a copy of the migrated template, or empty."""
        name = f"fairbot_test_{self.run_id}_{uuid.uuid4().hex[:8]}"
        url = await self.create(name, self.template if migrated else None)
        return name, url


def _run_in_thread(coroutine: Coroutine[Any, Any, T]) -> T:
    # Session fixtures may be first requested from inside a test's running event loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresDatabases]:
    """This run's PostgreSQL databases; skips when the server does not answer."""

    admin = _AdminConnection()
    if not admin.open():
        admin.close()
        pytest.skip(f"PostgreSQL does not answer on {PG_HOST}:{PG_PORT} (.ci/run starts it)")
    databases = PostgresDatabases(admin)

    async def setup() -> None:
        url = await databases.create(databases.template)
        await upgrade(url)

    _run_in_thread(setup())
    yield databases

    async def teardown() -> None:
        for name in list(databases.created):
            await databases.drop(name)

    try:
        _run_in_thread(teardown())
    finally:
        admin.close()


# --- Databases -------------------------------------------------------------------------------


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """URL of a fresh, fully migrated database; every test using it runs on SQLite and on
    PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'fairbot.sqlite3'}"
        await upgrade(url)
        yield url
        return
    databases: PostgresDatabases = request.getfixturevalue("postgres")
    name, url = await databases.fresh()
    yield url
    await databases.drop(name)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


@pytest.fixture
async def session(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session for service and repository tests; commit it yourself to see effects elsewhere."""
    async with sessionmaker() as session:
        yield session


# --- Redis -----------------------------------------------------------------------------------


@pytest.fixture
def redis_prefix() -> str:
    """A key prefix nobody else uses; keys under it are deleted after the test."""
    return f"fairbot-test:{uuid.uuid4().hex[:12]}"


@pytest.fixture
def redis_url(redis_prefix: str) -> Iterator[str]:
    """URL of the shared Redis server; skips when it does not answer. Use `redis_prefix`.

    (A plain fixture, so async fixtures can ask for it with `request.getfixturevalue`.)
    """

    async def ping() -> str | None:
        client = Redis.from_url(REDIS_URL)
        try:
            await client.ping()
        except Exception as error:
            return str(error)
        finally:
            await client.aclose()
        return None

    async def clean() -> None:
        client = Redis.from_url(REDIS_URL)
        try:
            keys = [key async for key in client.scan_iter(match=f"{redis_prefix}:*", count=500)]
            if keys:
                await client.delete(*keys)
        finally:
            await client.aclose()

    problem = _run_in_thread(ping())
    if problem is not None:
        pytest.skip(f"Redis does not answer at {REDIS_URL} (.ci/run starts it): {problem}")
    yield REDIS_URL
    _run_in_thread(clean())


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


# --- Settings, clock, bot, dispatcher ----------------------------------------------------------


@pytest.fixture
def make_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Settings]:
    """`make_settings(**overrides) -> Settings`, ignoring the environment and any `.env`.

    Defaults: a test token, a SQLite file in tmp_path, data dir `data/` of the repository.
    """
    for name in _SETTINGS_ENV:
        monkeypatch.delenv(name, raising=False)

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "bot_token": TEST_TOKEN,
            "database_url": f"sqlite+aiosqlite:///{tmp_path / 'settings.sqlite3'}",
            "_env_file": None,
        }
        values.update(overrides)
        return load_settings(**values)

    return make


@pytest.fixture
def settings(make_settings: Callable[..., Settings], database_url: str) -> Settings:
    """Settings pointing at this test's `database_url`."""
    return make_settings(database_url=database_url)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def translator() -> Translator:
    return Translator()


@pytest.fixture
async def bot(settings: Settings) -> AsyncIterator[Bot]:
    """A real Bot for these settings (no network until a method is called)."""
    bot = build_bot(settings)
    yield bot
    await bot.session.close()


@pytest.fixture(scope="session")
def fair_data() -> FairData:
    """The repository's data files, loaded once per run."""
    return load_fair_data(Path(__file__).resolve().parents[1] / "data")


@pytest.fixture
def make_dispatcher(
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    translator: Translator,
    fair_data: FairData,
) -> Callable[..., Dispatcher]:
    """`make_dispatcher(**kwargs) -> Dispatcher` built by the composition root on this test's
    database, clock and translator, with the repository's data files; kwargs go to
    `build_dispatcher` (e.g. `routers=[...]`)."""

    def make(**kwargs: Any) -> Dispatcher:
        kwargs.setdefault("sessionmaker", sessionmaker)
        kwargs.setdefault("clock", clock)
        kwargs.setdefault("translator", translator)
        kwargs.setdefault("fair", FairDataStore(fair_data))
        return build_dispatcher(kwargs.pop("settings", settings), **kwargs)

    return make


@pytest.fixture
def updates() -> UpdateFactory:
    """Builds Telegram updates with increasing update ids (for `dp.feed_update`)."""
    return UpdateFactory()


def pytest_report_header(config: pytest.Config) -> str:
    return f"fairbot tests; PostgreSQL {PG_HOST}:{PG_PORT}, Redis {REDIS_URL}; pid {os.getpid()}"
