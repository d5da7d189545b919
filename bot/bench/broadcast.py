"""`fairbot bench broadcast`: the delivery engine against the fake Bot API with flood control on.

Each scenario starts a fresh SQLite database, 10,000 recipients (simulated users who started the
bot, and their rows), a fake Telegram server in this process with its rate limit, and the real
`fairbot run` as a subprocess, which sends the broadcast an organiser confirmed. Figures come
from what the fake server recorded: rate, 429s, requests made during a ban, duplicates, losses;
the in-flight window is sampled from the outbox. Scenarios:

1. free: the server allows 30 msg/s (429 above); target ≥ 0.95 of the limit, 0 requests during
   a ban, 0 duplicates, 0 losses.
2. paid: the server allows 1,000 msg/s (paid broadcasts); target ≥ 500 msg/s sustained (half
   the limit when it is scaled down).
3. kill: `kill -9` of the bot at 50 %, then a restart: duplicates (at most the rows in flight at
   the kill) and losses (0).

The baseline, measured in the same run: a bare aiogram client (no database, no limiter) sending
as fast as it can to the same kind of fake server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import SystemClock
from bot.datacheck import default_data_dir
from bot.db.engine import create_engine, create_sessionmaker
from bot.db.migrate import upgrade
from bot.db.models import OutboxMessage, User
from bot.fakeapi import FakeTelegramServer
from bot.fakeapi.load import measure_send_rate
from bot.i18n import Translator
from bot.services import broadcasts
from bot.services.audiences import default_audiences
from bot.services.broadcasts import BroadcastContent

TARGET_SHARE = 0.95
TARGET_PAID_SHARE = 0.5  # of the paid limit: 500 msg/s at 1,000
TEXT = "📣 <b>{name}</b>, the plenary moves to <i>hall B</i> at 15:00."


@dataclass
class Scenario:
    name: str
    limit: int
    rate: float
    kill_at: float | None = None  # share of recipients delivered when the bot is killed


@dataclass
class Figures:
    recipients: int
    enqueue_seconds: float = 0.0
    duration: float = 0.0
    rate: float = 0.0
    sustained: float = 0.0
    retry_after: int = 0
    during_ban: int = 0
    duplicates: int = 0
    losses: int = 0
    max_in_flight: int = 0
    in_flight_at_kill: int = 0
    delivered_at_kill: int = 0
    resumed_after: float = 0.0
    cpu_per_message: float = 0.0
    progress_edits: int = 0
    report_sent: bool = False
    notes: list[str] = field(default_factory=list)


def _env(
    server: FakeTelegramServer, url: str, scenario: Scenario, data_dir: Path
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WEBHOOK_", "REDIS_"))}
    env.update(
        BOT_TOKEN=server.token,
        TELEGRAM_API_URL=server.base_url,
        DATABASE_URL=url,
        DATA_DIR=str(data_dir),
        DELIVERY_RATE=f"{scenario.rate:g}",
        PAID_BROADCAST="true" if scenario.rate > 30 else "false",
        LOG_LEVEL="WARNING",
        LOG_FORMAT="text",
    )
    return env


async def _start_bot(env: dict[str, str], workdir: Path, log: Any) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=workdir, env=env, stdout=log, stderr=log
    )


async def _stop_bot(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), 15)
        except TimeoutError:
            process.kill()
            await process.wait()


async def _seed(
    server: FakeTelegramServer,
    sessionmaker: async_sessionmaker[AsyncSession],
    recipients: int,
) -> tuple[set[int], int, int]:
    """Recipients in the fake server and the database, an organiser, and the broadcast they
    confirmed (as the console does it). Returns recipient ids, organiser id, enqueue seconds."""
    now = SystemClock().now()
    languages = ("kk", "ru", "en")
    people = [
        server.user(f"Reader {n}", language_code=languages[n % 3], started=True)
        for n in range(recipients)
    ]
    async with sessionmaker() as session, session.begin():
        await session.execute(
            insert(User),
            [
                {"id": p.id, "language": languages[n % 3], "created_at": now, "is_active": True}
                for n, p in enumerate(people)
            ],
        )
    organiser = server.user("Organiser", started=True)
    bot = server.make_bot()
    try:
        control = await bot.send_message(organiser.id, "Broadcast #1")
    finally:
        await bot.session.close()
    registry = default_audiences()
    audience = await _audience(sessionmaker, registry)
    started = time.perf_counter()
    async with sessionmaker() as session, session.begin():
        draft = await broadcasts.create_draft(
            session,
            organiser_id=organiser.id,
            lang="en",
            content=BroadcastContent("text", TEXT),
            audience=audience,
            now=now,
        )
        await broadcasts.confirm(
            session,
            draft.id,
            organiser_id=organiser.id,
            now=now,
            registry=registry,
            translator=Translator(),
            progress_chat_id=organiser.id,
            progress_message_id=control.message_id,
        )
    return {p.id for p in people}, organiser.id, time.perf_counter() - started


async def _audience(sessionmaker: async_sessionmaker[AsyncSession], registry: Any) -> Any:
    async with sessionmaker() as session:
        audience = await registry.resolve(session, "all", None)
    assert audience is not None
    return audience


async def _outbox(sessionmaker: async_sessionmaker[AsyncSession]) -> Counter[str]:
    async with sessionmaker() as session:
        rows = await session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.kind == broadcasts.KIND)
            .group_by(OutboxMessage.status)
        )
        return Counter({str(status): int(n) for status, n in rows.all()})


class Tally:
    """Deliveries to the recipients so far, counted incrementally: the fake server shares this
    process, and rescanning thousands of requests every half second would stall it and bunch
    up its arrival times (which its flood control would then punish)."""

    def __init__(self, server: FakeTelegramServer, recipients: set[int]) -> None:
        self._calls = server.requests.by_method["sendMessage"]
        self._recipients = recipients
        self._seen = 0
        self.delivered = 0

    def update(self) -> int:
        calls, end = self._calls, len(self._calls)
        for call in calls[self._seen : end]:
            if call.ok and call.chat_id in self._recipients:
                self.delivered += 1
        self._seen = end
        return self.delivered


def _delivered(server: FakeTelegramServer, recipients: set[int]) -> list[Any]:
    return [c for c in server.calls("sendMessage", ok=True) if c.chat_id in recipients]


async def run_scenario(
    scenario: Scenario, recipients: int, data_dir: Path, *, echo: bool
) -> Figures:
    figures = Figures(recipients)
    with tempfile.TemporaryDirectory(prefix="fairbot-bench-") as tmp:
        workdir = Path(tmp)
        url = f"sqlite+aiosqlite:///{workdir / 'bench.sqlite3'}"
        await upgrade(url)
        engine = create_engine(url)
        sessionmaker = create_sessionmaker(engine)
        try:
            async with FakeTelegramServer(rate_limit=scenario.limit) as server:
                people, organiser, figures.enqueue_seconds = await _seed(
                    server, sessionmaker, recipients
                )
                await _drive(
                    server,
                    sessionmaker,
                    scenario,
                    figures,
                    people,
                    workdir,
                    data_dir,
                    url,
                    echo=echo,
                )
                calls = _delivered(server, people)
                per_chat = Counter(int(c.chat_id) for c in calls)
                figures.duplicates = sum(n - 1 for n in per_chat.values())
                figures.losses = len(people - set(per_chat))
                figures.retry_after = server.stats.retry_after_given
                figures.during_ban = server.stats.requests_during_ban
                figures.progress_edits = len(
                    [c for c in server.calls("editMessageText", ok=True) if c.chat_id == organiser]
                )
                figures.report_sent = any(
                    c.chat_id == organiser and "finished" in str(c.params.get("text"))
                    for c in server.calls("sendMessage", ok=True)[-10:]
                )
                if len(calls) > 1:
                    figures.duration = calls[-1].monotonic - calls[0].monotonic
                    figures.rate = (len(calls) - 1) / figures.duration
                    low, high = calls[len(calls) // 10], calls[len(calls) * 9 // 10]
                    span = high.monotonic - low.monotonic
                    figures.sustained = (len(calls) * 8 // 10) / span if span > 0 else 0.0
        finally:
            await engine.dispose()
    return figures


def _cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) of a live process, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _drive(
    server: FakeTelegramServer,
    sessionmaker: async_sessionmaker[AsyncSession],
    scenario: Scenario,
    figures: Figures,
    people: set[int],
    workdir: Path,
    data_dir: Path,
    url: str,
    *,
    echo: bool,
) -> None:
    env = _env(server, url, scenario, data_dir)
    total = len(people)
    deadline = time.monotonic() + max(120.0, total / scenario.rate * 3)
    cpu_mark: tuple[float, int] | None = None  # (CPU seconds, deliveries) when sending began
    tally = Tally(server, people)
    with (workdir / "bot.log").open("ab") as log:
        process = await _start_bot(env, workdir, log)
        killed_at: float | None = None
        try:
            while True:
                await asyncio.sleep(0.1 if scenario.kill_at and killed_at is None else 0.5)
                delivered = tally.update()
                cpu = _cpu_seconds(process.pid)
                if cpu is not None and delivered:
                    if cpu_mark is None:
                        cpu_mark = (cpu, delivered)
                    else:
                        spent, count = cpu - cpu_mark[0], delivered - cpu_mark[1]
                        figures.cpu_per_message = spent / max(1, count)
                counts = await _outbox(sessionmaker)
                figures.max_in_flight = max(figures.max_in_flight, counts["sending"])
                if echo:
                    print(f"\r   … {delivered:,} of {total:,} delivered", end="", flush=True)
                if scenario.kill_at and killed_at is None and delivered >= total * scenario.kill_at:
                    process.kill()  # kill -9: no chance to release or record anything
                    await process.wait()
                    killed_at = time.monotonic()
                    figures.delivered_at_kill = tally.update()
                    figures.in_flight_at_kill = (await _outbox(sessionmaker))["sending"]
                    process = await _start_bot(env, workdir, log)
                    cpu_mark = None  # a new process
                    continue
                resumed = killed_at is not None and delivered > figures.delivered_at_kill
                if resumed and killed_at is not None and not figures.resumed_after:
                    figures.resumed_after = time.monotonic() - killed_at
                if counts["pending"] + counts["sending"] == 0:
                    # The final report goes through the outbox after the next progress turn.
                    with contextlib.suppress(AssertionError):
                        await server.wait_until(lambda: _report_sent(server), timeout=10)
                    break
                if process.returncode is not None:
                    figures.notes.append(f"the bot exited with {process.returncode}; see its log")
                    break
                if time.monotonic() > deadline:
                    figures.notes.append("timed out waiting for the broadcast to finish")
                    break
        finally:
            await _stop_bot(process)
            if echo:
                print("\r" + " " * 60 + "\r", end="", flush=True)


def _report_sent(server: FakeTelegramServer) -> bool:
    recent = server.requests.by_method["sendMessage"][-10:]
    return any(call.ok and "finished" in str(call.params.get("text")) for call in recent)


def _ok(passed: bool) -> str:
    return "ok" if passed else "MISSED"


def _checks(scenario: Scenario, figures: Figures) -> dict[str, bool]:
    checks = {"ban": figures.during_ban == 0, "losses": figures.losses == 0}
    if scenario.kill_at is not None:
        checks["duplicates"] = figures.duplicates <= figures.in_flight_at_kill
    else:
        checks["duplicates"] = figures.duplicates == 0
        if scenario.name == "free":
            checks["rate"] = figures.rate / scenario.limit >= TARGET_SHARE
        else:
            checks["rate"] = figures.sustained >= scenario.limit * TARGET_PAID_SHARE
    return checks


def _print(scenario: Scenario, figures: Figures) -> None:
    checks = _checks(scenario, figures)
    lines = [
        f"enqueued {figures.recipients:,} rendered messages in {figures.enqueue_seconds:.2f} s"
    ]
    if scenario.kill_at is None:
        lines.append(
            f"delivered {figures.recipients - figures.losses:,} in {figures.duration:.1f} s: "
            f"{figures.rate:.1f} msg/s overall, {figures.sustained:.1f} msg/s sustained "
            f"(middle 80 %)"
        )
        if scenario.name == "free":
            lines.append(
                f"achieved rate: {figures.rate / scenario.limit:.3f} of the {scenario.limit} "
                f"msg/s limit (target >= {TARGET_SHARE})  {_ok(checks['rate'])}"
            )
        else:
            lines.append(
                f"sustained rate: {figures.sustained:.0f} msg/s (target >= "
                f"{scenario.limit * TARGET_PAID_SHARE:.0f})  {_ok(checks['rate'])}"
            )
    else:
        lines += [
            f"killed (SIGKILL) after {figures.delivered_at_kill:,} deliveries, with "
            f"{figures.in_flight_at_kill:,} rows in flight (claimed, not recorded)",
            f"restarted at once; sending resumed {figures.resumed_after:.1f} s after the kill "
            f"(start-up; the new process takes over the dead one's rows at once)",
        ]
    lines.append(
        f"429s received: {figures.retry_after}; requests during a ban: {figures.during_ban} "
        f"(target 0)  {_ok(checks['ban'])}"
    )
    bound = f"at most {figures.in_flight_at_kill}" if scenario.kill_at is not None else "0"
    lines += [
        f"duplicates: {figures.duplicates} (target {bound})  {_ok(checks['duplicates'])}; "
        f"losses: {figures.losses} (target 0)  {_ok(checks['losses'])}",
        f"in-flight window: at most {figures.max_in_flight} rows claimed and not recorded "
        f"(sampled every 0.5 s)",
        f"bot process CPU while sending: {figures.cpu_per_message * 1e6:.0f} us per message; "
        f"progress message edited {figures.progress_edits} times; final report "
        f"{'sent' if figures.report_sent else 'NOT sent'}",
        *(f"note: {note}" for note in figures.notes),
    ]
    for line in lines:
        print(f"   {line}")


async def _baseline() -> float:
    async with FakeTelegramServer() as server:
        rate = await measure_send_rate(server, messages=5_000, clients=1, concurrency=50)
    return rate.per_second


def _passed(scenario: Scenario, figures: Figures) -> bool:
    return all(_checks(scenario, figures).values()) and not figures.notes


async def _main(args: argparse.Namespace, data_dir: Path) -> int:
    scenarios = {
        "free": Scenario("free", args.limit, args.rate or round(args.limit * args.headroom, 2)),
        "paid": Scenario(
            "paid", args.paid_limit, args.paid_rate or round(args.paid_limit * args.headroom, 2)
        ),
        "kill": Scenario(
            "kill",
            args.paid_limit,
            args.paid_rate or round(args.paid_limit * args.headroom, 2),
            kill_at=0.5,
        ),
    }
    chosen = [scenarios[name] for name in args.only] if args.only else list(scenarios.values())
    print(
        f"fairbot bench broadcast — {args.recipients:,} recipients, SQLite, "
        f"{os.cpu_count()} CPU(s); `fairbot run` as a subprocess against the fake Bot API"
    )
    if args.baseline:
        baseline = await _baseline()
        print(
            f"baseline: a bare aiogram client (no database, no limiter) sends {baseline:,.0f} "
            f"msg/s to the fake server"
        )
    titles = {
        "free": "free tier: server limit {limit} msg/s (429 above), DELIVERY_RATE={rate:g}",
        "paid": "paid broadcasts: server limit {limit} msg/s, DELIVERY_RATE={rate:g}",
        "kill": "kill -9 at 50 % and restart: server limit {limit} msg/s, DELIVERY_RATE={rate:g}",
    }
    passed = True
    for number, scenario in enumerate(chosen, 1):
        print(
            f"{number}. " + titles[scenario.name].format(limit=scenario.limit, rate=scenario.rate)
        )
        figures = await run_scenario(scenario, args.recipients, data_dir, echo=sys.stdout.isatty())
        _print(scenario, figures)
        passed &= _passed(scenario, figures)
    return 0 if passed else 1


def run(args: argparse.Namespace) -> int:
    data_dir = Path(args.data).resolve() if args.data else default_data_dir().resolve()
    with contextlib.suppress(KeyboardInterrupt):
        return asyncio.run(_main(args, data_dir))
    return 130
