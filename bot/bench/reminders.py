"""`fairbot bench reminders`: one session, thousands of subscribers, their reminders due at the same
moment, through the fake Bot API's flood control.

Each scenario starts a fresh SQLite database and data directory whose schedule has one session,
N simulated users who started the bot and subscribed to it (reminder 15 minutes before, the
default), a fake Telegram server in this process with its rate limit, and the real `fairbot run`
as a subprocess. The reminders fall due `--lead` seconds after the bot was started. Figures come
from what the fake server recorded. Scenarios:

1. steady: the bot runs through the due moment.
2. restart: the bot is stopped (SIGTERM) `--restart-before` seconds before the due moment and
   started again at once.
3. kill (only with --only kill): the same with kill -9.

Targets: the first reminder out within 2 s of the due moment; all out within the rate-limited
minimum (N / limit, computed: the baseline no sender can beat) plus 10 %; none twice; none lost.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import SystemClock
from bot.datacheck import default_data_dir
from bot.db.engine import create_engine, create_sessionmaker
from bot.db.migrate import upgrade
from bot.db.models import OutboxMessage, SessionSubscription, User
from bot.fakeapi import FakeTelegramServer
from bot.i18n import Translator
from bot.services.fairdata import load_fair_data
from bot.services.reminders import OUTBOX_REMINDER, Rendering, sync_schedule

TARGET_FIRST = 2.0  # seconds after the due moment
TARGET_OVERHEAD = 0.10  # over the rate-limited minimum
SESSION_ID = "bench-session"
OFFSET = timedelta(minutes=15)
ZONE = ZoneInfo("Asia/Almaty")


@dataclass
class Scenario:
    name: str
    stop_signal: signal.Signals | None = None  # restart the bot before the due moment


@dataclass
class Figures:
    subscribers: int
    limit: int
    first_delay: float | None = None
    all_delay: float | None = None
    enqueued_after: float | None = None  # first reminder row in the outbox after the due moment
    delivered: int = 0
    duplicates: int = 0
    losses: int = 0
    retry_after: int = 0
    during_ban: int = 0
    down_for: float | None = None  # from the stop to the new process asking for updates
    stop_took: float | None = None  # from the signal to the old process's exit
    notes: list[str] = field(default_factory=list)

    @property
    def minimum(self) -> float:
        """The rate-limited minimum: `limit` messages a second from the due moment on."""
        return self.subscribers / self.limit

    def checks(self) -> dict[str, bool]:
        return {
            "first": self.first_delay is not None and self.first_delay <= TARGET_FIRST,
            "all": self.all_delay is not None
            and self.all_delay <= self.minimum * (1 + TARGET_OVERHEAD),
            "duplicates": self.duplicates == 0,
            "losses": self.losses == 0,
        }


def _sessions_yaml(starts: datetime) -> str:
    ends = starts + timedelta(hours=1)
    session = {
        "id": SESSION_ID,
        "kind": "plenary",
        "title": {"en": "Plenary session", "ru": "Пленарное заседание", "kk": "Пленарлық отырыс"},
        "description": {"en": "Bench.", "ru": "Тест.", "kk": "Тест."},
        "venue": {"en": "Main hall", "ru": "Главный зал", "kk": "Басты зал"},
        "starts": starts.astimezone(ZONE).isoformat(timespec="seconds"),
        "ends": ends.astimezone(ZONE).isoformat(timespec="seconds"),
    }
    return yaml.safe_dump({"zone": "Asia/Almaty", "sessions": [session]}, allow_unicode=True)


def _data_dir(source: Path, target: Path, starts: datetime) -> Path:
    target.mkdir()
    for path in source.glob("*.yaml"):
        if path.name != "sessions.yaml":
            shutil.copy(path, target / path.name)
    (target / "sessions.yaml").write_text(_sessions_yaml(starts), encoding="utf-8")
    return target


async def _seed_people(
    server: FakeTelegramServer, sessionmaker: async_sessionmaker[AsyncSession], subscribers: int
) -> set[int]:
    """People who started the bot (in the fake server and in `users`)."""
    now = SystemClock().now()
    languages = ("kk", "ru", "en")
    people = [
        server.user(f"Participant {n}", language_code=languages[n % 3], started=True)
        for n in range(subscribers)
    ]
    async with sessionmaker() as session, session.begin():
        await session.execute(
            insert(User),
            [
                {"id": p.id, "language": languages[n % 3], "created_at": now, "is_active": True}
                for n, p in enumerate(people)
            ],
        )
    return {p.id for p in people}


async def _seed_schedule(
    sessionmaker: async_sessionmaker[AsyncSession], data_dir: Path, people: set[int]
) -> None:
    """The schedule in the database, and everyone tapped Remind me on its session."""
    now = SystemClock().now()
    async with sessionmaker() as session, session.begin():
        await sync_schedule(
            session,
            load_fair_data(data_dir).schedule,
            now=now,
            rendering=Rendering(Translator(), ZONE),
        )
        await session.execute(
            insert(SessionSubscription),
            [
                {"user_id": p, "session_id": SESSION_ID, "created_at": now, "language": None}
                for p in sorted(people)
            ],
        )


def _env(server: FakeTelegramServer, url: str, data_dir: Path, rate: float) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WEBHOOK_", "REDIS_"))}
    env.update(
        BOT_TOKEN=server.token,
        TELEGRAM_API_URL=server.base_url,
        DATABASE_URL=url,
        DATA_DIR=str(data_dir),
        DELIVERY_RATE=f"{rate:g}",
        PAID_BROADCAST="false",
        LOG_LEVEL="WARNING",
        LOG_FORMAT="text",
        TZ="Asia/Almaty",
    )
    return env


async def _start_bot(env: dict[str, str], workdir: Path, log: Any) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=workdir, env=env, stdout=log, stderr=log
    )


async def _stop_bot(process: asyncio.subprocess.Process, how: signal.Signals) -> None:
    if process.returncode is None:
        process.send_signal(how)
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await process.wait()


def _delivered(server: FakeTelegramServer, people: set[int]) -> list[Any]:
    return [c for c in server.calls("sendMessage", ok=True) if c.chat_id in people]


async def _first_enqueued(sessionmaker: async_sessionmaker[AsyncSession]) -> datetime | None:
    async with sessionmaker() as session:
        first: datetime | None = await session.scalar(
            select(func.min(OutboxMessage.created_at)).where(OutboxMessage.kind == OUTBOX_REMINDER)
        )
        return first


async def run_scenario(
    scenario: Scenario,
    *,
    subscribers: int,
    limit: int,
    rate: float,
    lead: float,
    restart_before: float,
    source: Path,
    echo: bool,
) -> Figures:
    figures = Figures(subscribers, limit)
    with tempfile.TemporaryDirectory(prefix="fairbot-bench-") as tmp:
        workdir = Path(tmp)
        url = f"sqlite+aiosqlite:///{workdir / 'bench.sqlite3'}"
        await upgrade(url)
        engine = create_engine(url)
        sessionmaker = create_sessionmaker(engine)
        try:
            async with FakeTelegramServer(rate_limit=limit) as server:
                people = await _seed_people(server, sessionmaker, subscribers)
                # The session is placed so that its reminders fall due `lead` s after the start.
                due = (SystemClock().now() + timedelta(seconds=lead)).replace(microsecond=0)
                data_dir = _data_dir(source, workdir / "data", due + OFFSET)
                await _seed_schedule(sessionmaker, data_dir, people)
                due_monotonic = time.monotonic() + (due - SystemClock().now()).total_seconds()
                env = _env(server, url, data_dir, rate)
                await _drive(
                    server, scenario, figures, people, env, workdir, due_monotonic,
                    restart_before, rate, echo=echo,
                )  # fmt: skip
                calls = _delivered(server, people)
                per_chat = Counter(int(c.chat_id) for c in calls)
                figures.delivered = len(per_chat)
                figures.duplicates = sum(n - 1 for n in per_chat.values())
                figures.losses = len(people - set(per_chat))
                figures.retry_after = server.stats.retry_after_given
                figures.during_ban = server.stats.requests_during_ban
                if calls:
                    figures.first_delay = calls[0].monotonic - due_monotonic
                    figures.all_delay = calls[-1].monotonic - due_monotonic
                first = await _first_enqueued(sessionmaker)
                if first is not None:
                    figures.enqueued_after = (first - due).total_seconds()
        finally:
            await engine.dispose()
    return figures


async def _drive(
    server: FakeTelegramServer,
    scenario: Scenario,
    figures: Figures,
    people: set[int],
    env: dict[str, str],
    workdir: Path,
    due_monotonic: float,
    restart_before: float,
    rate: float,
    *,
    echo: bool,
) -> None:
    total = len(people)
    deadline = due_monotonic + total / rate * 2 + 30
    with (workdir / "bot.log").open("ab") as log:
        process = await _start_bot(env, workdir, log)
        try:
            if scenario.stop_signal is not None:
                await asyncio.sleep(max(0.0, due_monotonic - restart_before - time.monotonic()))
                stopped = time.monotonic()
                await _stop_bot(process, scenario.stop_signal)
                figures.stop_took = time.monotonic() - stopped
                process = await _start_bot(env, workdir, log)
                polled = await _next_poll(server, stopped, deadline=stopped + 60)
                figures.down_for = polled - stopped if polled is not None else None
                if polled is not None and polled > due_monotonic:
                    figures.notes.append("the restarted bot came up after the due moment")
            while len(_delivered(server, people)) < total:
                if echo:
                    done = len(_delivered(server, people))
                    print(f"\r   … {done:,} of {total:,} reminders delivered", end="", flush=True)
                if process.returncode is not None:
                    figures.notes.append(f"the bot exited with {process.returncode}; see its log")
                    break
                if time.monotonic() > deadline:
                    figures.notes.append("timed out waiting for the reminders")
                    break
                await asyncio.sleep(0.25)
            await asyncio.sleep(2)  # anything sent twice would come now
        finally:
            await _stop_bot(process, signal.SIGTERM)
            if echo:
                print("\r" + " " * 60 + "\r", end="", flush=True)


async def _next_poll(server: FakeTelegramServer, after: float, *, deadline: float) -> float | None:
    while time.monotonic() < deadline:
        polls = [c.monotonic for c in server.calls("getUpdates") if c.monotonic > after]
        if polls:
            return min(polls)
        await asyncio.sleep(0.05)
    return None


def _ok(passed: bool) -> str:
    return "ok" if passed else "MISSED"


def _print(scenario: Scenario, figures: Figures) -> None:
    checks = figures.checks()
    lines = []
    if figures.down_for is not None:
        how = "SIGKILL" if scenario.stop_signal == signal.SIGKILL else "SIGTERM"
        lines.append(
            f"bot stopped ({how}) {figures.stop_took or 0:.1f} s after the signal and started "
            f"again at once: asking Telegram for updates {figures.down_for:.1f} s after the signal"
        )
    if figures.enqueued_after is not None:
        lines.append(
            f"first reminder claimed into the outbox {figures.enqueued_after:+.3f} s after the "
            "due moment"
        )
    first = f"{figures.first_delay:.2f} s" if figures.first_delay is not None else "never"
    lines.append(
        f"first reminder received {first} after the due moment (target <= {TARGET_FIRST:g} s)"
        f"  {_ok(checks['first'])}"
    )
    if figures.all_delay is not None:
        bound = figures.minimum * (1 + TARGET_OVERHEAD)
        lines.append(
            f"all {figures.delivered:,} received {figures.all_delay:.1f} s after the due moment; "
            f"rate-limited minimum {figures.minimum:.1f} s ({figures.subscribers:,} at "
            f"{figures.limit}/s): {figures.all_delay / figures.minimum - 1:+.1%} (target <= "
            f"{bound:.1f} s, +{TARGET_OVERHEAD:.0%})  {_ok(checks['all'])}"
        )
    lines += [
        f"duplicates: {figures.duplicates} (target 0)  {_ok(checks['duplicates'])}; "
        f"losses: {figures.losses} (target 0)  {_ok(checks['losses'])}",
        f"429s received: {figures.retry_after}; requests during a ban: {figures.during_ban}",
        *(f"note: {note}" for note in figures.notes),
    ]
    for line in lines:
        print(f"   {line}")


async def _main(args: argparse.Namespace, source: Path) -> int:
    rate = args.rate or round(args.limit * args.headroom, 2)
    scenarios = {
        "steady": Scenario("steady"),
        "restart": Scenario("restart", signal.SIGTERM),
        "kill": Scenario("kill", signal.SIGKILL),
    }
    chosen = [scenarios[name] for name in (args.only or ["steady", "restart"])]
    print(
        f"fairbot bench reminders — {args.subscribers:,} subscribers of one session, reminders "
        f"due at the same moment; fake Bot API limit {args.limit} msg/s, DELIVERY_RATE={rate:g}; "
        f"SQLite; `fairbot run` as a subprocess; {os.cpu_count()} CPU(s)"
    )
    titles = {
        "steady": "the bot runs through the due moment",
        "restart": f"restart (SIGTERM) {args.restart_before:g} s before the due moment",
        "kill": f"kill -9 {args.restart_before:g} s before the due moment, then a restart",
    }
    passed = True
    for number, scenario in enumerate(chosen, 1):
        print(f"{number}. {titles[scenario.name]}")
        figures = await run_scenario(
            scenario,
            subscribers=args.subscribers,
            limit=args.limit,
            rate=rate,
            lead=args.lead,
            restart_before=args.restart_before,
            source=source,
            echo=sys.stdout.isatty(),
        )
        _print(scenario, figures)
        passed &= all(figures.checks().values()) and not figures.notes
    return 0 if passed else 1


def run(args: argparse.Namespace) -> int:
    source = Path(args.data).resolve() if args.data else default_data_dir().resolve()
    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(_main(args, source))
    return 130
