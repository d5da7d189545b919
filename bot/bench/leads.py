"""`fairbot bench leads`: one organisation with 20,000 leads; how fast /leads pages and filters
answer, and how long an export of all of them takes, on SQLite and on PostgreSQL.

End to end, in one process: a simulated representative writes /leads and presses the list's
buttons on the fake Bot API (over HTTP); the real dispatcher (composition root, every
middleware, one transaction per update) polls it and answers on the real database. Two figures
per answer, from the fake server's records: "bot", from the moment the bot fetched the update to
its answer arriving (what the target is about), and "person", from the representative's action
(adds the long poll's hand-over and the simulated client's own work, all in this process). The
baseline measured in the same run is /help (the same path without any lead query).

Targets: every page and filter answer p99 <= 100 ms (bot); the export (from /export to both
documents, CSV and XLSX, in the chat) <= 5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import random
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from sqlalchemy import insert, select

from bot.app import build_dispatcher
from bot.callbacks import LeadAction, LeadsPage
from bot.clock import SystemClock
from bot.config import load_settings
from bot.datacheck import default_data_dir
from bot.db.engine import create_engine, create_sessionmaker
from bot.db.migrate import upgrade
from bot.db.models import ContactShare, LeadOpening, Representative, StudentProfile, User
from bot.fakeapi import FakeTelegramServer, SimUser, Timings
from bot.fakeapi.load import LoadReport, Steps
from bot.services.fairdata import FairDataStore, load_fair_data
from bot.services.leads import STATUSES

TARGET_P99_MS = 100.0
TARGET_EXPORT_S = 5.0
ORG = "ghalam"
CHUNK = 5000
_STATUS_WEIGHTS = (60, 20, 10, 5, 5)
_FIRST = ["Айгерим", "Bolat", "Дана", "Ерлан", "Aliya", "Нурлан", "Madina", "Арман", "Zhanna"]
_LAST = ["Серикова", "Akhmetov", "Жумабаева", "Ospanov", "Каримова", "Tulegenov", "Абенова"]
_UNIS = ["КазНУ им. аль-Фараби", "Satbayev University", "ЕНУ им. Гумилёва", "KBTU", "AITU"]


@dataclass
class Timing:
    name: str
    samples: list[float] = field(default_factory=list)  # ms, bot: update fetched -> answer
    person: list[float] = field(default_factory=list)  # ms, person: action -> answer

    def add(self, seconds: float) -> None:
        self.samples.append(seconds * 1000)

    def percentile(self, q: float) -> float:
        ordered = sorted(self.samples)
        if not ordered:
            return 0.0
        index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
        return ordered[index]

    def line(self) -> str:
        person = Timing(self.name, self.person)
        return (
            f"  {self.name:<30} bot p50 {self.percentile(0.5):6.1f} ms  "
            f"p99 {self.percentile(0.99):6.1f} ms | person p50 {person.percentile(0.5):6.1f} ms  "
            f"p99 {person.percentile(0.99):6.1f} ms  (n={len(self.samples)})"
        )


def _verdict(value: float, target: float) -> str:
    return "ok" if value <= target else "MISSED"


@dataclass
class DatabaseResult:
    database: str
    leads: int
    seeded_in: float
    baseline: Timing
    answers: list[Timing]
    export_seconds: list[float]
    export_sizes: tuple[int, int]
    problems: list[str] = field(default_factory=list)

    @property
    def all_answers(self) -> Timing:
        merged = Timing("every page and filter answer")
        for timing in self.answers:
            merged.samples.extend(timing.samples)
            merged.person.extend(timing.person)
        return merged

    @property
    def ok(self) -> bool:
        return (
            not self.problems
            and self.all_answers.percentile(0.99) <= TARGET_P99_MS
            and max(self.export_seconds) <= TARGET_EXPORT_S
        )

    def summary(self) -> str:
        merged = self.all_answers
        p99 = merged.percentile(0.99)
        export = max(self.export_seconds)
        csv_mb, xlsx_mb = (size / 1_000_000 for size in self.export_sizes)
        lines = [
            f"{self.database}: {self.leads:,} leads seeded in {self.seeded_in:.1f} s",
            self.baseline.line() + "  <- baseline (no lead query)",
            *(timing.line() for timing in self.answers),
            merged.line()
            + f"  target p99 <= {TARGET_P99_MS:.0f} ms: {_verdict(p99, TARGET_P99_MS)}",
            f"  export of {self.leads:,} leads (CSV {csv_mb:.1f} MB + XLSX {xlsx_mb:.1f} MB in the "
            f"chat): {export:.2f} s (runs: {', '.join(f'{s:.2f}' for s in self.export_seconds)})"
            f"  target <= {TARGET_EXPORT_S:.0f} s: {_verdict(export, TARGET_EXPORT_S)}",
            *(f"  problem: {problem}" for problem in self.problems),
        ]
        return "\n".join(lines)


async def seed(url: str, leads: int, rep_id: int, openings: list[str], seed: int = 7) -> float:
    """Students, their shares (statuses, scores, notes) and matched openings, in bulk."""
    rng = random.Random(seed)
    started = time.perf_counter()
    engine = create_engine(url)
    try:
        sessionmaker = create_sessionmaker(engine)
        base = datetime(2027, 9, 6, 4, 0, tzinfo=UTC)
        async with sessionmaker() as session, session.begin():
            session.add(User(id=rep_id, language="ru", created_at=base))
            await session.flush()
            session.add(Representative(user_id=rep_id, org_slug=ORG, created_at=base))
            for start in range(0, leads, CHUNK):
                ids = range(start + 1, min(leads, start + CHUNK) + 1)
                users, profiles, shares, matched = [], [], [], []
                for n in ids:
                    user_id = 10_000_000 + n
                    at = base + timedelta(seconds=n * 13)
                    users.append({"id": user_id, "language": "ru", "created_at": at,
                                  "consented_at": at, "is_active": True})  # fmt: skip
                    profiles.append(
                        {
                            "user_id": user_id,
                            "full_name": f"{rng.choice(_FIRST)} {rng.choice(_LAST)} {n}",
                            "university": rng.choice(_UNIS),
                            "degree": "bachelor", "study_year": rng.randint(1, 4),
                            "field_of_study": "Информатика", "interests": "спутники, ML, =1+1",
                            "seeking": ["internship"], "languages": ["ru", "kk"],
                            "phone": f"+7701{n:07d}", "email": f"student{n}@example.kz",
                            "created_at": at, "updated_at": at, "completed_at": at,
                        }
                    )  # fmt: skip
                    status = rng.choices(STATUSES, _STATUS_WEIGHTS)[0]
                    shares.append(
                        {
                            "id": n, "user_id": user_id, "org_slug": ORG, "created_at": at,
                            "feedback_opt_in": False, "score": rng.uniform(20, 99),
                            "status": status,
                            "note": "Позвонить после форума" if n % 10 == 0 else None,
                            "viewed_at": at if status != "new" else None,
                        }
                    )  # fmt: skip
                    for opening in rng.sample(openings, rng.randint(1, min(3, len(openings)))):
                        matched.append({"share_id": n, "opening_id": opening, "org_slug": ORG,
                                        "created_at": at})  # fmt: skip
                await session.execute(insert(User), users)
                await session.execute(insert(StudentProfile), profiles)
                await session.execute(insert(ContactShare), shares)
                await session.execute(insert(LeadOpening), matched)
        if url.startswith("postgresql"):
            async with engine.begin() as connection:
                # Explicit ids were inserted: move the sequence past them, and give the
                # planner its statistics as autovacuum would shortly after a bulk load.
                await connection.exec_driver_sql(
                    "SELECT setval(pg_get_serial_sequence('contact_shares', 'id'), "
                    "(SELECT max(id) FROM contact_shares))"
                )
                await connection.exec_driver_sql("ANALYZE")
        else:
            async with engine.begin() as connection:
                await connection.exec_driver_sql("ANALYZE")
    finally:
        await engine.dispose()
    return time.perf_counter() - started


class Clocked:
    """Times actions of the representative with the fake server's records: from the moment the
    bot fetched the update to its answer in the chat (`bot`), and from the person's action
    (`person`: the bot's latency plus polling and the fake client's own work)."""

    def __init__(self, server: FakeTelegramServer, rep: SimUser) -> None:
        self.report = LoadReport(users=1, duration=0.0)
        self.steps = Steps(server, rep, self.report, reply_timeout=60.0)
        self.rep = rep

    async def __call__(self, timing: Timing, action: Callable[[], Awaitable[Any]]) -> None:
        self.rep.drain()
        await self.steps.timed(timing.name, action)
        await self.rep.next_message(timeout=60)
        timing.add(self.report.latencies[timing.name][-1])
        timing.person.append(self.report.end_to_end[timing.name][-1] * 1000)


async def measure(
    url: str, database: str, leads: int, samples: int, data_dir: Path
) -> DatabaseResult:
    fair = load_fair_data(data_dir)
    openings = [opening.id for opening in fair.catalogue.exhibitors[ORG].openings]
    rng = random.Random(11)
    timings = Timings(reply_timeout=30.0, callback_answer_timeout=30.0)
    async with FakeTelegramServer(timings=timings) as server:
        rep = server.user("Representative", language_code="ru", started=True)
        seeded_in = await seed(url, leads, rep.id, openings)
        settings = load_settings(
            bot_token=server.token, database_url=url, telegram_api_url=server.base_url,
            data_dir=data_dir, throttle_limit=100_000, _env_file=None,
        )  # fmt: skip
        engine = create_engine(url)
        bot = server.make_bot(default=DefaultBotProperties(parse_mode=ParseMode.HTML))
        try:
            dp = build_dispatcher(
                settings, sessionmaker=create_sessionmaker(engine), clock=SystemClock(),
                fair=FairDataStore(fair),
            )  # fmt: skip
            async with create_sessionmaker(engine)() as session:
                lead_ids = list((await session.scalars(select(ContactShare.id))).all())
            # As `bot.app.run` does once started: long-lived objects out of the collector's way.
            gc.collect()
            gc.freeze()
            result = await _drive(server, dp, bot, rep, rng, samples, lead_ids, len(openings))
        finally:
            await bot.session.close()
            await engine.dispose()
            gc.unfreeze()
    baseline, answers, exports, sizes, problems = result
    return DatabaseResult(database, leads, seeded_in, baseline, answers, exports, sizes, problems)


async def _drive(
    server: FakeTelegramServer,
    dp: Any,
    bot: Any,
    rep: SimUser,
    rng: random.Random,
    samples: int,
    lead_ids: list[int],
    openings: int,
) -> tuple[Timing, list[Timing], list[float], tuple[int, int], list[str]]:
    baseline = Timing("/help")
    first = Timing("/leads (first page)")
    walk = Timing("older page (walking down)")
    deep = Timing("page at a random depth")
    by_status = Timing("status filter")
    by_opening = Timing("opening filter")
    both = Timing("status + opening filter")
    card = Timing("lead card")
    problems: list[str] = []
    exports: list[float] = []
    sizes = (0, 0)
    clocked = Clocked(server, rep)
    async with server.polling(dp, bot):
        for _ in range(3):  # warm-up: connections, caches, first-use imports
            await clocked(Timing("warm-up"), lambda: rep.send("/leads"))
            await clocked(Timing("warm-up"), lambda: rep.send("/help"))
        for _ in range(samples):
            await clocked(baseline, lambda: rep.send("/help"))
            await clocked(first, lambda: rep.send("/leads"))
        await clocked(first, lambda: rep.send("/leads"))
        for _ in range(samples):
            await clocked(walk, lambda: rep.press("Старше ›"))

        def press(data: str) -> Callable[[], Awaitable[Any]]:
            return lambda: rep.press(data=data)

        for n in range(samples):
            cursor = rng.choice(lead_ids)
            await clocked(deep, press(LeadsPage(older=cursor, p=2 + n).pack()))
            status = STATUSES[n % len(STATUSES)]
            await clocked(by_status, press(LeadsPage(s=status).pack()))
            await clocked(by_opening, press(LeadsPage(o=n % openings).pack()))
            await clocked(
                both, press(LeadsPage(s=STATUSES[(n + 1) % 5], o=(n + 2) % openings).pack())
            )
            lead = rng.choice(lead_ids)
            await clocked(card, press(LeadAction(id=lead, a="open").pack()))
        for _ in range(2):
            rep.drain()
            started = time.perf_counter()
            await rep.send("/export")
            documents = []
            while len(documents) < 2:
                message = await rep.next_message(timeout=60)
                if message.document is not None:
                    documents.append(message.document)
            exports.append(time.perf_counter() - started)
            sizes = (documents[0].size, documents[1].size)
            rows = documents[0].content.decode("utf-8-sig").count("\r\n") - 1
            if rows < len(lead_ids):
                problems.append(f"the CSV has {rows} rows for {len(lead_ids)} leads")
    answers = [first, walk, deep, by_status, by_opening, both, card]
    return baseline, answers, exports, sizes, problems


@contextlib.asynccontextmanager
async def _database(kind: str, workdir: Path) -> AsyncIterator[str]:
    if kind == "sqlite":
        url = f"sqlite+aiosqlite:///{workdir / 'leads.sqlite3'}"
        await upgrade(url)
        yield url
        return
    from bot.bench.updates import temporary_postgres

    async with temporary_postgres() as url:
        await upgrade(url)
        yield url


async def bench(
    leads: int = 20_000, samples: int = 40, only: str | None = None, data_dir: Path | None = None
) -> list[DatabaseResult | str]:
    data = data_dir or default_data_dir()
    results: list[DatabaseResult | str] = []
    for kind, label in (("sqlite", "SQLite"), ("postgres", "PostgreSQL")):
        if only and only != kind:
            continue
        with tempfile.TemporaryDirectory(prefix="fairbot-leads-") as tmp:
            try:
                async with _database(kind, Path(tmp)) as url:
                    results.append(await measure(url, label, leads, samples, data))
            except (RuntimeError, OSError) as error:
                results.append(f"{label}: skipped ({error})")
    return results


def run(args: argparse.Namespace) -> int:
    data = Path(args.data) if args.data else None
    print(
        f"fairbot bench leads: one organisation ({ORG}) with {args.leads:,} leads; end to end "
        "(a simulated representative on the fake Bot API over HTTP -> the real dispatcher and "
        "database -> the answer in their chat); bot = update fetched -> answer, person = "
        "action -> answer"
    )
    if hasattr(os, "getloadavg"):
        print(f"1-minute load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    results = asyncio.run(bench(args.leads, args.samples, args.only, data))
    failed = False
    for result in results:
        if isinstance(result, str):
            print(result)
            continue
        print(result.summary())
        failed = failed or not result.ok
    if hasattr(os, "getloadavg"):
        load = os.getloadavg()[0]
        print(f"1-minute load average at the end: {load:.2f} (other work shares the CPU)")
    return 1 if failed else 0
