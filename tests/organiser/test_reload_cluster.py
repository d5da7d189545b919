"""/reload in a cluster: the process that took the command and every other process sharing the
database put the new data in force (each from its own DATA_DIR, within DATA_SYNC_SECONDS), the
schedule is copied into the database once, invalid files elsewhere keep that process's data,
versions never go backwards. And /reload with the reminder scheduler running answers at once
(it used to wait on SQLite for the pool, 30 s, then fail as a "database outage").

Process A is the organiser console (a dispatcher polling the fake Telegram server); process B is
what `bot.app.run` builds around the data on an engine of its own: store, reminder scheduler,
data follower. Both run on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.db.engine import create_engine, create_sessionmaker
from bot.db.models import DataVersion, OutboxMessage, ScheduledSession, User
from bot.i18n import Translator
from bot.schedule.scheduler import ReminderScheduler
from bot.services import agenda
from bot.services.datasync import DataFollower
from bot.services.fairdata import FairData, FairDataStore, load_fair_data
from bot.services.reminders import Rendering
from tests.organiser.conftest import REPO_DATA, Console

SYNC = 0.1  # DATA_SYNC_SECONDS of these tests' processes
WITHIN = 5.0  # what "within the interval" may take on a loaded two-core machine
ALMATY = ZoneInfo("Asia/Almaty")
PLENARY_MOVED = "2027-09-09T11:00"


@dataclass
class Process:
    """The data side of one bot process, wired as `bot.app.run` wires it."""

    store: FairDataStore
    sessionmaker: async_sessionmaker[AsyncSession]
    data_dir: Path
    scheduler: ReminderScheduler
    follower: DataFollower
    replaced: list[FairData] = field(default_factory=list)  # reloads made here
    followed: list[FairData] = field(default_factory=list)  # other processes' reloads adopted


async def start_process(
    store: FairDataStore,
    sessionmaker: async_sessionmaker[AsyncSession],
    data_dir: Path,
    clock: FakeClock,
    translator: Translator,
    stop: asyncio.Event,
    tasks: list[asyncio.Task[None]],
) -> Process:
    scheduler = ReminderScheduler(
        sessionmaker=sessionmaker, clock=clock, fair=store,
        rendering=Rendering(translator, ALMATY), sweep_seconds=3600,
    )  # fmt: skip
    follower = DataFollower(
        store=store, sessionmaker=sessionmaker, data_dir=data_dir, interval=SYNC
    )
    process = Process(store, sessionmaker, data_dir, scheduler, follower)

    async def replaced(old: FairData, new: FairData) -> None:
        process.replaced.append(new)

    async def followed(old: FairData, new: FairData) -> None:
        process.followed.append(new)

    await follower.start()
    await scheduler.start()
    store.on_reload(scheduler.sync_in)
    store.on_replace(scheduler.on_replace)
    store.on_follow(scheduler.on_follow)
    store.on_replace(replaced)
    store.on_follow(followed)
    tasks.append(asyncio.create_task(follower.run(stop)))
    return process


@dataclass
class Cluster:
    console: Console
    a: Process
    b: Process


@pytest.fixture
async def cluster(
    console: Console,
    data_dir: Path,
    database_url: str,
    tmp_path: Path,
    translator: Translator,
) -> AsyncIterator[Cluster]:
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []
    engine = create_engine(database_url)  # process B's own connections
    data_b = tmp_path / "data-b"
    shutil.copytree(REPO_DATA, data_b)
    a = await start_process(
        console.fair, console.sessionmaker, data_dir, console.clock, translator, stop, tasks
    )
    b_sessions = create_sessionmaker(engine)
    b = await start_process(
        FairDataStore(load_fair_data(data_b)), b_sessions, data_b, console.clock, translator,
        stop, tasks,
    )  # fmt: skip
    try:
        yield Cluster(console, a, b)
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        await a.scheduler.stop()
        await b.scheduler.stop()
        await engine.dispose()


def rename_ghalam(data_dir: Path, name: str = "Ghalam Space LLP") -> None:
    employers = data_dir / "employers.yaml"
    employers.write_text(employers.read_text().replace("en: Ghalam LLP", f"en: {name}"))


def move_plenary(data_dir: Path) -> None:
    sessions = data_dir / "sessions.yaml"
    text = sessions.read_text()
    plenary = "starts: 2027-09-09T10:00\n    ends: 2027-09-09T12:30"
    assert text.count(plenary) == 1
    sessions.write_text(
        text.replace(plenary, f"starts: {PLENARY_MOVED}\n    ends: 2027-09-09T12:30")
    )


def ghalam(process: Process) -> str:
    return process.store.current.catalogue.exhibitors["ghalam"].name.en


async def eventually(condition: Callable[[], bool], within: float = WITHIN) -> float:
    """Seconds until `condition()` held; fails after `within`."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    while not condition():
        assert loop.time() - started < within, "not within the time allowed"
        await asyncio.sleep(0.02)
    return loop.time() - started


async def reload(console: Console) -> str:
    await console.admin.send("/reload")
    return (await console.admin.next_message()).text


async def plenary_starts(sessionmaker: async_sessionmaker[AsyncSession]) -> datetime:
    async with sessionmaker() as session:
        starts = await session.scalar(
            select(ScheduledSession.starts_at).where(ScheduledSession.id == "plenary")
        )
    assert starts is not None
    return starts


async def test_reload_with_the_reminder_scheduler_running_answers_at_once(
    cluster: Cluster, data_dir: Path
) -> None:
    """The scheduler's re-planning takes transactions of its own: run inside the update's one, it
    waited on SQLite for the only connection until the pool gave up (30 s), and the update was
    then retried as a database outage. The fake server's reply timeout (5 s) fails the test."""
    move_plenary(data_dir)
    moved = datetime.fromisoformat(PLENARY_MOVED).replace(tzinfo=ALMATY)
    assert await plenary_starts(cluster.a.sessionmaker) != moved

    reply = await reload(cluster.console)

    assert reply.startswith("🔄 Data reloaded")
    assert len(cluster.a.replaced) == 1  # the scheduler's listener ran (after the commit)
    assert await plenary_starts(cluster.a.sessionmaker) == moved  # copied into the database


async def test_a_reload_on_one_process_comes_into_force_on_the_other(
    cluster: Cluster, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    a, b = cluster.a, cluster.b
    for directory in (data_dir, b.data_dir):
        rename_ghalam(directory)
        move_plenary(directory)
    assert a.store.version == b.store.version == 0
    now = cluster.console.clock.now()
    async with b.sessionmaker() as session, session.begin():
        session.add(User(id=4242, created_at=now, language="en", is_active=True))
        await session.flush()
        toggled = await agenda.toggle_subscription(
            session, user_id=4242, session_id="plenary", language="en", now=now
        )
    assert toggled is agenda.Toggle.ON

    with caplog.at_level(logging.INFO, logger="bot.services.datasync"):
        reply = await reload(cluster.console)
        assert reply.splitlines()[1] == "The other bot processes follow within 5 s."
        assert ghalam(a) == "Ghalam Space LLP"  # here, before the answer
        await eventually(lambda: ghalam(b) == "Ghalam Space LLP")
        await asyncio.sleep(5 * SYNC)  # more polls: nothing happens twice

    assert a.store.version == b.store.version == 1
    assert (len(a.replaced), len(a.followed)) == (1, 0)  # A's own follower left it alone
    assert (len(b.replaced), len(b.followed)) == (0, 1)
    assert b.store.current.schedule == a.store.current.schedule
    # B's timers follow the schedule A copied into the database with the version.
    assert b.scheduler.planned() == a.scheduler.planned()
    assert b.scheduler.planned() != []
    # The subscriber is told of the move once, whatever the number of processes.
    async with b.sessionmaker() as session:
        told = list(
            await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "schedule"))
        )
    assert [(m.chat_id, m.ref) for m in told] == [(4242, "plenary")]
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == []  # same files everywhere
    async with b.sessionmaker() as session:
        row = await session.get(DataVersion, 1)
    assert row is not None
    assert row.version == 1
    assert row.reloaded_by == cluster.console.admin.id


async def test_invalid_files_on_the_other_process_keep_its_data(
    cluster: Cluster, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    a, b = cluster.a, cluster.b
    rename_ghalam(data_dir)
    (b.data_dir / "employers.yaml").write_text("- slug: [unclosed\n")
    before = b.store.current

    with caplog.at_level(logging.WARNING, logger="bot.services.datasync"):
        await reload(cluster.console)
        assert a.store.version == 1
        await eventually(lambda: any(r.name == "bot.services.datasync" for r in caplog.records))
        await asyncio.sleep(10 * SYNC)  # many more polls: still one warning
    assert b.store.current is before
    assert b.store.version == 0
    assert b.followed == []
    warnings = [r.getMessage() for r in caplog.records if r.name == "bot.services.datasync"]
    assert len(warnings) == 1, warnings
    assert "data version 1" in warnings[0]
    assert "problem" in warnings[0]
    assert str(cluster.console.admin.id) not in warnings[0]

    # Files mended and a new reload: B follows again.
    shutil.rmtree(b.data_dir)
    shutil.copytree(data_dir, b.data_dir)
    await reload(cluster.console)
    await eventually(lambda: b.store.version == 2)
    assert ghalam(b) == "Ghalam Space LLP"


async def test_other_files_on_the_other_process_are_used_with_a_warning(
    cluster: Cluster, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    b = cluster.b
    rename_ghalam(data_dir)
    rename_ghalam(b.data_dir, "Ghalam Elsewhere LLP")
    with caplog.at_level(logging.WARNING, logger="bot.services.datasync"):
        await reload(cluster.console)
        await eventually(lambda: b.store.version == 1)
        await asyncio.sleep(5 * SYNC)
    assert ghalam(b) == "Ghalam Elsewhere LLP"
    warnings = [r.getMessage() for r in caplog.records if r.name == "bot.services.datasync"]
    assert len(warnings) == 1, warnings
    assert "differ" in warnings[0]


async def test_versions_never_go_backwards(cluster: Cluster, data_dir: Path) -> None:
    a, b = cluster.a, cluster.b
    await reload(cluster.console)
    await reload(cluster.console)
    await eventually(lambda: b.store.version == 2)
    assert a.store.version == 2

    # Someone restores an old copy of the row: nobody goes back to it.
    async with b.sessionmaker() as session, session.begin():
        await session.execute(update(DataVersion).values(version=1))
    assert await b.follower.poll() is False
    assert await a.follower.poll() is False
    assert (a.store.version, b.store.version) == (2, 2)

    # Data of an older version is refused, whether reloaded here or followed.
    current = b.store.current
    older = load_fair_data(b.data_dir)
    assert await b.store.replace(older, version=1) is False
    assert await b.store.follow(older, 2) is False
    assert b.store.current is current

    # The next reload goes on from the version in force, not from the row put back.
    rename_ghalam(data_dir)
    rename_ghalam(b.data_dir)
    await reload(cluster.console)
    assert a.store.version == 3
    assert ghalam(a) == "Ghalam Space LLP"
    await eventually(lambda: b.store.version == 3)
    assert ghalam(b) == "Ghalam Space LLP"


async def test_a_process_starting_adopts_the_version_without_reloading(
    cluster: Cluster, data_dir: Path, translator: Translator
) -> None:
    await reload(cluster.console)
    await reload(cluster.console)
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = []
    late = await start_process(
        FairDataStore(load_fair_data(data_dir)), cluster.a.sessionmaker, data_dir,
        cluster.console.clock, translator, stop, tasks,
    )  # fmt: skip
    try:
        assert late.store.version == 2
        await asyncio.sleep(5 * SYNC)
        assert (late.replaced, late.followed) == ([], [])
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        await late.scheduler.stop()
