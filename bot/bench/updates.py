"""`fairbot bench updates`: students onboarding through the fake Telegram, against an echo bot.

Method. This process runs the fake Bot API server and the simulated students (the load
driver); the bot under test runs as `fairbot run` in another process, exactly as deployed, and
so does the baseline: a bare aiogram Dispatcher with `echo_router()` and `start_polling`. Both
answer the same number of updates per student on the same server in the same run. On a machine
with two cores the driver is pinned to one and the bots to the other.

Two measurements per bot:

- saturated: every student sends the next update as soon as the previous one is answered (a
  closed loop without think time). This measures throughput (updates/s); its latency is mostly
  queueing (by Little's law about students / throughput) for either bot, so it is printed but
  says little about a fair.
- human pace: a pause of 0.5-2 s (random) before each step, as a person reading and tapping.
  The offered load is then ~students / 1.25 s; p50/p99 reply latency here is what a student
  at a busy fair feels.

Latency runs from the moment the bot received an update (getUpdates answer or webhook POST)
to its first reaction in that chat (a message, an edit or a callback answer).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.callbacks import (
    ConsentChoice,
    LanguageChoice,
    OnboardingAction,
    SeekingPick,
    StudyLevelChoice,
    TopicPick,
)
from bot.fakeapi.load import LoadReport, Steps, percentile, run_conversations
from bot.fakeapi.server import FakeTelegramServer, Timings
from bot.fakeapi.users import BotMessage, SimUser

REPO = Path(__file__).resolve().parents[2]
ECHO_TOKEN = "7000000002:FAKE-echo-baseline-token"
ECHO_DB_TOKEN = "7000000004:FAKE-echo-with-a-database"
FAIRBOT_TOKEN = "7000000003:FAKE-fairbot-under-test"
THINK_SECONDS = (0.5, 2.0)
READY_TIMEOUT = 60.0
LANGS = ("kk", "ru", "en")

# What a student types at each text step, by the language of their Telegram app.
INTERESTS = {
    "kk": "ғарыштық түсірілімдерді өңдеу және ГАЖ",
    "ru": "обработка космических снимков и ГИС, машинное обучение",
    "en": "satellite imagery processing, GIS and machine learning",
}


# --- processes ----------------------------------------------------------------------------------


@dataclass
class BotProcess:
    """A bot running in its own process, its output in a log file."""

    process: asyncio.subprocess.Process
    log_path: Path
    listen: str | None = None  # host:port of its webhook server

    async def stop(self, grace: float = 15.0) -> int:
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), grace)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        return self.process.returncode or 0

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _clean_env() -> dict[str, str]:
    # The bot under test must not pick up the operator's own settings.
    drop = ("BOT_TOKEN", "TELEGRAM_API_URL", "DATABASE_URL", "REDIS_URL", "REDIS_PREFIX",
            "WEBHOOK_", "THROTTLE_", "LOG_", "ADMIN_IDS")  # fmt: skip
    return {k: v for k, v in os.environ.items() if not k.startswith(drop)}


async def start_bots(
    server: FakeTelegramServer,
    *,
    token: str,
    database_url: str,
    workdir: Path,
    count: int = 1,
    webhook: bool = False,
    data_dir: Path | None = None,
    cpus: set[int] | None = None,
    extra_env: dict[str, str] | None = None,
) -> list[BotProcess]:
    """Start `count` `fairbot run` processes for `token` against `server` and wait until they
    are serving (polling, or with their webhook registered). Several processes only make sense
    in webhook mode (with Redis for shared state): the server spreads deliveries over them."""
    if count > 1 and not webhook:
        raise ValueError("several bot processes need webhook mode (one poller per token)")
    account = server.account(token)
    account.polled.clear()
    processes: list[BotProcess] = []
    targets: list[str] = []
    secret = f"bench-{uuid.uuid4().hex[:12]}"  # one webhook, one secret for all processes
    for number in range(count):
        env = _clean_env()
        env.update(
            BOT_TOKEN=token,
            TELEGRAM_API_URL=server.base_url,
            DATABASE_URL=database_url,
            DATA_DIR=str(data_dir or REPO / "data"),
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        listen = None
        if webhook:
            listen = f"127.0.0.1:{free_port()}"
            env.update(
                WEBHOOK_BASE_URL=f"http://{listen}",
                WEBHOOK_SECRET=secret,
                WEBHOOK_LISTEN=listen,
            )
            targets.append(f"http://{listen}/telegram/webhook")
        env.update(extra_env or {})
        log_path = workdir / f"bot-{token.split(':')[0]}-{number}.log"
        log = log_path.open("wb")
        try:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run",
                cwd=workdir, env=env, stdout=log, stderr=asyncio.subprocess.STDOUT,
            )  # fmt: skip
        finally:
            log.close()
        if cpus:
            with contextlib.suppress(OSError, AttributeError):
                os.sched_setaffinity(process.pid, cpus)
        processes.append(BotProcess(process, log_path, listen))
    if count > 1:
        server.webhook_targets = targets
    try:
        await _wait_ready(server, token, processes, webhook=webhook)
    except BaseException:
        for bot in processes:
            await bot.stop()
        raise
    return processes


async def _wait_ready(
    server: FakeTelegramServer, token: str, processes: Sequence[BotProcess], *, webhook: bool
) -> None:
    account = server.account(token)
    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        if webhook and account.webhook is not None:
            return
        if not webhook and account.polled.is_set():
            return
        for bot in processes:
            if bot.process.returncode is not None:
                raise RuntimeError(
                    f"the bot exited with {bot.process.returncode}:\n{bot.log_tail()}"
                )
        if time.monotonic() > deadline:
            raise RuntimeError(f"the bot did not start within {READY_TIMEOUT:.0f} s")
        await asyncio.sleep(0.05)


ECHO_MAIN = """
import asyncio, sys
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from bot.fakeapi.echo import echo_router

async def main(base, token):
    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(base)))
    dp = Dispatcher()
    dp.include_router(echo_router())
    await dp.start_polling(bot, handle_signals=True)

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""

# The echo bot plus the least a bot that keeps anything durable does per update: one SQLAlchemy
# async transaction with one INSERT, on fairbot's engine (bot.db.engine), before the answer.
ECHO_DB_MAIN = """
import asyncio, sys
from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message, Update
from sqlalchemy import BigInteger, Column, MetaData, Table, Text, insert
from sqlalchemy.ext.asyncio import async_sessionmaker
from bot.db.engine import create_engine

log = Table("echo_log", MetaData(), Column("update_id", BigInteger, primary_key=True),
            Column("chat_id", BigInteger), Column("text", Text))

async def main(base, token, url):
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(log.metadata.create_all)
    sessions = async_sessionmaker(engine)
    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(base)))
    dp = Dispatcher()

    @dp.message(F.text)
    async def echo(message: Message, event_update: Update) -> None:
        async with sessions.begin() as session:
            await session.execute(insert(log).values(
                update_id=event_update.update_id, chat_id=message.chat.id, text=message.text))
        await message.answer(message.text, parse_mode=None)

    await dp.start_polling(bot, handle_signals=True)
    await engine.dispose()

asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3]))
"""


async def start_echo_bot(
    server: FakeTelegramServer,
    workdir: Path,
    cpus: set[int] | None = None,
    *,
    database_url: str | None = None,
) -> BotProcess:
    """The baseline: a bare aiogram echo bot (no database, no middlewares) polling `server`;
    with `database_url`, the echo bot writing one row per update there first (ECHO_DB_TOKEN)."""
    token = ECHO_TOKEN if database_url is None else ECHO_DB_TOKEN
    account = server.account(token)
    account.polled.clear()
    log_path = workdir / ("echo.log" if database_url is None else "echo-db.log")
    code, args = (ECHO_MAIN, []) if database_url is None else (ECHO_DB_MAIN, [database_url])
    log = log_path.open("wb")
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", code, server.base_url, token, *args,
            cwd=REPO, stdout=log, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
    finally:
        log.close()
    if cpus:
        with contextlib.suppress(OSError, AttributeError):
            os.sched_setaffinity(process.pid, cpus)
    bot = BotProcess(process, log_path)
    await _wait_ready(server, token, [bot], webhook=False)
    return bot


# --- conversations ------------------------------------------------------------------------------

Pause = Callable[[], Awaitable[None]]


async def _no_pause() -> None:
    return None


def _human_pause(rng: random.Random) -> Pause:
    async def pause() -> None:
        await asyncio.sleep(rng.uniform(*THINK_SECONDS))

    return pause


def _has(prefix: str) -> Callable[[BotMessage], bool]:
    return lambda m: any((b.callback_data or "").startswith(prefix) for b in m.buttons)


def _checked(data: str) -> Callable[[BotMessage], bool]:
    return lambda m: any(b.callback_data == data and b.text.startswith("✓") for b in m.buttons)


def _step(number: int) -> Callable[[BotMessage], bool]:
    marker = f"{number}/10."  # the question number is the same in every language
    return lambda m: marker in m.body


async def onboarding(user: SimUser, steps: Steps, pause: Pause) -> None:
    """/start to the match cards: 14 updates, buttons and typing, in the user's language."""
    lang = user.language_code if user.language_code in LANGS else "en"
    timeout = steps.reply_timeout

    async def until(predicate: Callable[[BotMessage], bool]) -> None:
        await user.wait_for_message(predicate, timeout=timeout)

    async def send(name: str, text: str, then: Callable[[BotMessage], bool]) -> None:
        await pause()
        await steps.timed(name, lambda: user.send(text))
        await until(then)

    async def press(name: str, data: str, then: Callable[[BotMessage], bool] | None) -> None:
        await pause()
        await steps.press(name, data=data)
        if then is not None:
            await until(then)

    await send("start", "/start", _has("lg:"))
    await press("language", LanguageChoice(lang=lang).pack(), _has("cs:"))
    await press("consent", ConsentChoice(agree=True).pack(), _step(1))
    await press("name", OnboardingAction(action="tg-name").pack(), _step(2))
    await send("university", "KazNU", _step(3))
    await press("study level", StudyLevelChoice(degree="bachelor", year=3).pack(), _step(4))
    await send("field", "Physics", _step(5))
    await send("interests", INTERESTS[lang], _step(6))
    await press("topics done", TopicPick(action="done").pack(), _step(7))
    internship = SeekingPick(kind="internship").pack()
    await press("seeking toggle", internship, _checked(internship))
    await press("seeking done", SeekingPick(kind="done").pack(), _step(8))
    await pause()
    await steps.timed("phone", lambda: user.share_contact())
    await until(_step(9))
    await send("email", f"student{user.id}@example.org", _step(10))
    await send("cv skipped", "skip", _has("m:share:"))


async def help_only(user: SimUser, steps: Steps, pause: Pause) -> None:
    """14 × /help: what every update costs in the bot's core (transaction, ledger, person,
    state, language, one answer) before any student logic."""
    for number in range(14):
        await pause()
        await steps.send(f"help {number}", "/help")


async def echo(user: SimUser, steps: Steps, pause: Pause) -> None:
    """The same number of updates to the echo bot, each answer checked."""
    for number in range(14):
        text = f"message {number} from {user.id}"
        await pause()
        reply = await steps.send(f"echo {number}", text)
        if reply.text != text:
            raise AssertionError(f"echo answered {reply.text!r} to {text!r}")


# --- the bench ----------------------------------------------------------------------------------


@dataclass
class Figures:
    name: str
    saturated: LoadReport
    human: LoadReport

    def line(self, report: LoadReport) -> str:
        values = report.all_latencies()
        p50 = percentile(values, 0.5) * 1000 if values else float("nan")
        p99 = percentile(values, 0.99) * 1000 if values else float("nan")
        failed = f", {len(report.errors)} students failed" if report.errors else ""
        return (
            f"{report.updates_per_second:8.1f} updates/s  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms"
            f"  ({report.updates} updates{failed})"
        )


@dataclass
class BenchResult:
    database: str
    students: int
    echo: Figures
    fairbot: Figures
    core_floor: LoadReport
    database_floor: LoadReport
    notes: list[str] = field(default_factory=list)

    def _of_echo(self, report: LoadReport) -> str:
        echo = self.echo.saturated.updates_per_second
        return f"{report.updates_per_second / echo * 100:.0f}%" if echo else "?"

    def summary(self) -> str:
        ratio = (
            self.fairbot.saturated.updates_per_second / self.echo.saturated.updates_per_second
            if self.echo.saturated.updates_per_second
            else 0.0
        )
        human = self.fairbot.human.all_latencies()
        p99 = percentile(human, 0.99) * 1000 if human else float("inf")
        out = [
            f"== fairbot bench updates: {self.students} students, database {self.database} ==",
            "saturated (closed loop, no think time; latency here is queueing, ~students/rate):",
            f"  echo baseline  {self.echo.line(self.echo.saturated)}",
            f"  fairbot        {self.fairbot.line(self.fairbot.saturated)}",
            f"  fairbot /help  {self.fairbot.line(self.core_floor)}  <- the core alone, no journey",
            f"  echo + DB      {self.echo.line(self.database_floor)}  <- "
            f"{self._of_echo(self.database_floor)} of echo: the echo bot with one SQLAlchemy "
            "transaction (one INSERT) per update",
            f"human pace (think {THINK_SECONDS[0]}-{THINK_SECONDS[1]} s before each step):",
            f"  echo baseline  {self.echo.line(self.echo.human)}",
            f"  fairbot        {self.fairbot.line(self.fairbot.human)}",
            f"target: updates/s >= 50% of echo -> {ratio * 100:.0f}% "
            f"({'met' if ratio >= 0.5 else 'NOT met'}); "
            f"p99 <= 150 ms at human pace -> {p99:.1f} ms ({'met' if p99 <= 150 else 'NOT met'})",
            *self.notes,
        ]
        errors = [*self.fairbot.saturated.errors, *self.fairbot.human.errors]
        if errors:
            out.append(f"first failure: {errors[0]}")
        return "\n".join(out)


@contextlib.asynccontextmanager
async def temporary_postgres() -> AsyncIterator[str]:
    """A PostgreSQL database on 127.0.0.1:5432 for this run, dropped afterwards."""
    import asyncpg

    admin = None
    for user in ("postgres", "root"):
        with contextlib.suppress(OSError, asyncpg.PostgresError):
            admin = await asyncpg.connect(
                host="127.0.0.1", port=5432, user=user, database="postgres"
            )
            break
    if admin is None:
        raise RuntimeError("PostgreSQL does not answer on 127.0.0.1:5432")
    name = f"fairbot_bench_{uuid.uuid4().hex[:10]}"
    role = admin.get_settings().session_authorization or "postgres"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+asyncpg://{role}@127.0.0.1:5432/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def _cpu_split() -> tuple[set[int] | None, set[int] | None]:
    """(driver cpus, bot cpus): one core each when there are two or more."""
    try:
        available = sorted(os.sched_getaffinity(0))
    except AttributeError:
        return None, None
    if len(available) < 2:
        return None, None
    return {available[0]}, {available[1]}


async def echo_baseline(
    server: FakeTelegramServer, workdir: Path, students: int, cpus: set[int] | None
) -> tuple[LoadReport, LoadReport]:
    """The bare aiogram echo bot driven by the same students, saturated then at a human pace:
    the baseline every `bench updates` run prints beside fairbot."""
    echo_bot = await start_echo_bot(server, workdir, cpus)
    try:
        saturated = await _drive(server, echo, students=students, token=ECHO_TOKEN,
                                 human=False, seed=1)  # fmt: skip
        human = await _drive(server, echo, students=students, token=ECHO_TOKEN,
                             human=True, seed=2)  # fmt: skip
    finally:
        await echo_bot.stop()
    return saturated, human


async def echo_with_database(
    server: FakeTelegramServer,
    workdir: Path,
    database_url: str,
    students: int,
    cpus: set[int] | None,
) -> LoadReport:
    """The echo bot writing one row per update to `database_url`, saturated: what a durable
    write per update costs on this database before any bot logic."""
    bot = await start_echo_bot(server, workdir, cpus, database_url=database_url)
    try:
        return await _drive(server, echo, students=students, token=ECHO_DB_TOKEN,
                            human=False, seed=6)  # fmt: skip
    finally:
        await bot.stop()


async def _drive(
    server: FakeTelegramServer,
    conversation: Callable[[SimUser, Steps, Pause], Awaitable[None]],
    *,
    students: int,
    token: str,
    human: bool,
    seed: int,
) -> LoadReport:
    rng = random.Random(seed)

    async def run(user: SimUser, steps: Steps) -> None:
        await conversation(user, steps, _human_pause(rng) if human else _no_pause)

    return await run_conversations(server, run, users=students, token=token, reply_timeout=30.0)


async def bench(students: int = 100, *, postgres: bool = False) -> BenchResult:
    driver_cpus, bot_cpus = _cpu_split()
    if driver_cpus:
        os.sched_setaffinity(0, driver_cpus)
    notes = []
    if driver_cpus and bot_cpus:
        notes.append(f"driver + fake server on cpu {min(driver_cpus)}, bots on cpu {min(bot_cpus)}")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    notes.append(f"1-minute load average at start: {load:.2f} (above ~0.5 other work is running)")
    timings = Timings(reply_timeout=30.0, callback_answer_timeout=30.0)
    with tempfile.TemporaryDirectory(prefix="fairbot-bench-") as tmp:
        workdir = Path(tmp)
        async with FakeTelegramServer(timings=timings) as server:
            echo_sat, echo_human = await echo_baseline(server, workdir, students, bot_cpus)
            async with contextlib.AsyncExitStack() as stack:
                if postgres:
                    url = await stack.enter_async_context(temporary_postgres())
                    database = "PostgreSQL"
                else:
                    url = f"sqlite+aiosqlite:///{workdir / 'bench.sqlite3'}"
                    database = "SQLite"
                bots = await start_bots(
                    server, token=FAIRBOT_TOKEN, database_url=url, workdir=workdir, cpus=bot_cpus,
                )  # fmt: skip
                try:
                    database_floor = await echo_with_database(server, workdir, url, students,
                                                              bot_cpus)  # fmt: skip
                    floor = await _drive(server, help_only, students=students,
                                         token=FAIRBOT_TOKEN, human=False, seed=5)  # fmt: skip
                    bot_sat = await _drive(server, onboarding, students=students,
                                           token=FAIRBOT_TOKEN, human=False, seed=3)  # fmt: skip
                    bot_human = await _drive(server, onboarding, students=students,
                                             token=FAIRBOT_TOKEN, human=True, seed=4)  # fmt: skip
                finally:
                    for bot in bots:
                        await bot.stop()
                if bot_sat.errors or bot_human.errors:
                    notes.append("bot log tail:\n" + bots[0].log_tail(15))
    return BenchResult(
        database,
        students,
        Figures("echo", echo_sat, echo_human),
        Figures("fairbot", bot_sat, bot_human),
        floor,
        database_floor,
        notes,
    )


def run(args: argparse.Namespace) -> int:
    if getattr(args, "processes", 1) > 1 or getattr(args, "redis", False):
        from bot.bench.cluster import run as run_cluster

        return run_cluster(args)
    result = asyncio.run(bench(args.students, postgres=args.postgres))
    print(result.summary())
    if args.steps:
        for figures in (result.fairbot,):
            print("\nper step, fairbot saturated:\n" + figures.saturated.summary())
            print("\nper step, fairbot human pace:\n" + figures.human.summary())
    failed = result.fairbot.saturated.errors or result.fairbot.human.errors
    return 1 if failed else 0
