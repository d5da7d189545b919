"""Several bot processes on one PostgreSQL and one Redis: a person's updates take turns across
processes, and an update delivered to two processes at once is handled once.

Each "process" here is its own engine, Redis client, dispatcher and intake, as `bot.app.run`
builds them; the multi-process test (tests/process/test_cluster_process.py) does the same with
real processes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest
from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from redis.asyncio import Redis
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import build_bot, build_dispatcher, database_probe
from bot.clock import FakeClock
from bot.config import Settings
from bot.db.engine import create_engine, create_sessionmaker
from bot.db.models import ProcessedUpdate
from bot.fsm_storage import create_fsm_backend
from bot.pipeline import Outcome, UpdateIntake
from bot.repositories import updates as updates_repo
from tests.conftest import PostgresDatabases
from tests.updates import UpdateFactory

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


class Tally:
    """A handler that reads a number from the person's FSM data, takes its time, writes it + 1:
    two updates of one person handled at once would lose one increment."""

    def __init__(self) -> None:
        self.calls = 0

    def router(self) -> Router:
        router = Router(name="tally")

        @router.message(Command("tally"))
        async def tally(message: Message, state: FSMContext, session: AsyncSession) -> None:
            self.calls += 1
            data = await state.get_data()
            await session.execute(text("SELECT pg_sleep(0.02)"))
            await state.update_data(n=data.get("n", 0) + 1)

        return router


@dataclass
class Process:
    intake: UpdateIntake
    bot: Bot


@pytest.fixture
async def pg_url(postgres: PostgresDatabases) -> AsyncIterator[str]:
    name, url = await postgres.fresh()
    yield url
    await postgres.drop(name)


@pytest.fixture
async def processes(
    pg_url: str,
    redis_url: str,
    redis_prefix: str,
    make_settings: Callable[..., Settings],
    clock: FakeClock,
) -> AsyncIterator[tuple[list[Process], Tally]]:
    settings = make_settings(database_url=pg_url, redis_url=redis_url, redis_prefix=redis_prefix)
    tally = Tally()
    built: list[Process] = []
    closing: list[Callable[[], object]] = []
    for _ in range(2):
        engine = create_engine(pg_url)
        sessionmaker = create_sessionmaker(engine)
        redis = Redis.from_url(redis_url)
        fsm = create_fsm_backend(
            sessionmaker=sessionmaker, clock=clock, redis=redis, redis_prefix=redis_prefix
        )
        dp = build_dispatcher(
            settings, sessionmaker=sessionmaker, clock=clock, fsm=fsm, redis=redis,
            routers=[tally.router()],
        )  # fmt: skip
        bot = build_bot(settings)
        built.append(Process(UpdateIntake(dp, bot, database_probe=database_probe(engine)), bot))
        closing += [bot.session.close, redis.aclose, engine.dispose]
    yield built, tally
    for close in closing:
        await close()  # type: ignore[misc]


async def test_a_persons_updates_take_turns_across_processes(
    processes: tuple[list[Process], Tally], updates: UpdateFactory
) -> None:
    (first, second), tally = processes
    person = 5_100_001
    batch = [updates.message("/tally", user_id=person) for _ in range(8)]
    # Alternately on both processes, all at once (a load balancer spreading a burst).
    outcomes = await asyncio.gather(
        *((first if n % 2 else second).intake.process(u) for n, u in enumerate(batch))
    )
    assert outcomes == [Outcome.HANDLED] * len(batch)
    assert tally.calls == len(batch)
    fsm = first.intake._dispatcher.fsm  # the storage both share
    context = fsm.resolve_context(first.bot, chat_id=person, user_id=person)
    assert await context.get_data() == {"n": len(batch)}  # no increment lost


async def test_one_update_reaching_two_processes_is_handled_once(
    processes: tuple[list[Process], Tally], updates: UpdateFactory, pg_url: str
) -> None:
    (first, second), tally = processes
    update = updates.message("/tally", user_id=5_100_002)
    outcomes = await asyncio.gather(first.intake.process(update), second.intake.process(update))
    assert sorted(o.value for o in outcomes) == ["duplicate", "handled"]
    assert tally.calls == 1


async def test_the_ledger_claim_waits_for_the_other_transaction(pg_url: str) -> None:
    """The claim is an INSERT in the handler's transaction: a second claim of the same update id
    waits for the first transaction, then sees a duplicate (if it committed) or wins (if it
    rolled back). No Redis lock is involved here: this is what holds when two processes get
    one update for different people's locks or with no person at all."""
    engine = create_engine(pg_url)
    sessionmaker = create_sessionmaker(engine)
    now = FakeClock().now()
    try:
        async with sessionmaker() as first, sessionmaker() as second:
            assert await updates_repo.claim(first, 42, now=now)
            waiting = asyncio.create_task(updates_repo.claim(second, 42, now=now))
            await asyncio.sleep(0.2)
            assert not waiting.done()  # blocked on the first transaction's row
            await first.commit()
            assert await waiting is False
            await second.rollback()

            assert await updates_repo.claim(first, 43, now=now)
            waiting = asyncio.create_task(updates_repo.claim(second, 43, now=now))
            await asyncio.sleep(0.2)
            assert not waiting.done()
            await first.rollback()  # the handler failed: the claim is released
            assert await waiting is True
            await second.commit()
        async with sessionmaker() as session:
            claimed = await session.scalar(select(func.count()).select_from(ProcessedUpdate))
        assert claimed == 2
    finally:
        await engine.dispose()
