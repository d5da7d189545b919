"""`fairbot bench updates --processes N --postgres --redis`: the student journey against several
bot processes behind the fake Telegram's load balancer, next to one SQLite process and the echo
bot, in the same run.

Configurations, each measured saturated (closed loop) and at human pace, as `bot.bench.updates`
does for one process:

- echo baseline: bare aiogram, long polling;
- fairbot, one process, SQLite, long polling (the single-host setup);
- fairbot, one process, webhook, PostgreSQL + Redis;
- fairbot, N processes, webhook, PostgreSQL + Redis: the fake server spreads deliveries over
  them round robin (one person's updates still one at a time, as Telegram sends them).

Every fairbot configuration gets a fresh database (and Redis key prefix, deleted afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from redis.asyncio import Redis

from bot.bench.updates import (
    FAIRBOT_TOKEN,
    THINK_SECONDS,
    BotProcess,
    Figures,
    _cpu_split,
    _drive,
    echo_baseline,
    onboarding,
    start_bots,
    temporary_postgres,
)
from bot.fakeapi.server import FakeTelegramServer, Timings

REDIS_URL = "redis://127.0.0.1:6379/0"


@dataclass
class ClusterResult:
    students: int
    rows: list[tuple[str, Figures]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        out = [f"== fairbot bench updates (processes): {self.students} students, same run =="]
        out.append("saturated (closed loop, no think time):")
        out += [f"  {name:<34}{figures.line(figures.saturated)}" for name, figures in self.rows]
        out.append(f"human pace (think {THINK_SECONDS[0]}-{THINK_SECONDS[1]} s before each step):")
        out += [f"  {name:<34}{figures.line(figures.human)}" for name, figures in self.rows]
        out += self.notes
        return "\n".join(out)

    @property
    def failed(self) -> bool:
        return any(f.saturated.errors or f.human.errors for name, f in self.rows if name != "echo")


@contextlib.asynccontextmanager
async def redis_prefix(url: str) -> AsyncIterator[str]:
    """A key prefix of its own on the Redis at `url`; its keys are deleted afterwards."""
    prefix = f"fairbot-bench:{uuid.uuid4().hex[:10]}"
    client = Redis.from_url(url)
    try:
        await client.ping()
        yield prefix
    finally:
        with contextlib.suppress(Exception):
            keys = [key async for key in client.scan_iter(match=f"{prefix}:*", count=500)]
            if keys:
                await client.delete(*keys)
        await client.aclose()


async def _all_serving(bots: list[BotProcess]) -> None:
    """Wait until every webhook process answers /healthz (the first one to register the webhook
    makes the server deliver; the others may still be starting)."""
    listening = [bot.listen for bot in bots if bot.listen]
    async with aiohttp.ClientSession() as http, asyncio.timeout(60):
        for listen in listening:
            while True:
                with contextlib.suppress(aiohttp.ClientError):
                    async with http.get(f"http://{listen}/healthz") as response:
                        if response.status == 200:
                            break
                await asyncio.sleep(0.1)


async def _fairbot(
    server: FakeTelegramServer,
    workdir: Path,
    *,
    name: str,
    students: int,
    count: int,
    database: str,
    redis: str | None,
    cpus: set[int] | None,
) -> tuple[Figures, str]:
    """Run the journey saturated and at human pace against `count` processes."""
    env: dict[str, str] = {}
    async with contextlib.AsyncExitStack() as stack:
        if database == "postgres":
            url = await stack.enter_async_context(temporary_postgres())
        else:
            url = f"sqlite+aiosqlite:///{workdir / f'{uuid.uuid4().hex[:8]}.sqlite3'}"
        if redis is not None:
            prefix = await stack.enter_async_context(redis_prefix(redis))
            env.update(REDIS_URL=redis, REDIS_PREFIX=prefix)
        bots = await start_bots(
            server, token=FAIRBOT_TOKEN, database_url=url, workdir=workdir, count=count,
            webhook=redis is not None, cpus=cpus, extra_env=env,
        )  # fmt: skip
        try:
            await _all_serving(bots)
            saturated = await _drive(server, onboarding, students=students, token=FAIRBOT_TOKEN,
                                     human=False, seed=3)  # fmt: skip
            human = await _drive(server, onboarding, students=students, token=FAIRBOT_TOKEN,
                                 human=True, seed=4)  # fmt: skip
        finally:
            for bot in bots:
                await bot.stop()
            server.webhook_targets = None
        tail = bots[0].log_tail(15) if saturated.errors or human.errors else ""
    return Figures(name, saturated, human), tail


async def cluster_bench(
    students: int = 100, *, processes: int = 2, postgres: bool = True, redis: str = REDIS_URL
) -> ClusterResult:
    driver_cpus, bot_cpus = _cpu_split()
    if driver_cpus:
        os.sched_setaffinity(0, driver_cpus)
    result = ClusterResult(students)
    if driver_cpus and bot_cpus:
        result.notes.append(
            f"driver + fake server on cpu {min(driver_cpus)}, bots on cpu(s) "
            f"{','.join(map(str, sorted(bot_cpus)))}: with one core for the bots, several "
            "processes share it (the figure then shows the cost of spreading, not scale-out)"
        )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    result.notes.append(f"1-minute load average at start: {load:.2f}")
    database = "postgres" if postgres else "sqlite"
    shared = "PostgreSQL + Redis" if postgres else "SQLite + Redis"
    configs = [
        ("fairbot 1 process SQLite (poll)", 1, "sqlite", None),
        (f"fairbot 1 process {shared}", 1, database, redis),
        (f"fairbot {processes} processes {shared}", processes, database, redis),
    ]
    timings = Timings(reply_timeout=30.0, callback_answer_timeout=30.0)
    with tempfile.TemporaryDirectory(prefix="fairbot-bench-") as tmp:
        workdir = Path(tmp)
        async with FakeTelegramServer(timings=timings) as server:
            echo_sat, echo_human = await echo_baseline(server, workdir, students, bot_cpus)
            result.rows.append(("echo baseline", Figures("echo", echo_sat, echo_human)))
            for name, count, db, redis_url in configs:
                figures, tail = await _fairbot(
                    server, workdir, name=name, students=students, count=count, database=db,
                    redis=redis_url, cpus=bot_cpus,
                )  # fmt: skip
                result.rows.append((name, figures))
                if tail:
                    result.notes.append(f"{name} log tail:\n{tail}")
    return result


def run(args: argparse.Namespace) -> int:
    result = asyncio.run(
        cluster_bench(args.students, processes=args.processes, postgres=args.postgres)
    )
    print(result.summary())
    return 1 if result.failed else 0
