"""`fairbot bench scale`: a national career week's database (100,000 students) under the bot.

Method. A fresh database (PostgreSQL on 127.0.0.1:5432, or a SQLite file with --sqlite) is
migrated and filled in bulk (COPY on PostgreSQL, executemany on SQLite) with N students spread
over the last 30 days: a completed profile for most, 1-4 interests each, 3-5 matches over the
organisations of the data directory, contacts shared with some of them, and one finished
broadcast that reached every student (one outbox row each). Then the real `fairbot run` starts as
a subprocess on the fake Telegram server, and the driver:

1. sends /stats as an admin, cold (the first one after the start) and warm, several times;
2. onboards students (the journey of `fairbot bench updates`) and sends /stats in the middle of
   that load;
3. reads the bot process's peak resident memory (VmHWM in /proc/<pid>/status) at the end.

/stats is timed from the update's delivery to the bot (the fake server hands it over) to the text
reaching the chat, and to the chart (a PNG drawn by matplotlib) reaching it. The baseline is the
same bot and traffic on an empty database, in the same run. Targets: peak RSS <= 250 MB,
/stats (text) <= 2 s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from bot.bench.updates import (
    BotProcess,
    _no_pause,
    onboarding,
    start_bots,
    temporary_postgres,
)
from bot.datacheck import default_data_dir
from bot.db.engine import create_engine
from bot.db.migrate import upgrade
from bot.db.models import Broadcast
from bot.fakeapi import FakeTelegramServer
from bot.fakeapi.load import LoadReport, Steps, run_conversations
from bot.fakeapi.server import Timings
from bot.fakeapi.users import BotMessage, SimUser
from bot.services.fairdata import load_fair_data

TOKEN = "7000000005:FAKE-fairbot-scale-bench"
TARGET_RSS_MB = 250.0
TARGET_STATS_SECONDS = 2.0
FIRST_STUDENT_ID = 1_000_000_001  # far from the fake server's own user ids (700,000,001 on)
DAYS = 30
CHUNK = 10_000  # students generated and written at once
STATS_TIMEOUT = 60.0

# Columns written per table, in order; JSON columns are encoded per backend.
COLUMNS: dict[str, tuple[str, ...]] = {
    "users": ("id", "language", "created_at", "consented_at", "is_active"),
    "student_profiles": (
        "user_id", "full_name", "university", "degree", "study_year", "field_of_study",
        "interests", "seeking", "languages", "phone", "email", "created_at", "updated_at",
        "completed_at",
    ),
    "student_topics": ("user_id", "topic_id", "source"),
    "student_matches": (
        "user_id", "org_slug", "rank", "score", "reasons", "openings", "computed_at",
        "dismissed_at",
    ),
    "contact_shares": ("user_id", "org_slug", "created_at", "feedback_opt_in"),
    "outbox": (
        "chat_id", "priority", "kind", "ref", "payload", "status", "not_before", "attempts",
        "created_at", "sent_at",
    ),
}  # fmt: skip
JSON_COLUMNS = {"seeking", "languages", "reasons", "openings", "payload"}
UNIVERSITIES = ("KazNU", "ENU", "Satbayev University", "KBTU", "NU", "SDU", "AITU", "KazATU")
FIELDS = ("Physics", "Computer science", "Radio engineering", "Mathematics", "Geodesy")


# --- the population ----------------------------------------------------------------------------


def population(
    students: int,
    *,
    orgs: Sequence[str],
    topics: Sequence[str],
    now: datetime,
    broadcast_ref: str,
    seed: int = 7,
) -> Iterator[dict[str, list[tuple[Any, ...]]]]:
    """Rows of every table, CHUNK students at a time (the same rows for the same seed)."""
    rng = random.Random(seed)
    for start in range(0, students, CHUNK):
        rows: dict[str, list[tuple[Any, ...]]] = {table: [] for table in COLUMNS}
        for n in range(start, min(start + CHUNK, students)):
            uid = FIRST_STUDENT_ID + n
            created = now - timedelta(seconds=rng.uniform(0, DAYS * 86_400))
            completed = created + timedelta(minutes=5) if rng.random() < 0.85 else None
            lang = ("kk", "ru", "en")[n % 3]
            rows["users"].append((uid, lang, created, created, rng.random() > 0.02))
            rows["student_profiles"].append((
                uid, f"Student {n}", rng.choice(UNIVERSITIES), "bachelor", rng.randint(1, 4),
                rng.choice(FIELDS), "satellites, GIS and machine learning", ["internship"],
                [lang], f"+7701{n:07d}", f"student{n}@example.org", created, created, completed,
            ))  # fmt: skip
            for topic in rng.sample(topics, rng.randint(1, min(4, len(topics)))):
                rows["student_topics"].append((uid, topic, rng.choice(("picked", "text"))))
            matched = rng.sample(orgs, rng.randint(min(3, len(orgs)), min(5, len(orgs))))
            for rank, org in enumerate(matched, 1):
                dismissed = created + timedelta(hours=1) if rng.random() < 0.05 else None
                rows["student_matches"].append(
                    (uid, org, rank, round(1 - rank / 10, 3), [], [], created, dismissed)
                )
            if completed is not None and rng.random() < 0.4:
                for org in matched[: rng.randint(1, 2)]:
                    rows["contact_shares"].append((uid, org, completed, rng.random() < 0.5))
            status = "sent" if rng.random() > 0.03 else "blocked"
            payload = {"method": "sendMessage", "text": "The fair opens tomorrow at 10:00."}
            sent = now - timedelta(days=1)
            rows["outbox"].append(
                (uid, 3, "broadcast", broadcast_ref, payload, status, sent, 1, sent, sent)
            )
        yield rows


# --- writing it --------------------------------------------------------------------------------


async def _add_broadcast(url: str, students: int, now: datetime) -> str:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(
                insert(Broadcast.__table__).values(
                    created_by=1,
                    created_at=now - timedelta(days=1),
                    status="done",
                    content_kind="text",
                    text_html="The fair opens tomorrow at 10:00.",
                    audience_kind="all",
                    recipients=students,
                    lang="en",
                    confirmed_at=now - timedelta(days=1),
                    finished_at=now - timedelta(days=1),
                    progress_done=students,
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            return str(key[0])
    finally:
        await engine.dispose()


def _postgres_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _fill_postgres(url: str, chunks: Iterator[dict[str, list[tuple[Any, ...]]]]) -> None:
    import asyncpg

    connection = await asyncpg.connect(_postgres_dsn(url))
    try:
        for rows in chunks:
            async with connection.transaction():
                for table, columns in COLUMNS.items():
                    json_at = [i for i, c in enumerate(columns) if c in JSON_COLUMNS]
                    records = rows[table]
                    if json_at:
                        records = [_encode_json(r, json_at) for r in records]
                    await connection.copy_records_to_table(
                        table, records=records, columns=list(columns)
                    )
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


def _encode_json(row: tuple[Any, ...], at: list[int]) -> tuple[Any, ...]:
    values = list(row)
    for i in at:
        values[i] = json.dumps(values[i])
    return tuple(values)


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):  # naive UTC, as bot.db.base.UTCDateTime stores it
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, list | dict):
        return json.dumps(value)
    return value


def _fill_sqlite(path: str, chunks: Iterator[dict[str, list[tuple[Any, ...]]]]) -> None:
    connection = sqlite3.connect(path)
    try:
        for rows in chunks:
            with connection:
                for table, columns in COLUMNS.items():
                    marks = ", ".join("?" * len(columns))
                    connection.executemany(
                        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                        ([_sqlite_value(v) for v in row] for row in rows[table]),
                    )
        connection.execute("ANALYZE")
    finally:
        connection.close()


async def seed(url: str, students: int, data_dir: Path, now: datetime) -> float:
    """Migrate the empty database at `url` and write `students` students; seconds it took."""
    began = time.perf_counter()
    await upgrade(url)
    if students == 0:
        return time.perf_counter() - began
    catalogue = load_fair_data(data_dir).catalogue
    ref = await _add_broadcast(url, students, now)
    chunks = population(
        students, orgs=list(catalogue.exhibitors), topics=list(catalogue.topics), now=now,
        broadcast_ref=ref,
    )  # fmt: skip
    if url.startswith("postgresql"):
        await _fill_postgres(url, chunks)
    else:
        await asyncio.to_thread(_fill_sqlite, url.split(":///", 1)[1], chunks)
    return time.perf_counter() - began


# --- measuring ---------------------------------------------------------------------------------


def peak_rss_mb(pid: int) -> float | None:
    """The process's peak resident set size (VmHWM), in MB; None where /proc has no such file."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


@dataclass
class StatsTiming:
    text: float  # seconds from the update's delivery to the text in the chat
    chart: float  # ... to the chart in the chat
    under_load: bool


async def time_stats(
    server: FakeTelegramServer, admin: SimUser, *, under_load: bool = False
) -> StatsTiming:
    began = time.monotonic()
    sent = await admin.send("/stats")

    def is_text(message: BotMessage) -> bool:
        return message.kind == "text" and "\n" in message.text

    def is_chart(message: BotMessage) -> bool:
        return message.kind == "photo"

    text = await admin.wait_for_message(is_text, timeout=STATS_TIMEOUT)
    chart = await admin.wait_for_message(is_chart, timeout=STATS_TIMEOUT)
    handed = server.handed_at(sent.update_id) or began
    return StatsTiming(text.at - handed, chart.at - handed, under_load)


@dataclass
class Run:
    label: str
    students: int
    seed_seconds: float
    stats: list[StatsTiming] = field(default_factory=list)
    rss_mb: float | None = None
    load: LoadReport | None = None
    notes: list[str] = field(default_factory=list)

    def worst(self, attribute: str) -> float:
        values = [getattr(t, attribute) for t in self.stats]
        return max(values) if values else float("inf")

    def lines(self) -> list[str]:
        cold, *warm = self.stats or [StatsTiming(float("nan"), float("nan"), False)]
        idle = [t for t in warm if not t.under_load]
        busy = [t for t in warm if t.under_load]

        def show(timings: list[StatsTiming], attribute: str) -> str:
            if not timings:
                return "-"
            values = [getattr(t, attribute) for t in timings]
            return f"median {statistics.median(values):.2f} s, max {max(values):.2f} s"

        rss = f"{self.rss_mb:.0f} MB" if self.rss_mb is not None else "unknown (no /proc)"
        out = [
            f"  {self.label}: {self.students:,} students (seeded in {self.seed_seconds:.1f} s)",
            f"    /stats text : cold {cold.text:.2f} s; warm {show(idle, 'text')}; "
            f"under load {show(busy, 'text')}",
            f"    /stats chart: cold {cold.chart:.2f} s; warm {show(idle, 'chart')}; "
            f"under load {show(busy, 'chart')}",
            f"    bot peak RSS (VmHWM): {rss}",
        ]
        if self.load is not None:
            failed = f", {len(self.load.errors)} failed" if self.load.errors else ""
            out.append(
                f"    load: {self.load.users} students onboarding, {self.load.updates} updates, "
                f"{self.load.updates_per_second:.1f} updates/s{failed}"
            )
        return out + [f"    {note}" for note in self.notes]


async def measure(
    label: str,
    url: str,
    *,
    students: int,
    onboard: int,
    repeats: int,
    data_dir: Path,
    workdir: Path,
) -> Run:
    now = datetime.now(UTC)
    run = Run(label, students, await seed(url, students, data_dir, now))
    timings = Timings(reply_timeout=STATS_TIMEOUT, callback_answer_timeout=STATS_TIMEOUT)
    async with FakeTelegramServer(token=TOKEN, timings=timings) as server:
        admin = server.user("Organiser", language_code="en", started=True)
        bots = await start_bots(
            server, token=TOKEN, database_url=url, workdir=workdir, data_dir=data_dir,
            extra_env={"ADMIN_IDS": str(admin.id)},
        )  # fmt: skip
        bot: BotProcess = bots[0]
        try:
            run.stats.append(await time_stats(server, admin))  # cold
            for _ in range(repeats):
                run.stats.append(await time_stats(server, admin))
            if onboard:
                run.load, busy = await _under_load(server, admin, onboard, repeats)
                run.stats.extend(busy)
            run.rss_mb = peak_rss_mb(bot.process.pid)
        except Exception:
            run.notes.append("bot log tail:\n" + bot.log_tail(20))
            raise
        finally:
            await bot.stop()
    return run


async def _under_load(
    server: FakeTelegramServer, admin: SimUser, onboard: int, repeats: int
) -> tuple[LoadReport, list[StatsTiming]]:
    async def journey(user: SimUser, steps: Steps) -> None:
        await onboarding(user, steps, _no_pause)

    load = asyncio.create_task(
        run_conversations(server, journey, users=onboard, token=TOKEN, reply_timeout=60.0)
    )
    busy: list[StatsTiming] = []
    await asyncio.sleep(0.5)  # the students are under way
    for _ in range(repeats):
        if load.done():
            break
        busy.append(await time_stats(server, admin, under_load=True))
    return await load, busy


@contextlib.asynccontextmanager
async def _database(sqlite: bool, workdir: Path, name: str) -> Any:
    if sqlite:
        yield f"sqlite+aiosqlite:///{workdir / f'{name}.sqlite3'}"
    else:
        async with temporary_postgres() as url:
            yield url


async def bench(
    students: int = 100_000,
    *,
    sqlite: bool = False,
    onboard: int = 50,
    repeats: int = 5,
    baseline: bool = True,
    data_dir: Path | None = None,
) -> list[Run]:
    data = (data_dir or default_data_dir()).resolve()
    database = "SQLite" if sqlite else "PostgreSQL"
    runs = []
    with tempfile.TemporaryDirectory(prefix="fairbot-scale-") as tmp:
        workdir = Path(tmp)
        plans = [(f"{database}, generated", students, "scale")]
        if baseline:
            plans.append((f"{database}, empty (baseline)", 0, "baseline"))
        for label, count, name in plans:
            async with _database(sqlite, workdir, name) as url:
                runs.append(
                    await measure(
                        label,
                        url,
                        students=count,
                        onboard=onboard,
                        repeats=repeats,
                        data_dir=data,
                        workdir=workdir,
                    )
                )
    return runs


def summary(runs: list[Run]) -> tuple[str, bool]:
    main = runs[0]
    rss_ok = main.rss_mb is not None and main.rss_mb <= TARGET_RSS_MB
    stats_ok = main.worst("text") <= TARGET_STATS_SECONDS
    failed = main.load is not None and bool(main.load.errors)
    lines = [f"== fairbot bench scale: {main.students:,} students =="]
    for run in runs:
        lines += run.lines()
    rss = f"{main.rss_mb:.0f} MB" if main.rss_mb is not None else "unknown"
    lines.append(
        f"targets: peak RSS <= {TARGET_RSS_MB:.0f} MB -> {rss} ({'met' if rss_ok else 'NOT met'});"
        f" /stats <= {TARGET_STATS_SECONDS:.0f} s -> worst {main.worst('text'):.2f} s "
        f"({'met' if stats_ok else 'NOT met'}); chart worst {main.worst('chart'):.2f} s"
    )
    if hasattr(os, "getloadavg"):
        lines.append(f"1-minute load average at the end: {os.getloadavg()[0]:.2f}")
    return "\n".join(lines), rss_ok and stats_ok and not failed


def run(args: argparse.Namespace) -> int:
    runs = asyncio.run(
        bench(
            args.students,
            sqlite=args.sqlite,
            onboard=args.onboard,
            repeats=args.repeats,
            baseline=args.baseline,
            data_dir=Path(args.data) if args.data else None,
        )
    )
    text, ok = summary(runs)
    print(text)
    return 0 if ok else 1
