"""Claims, leases and outcomes on SQLite and PostgreSQL: disjoint claims, dead workers' rows taken
over, stale outcomes ignored."""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.db.models import OutboxMessage, User
from bot.delivery import store
from bot.delivery.outbox import Priority, cancel_pending, delivery_counts
from bot.delivery.store import Outcome
from tests.delivery.conftest import enqueue_texts, statuses

LEASE = timedelta(seconds=10)


async def _claim(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock, worker: str, limit: int
) -> list[store.Claimed]:
    async with sessionmaker() as session, session.begin():
        return await store.claim(session, worker=worker, limit=limit, now=clock.now(), lease=LEASE)


async def test_concurrent_claims_take_disjoint_rows_most_urgent_first(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    await enqueue_texts(sessionmaker, clock, range(1, 61))
    await enqueue_texts(
        sessionmaker, clock, range(100, 104), kind="reminder", priority=Priority.REMINDER, ref=None
    )
    claims = await asyncio.gather(*(_claim(sessionmaker, clock, f"w{n}", 20) for n in range(4)))
    ids = [row.id for rows in claims for row in rows]
    assert len(ids) == len(set(ids)) == 64
    first = next(rows for rows in claims if any(r.kind == "reminder" for r in rows))
    assert [r.kind for r in first[:4]] == ["reminder"] * 4
    async with sessionmaker() as session:
        owners = dict(
            (await session.execute(select(OutboxMessage.id, OutboxMessage.claimed_by))).all()
        )
    for number, rows in enumerate(claims):
        assert all(owners[row.id] == f"w{number}" for row in rows)


async def test_rows_of_a_dead_worker_are_taken_over_after_the_lease(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    await enqueue_texts(sessionmaker, clock, [1, 2, 3])
    dead = await _claim(sessionmaker, clock, "dead", 10)
    alive = await _claim(sessionmaker, clock, "alive", 10)
    assert (len(dead), alive) == (3, [])

    clock.advance(seconds=9)
    async with sessionmaker() as session, session.begin():
        assert await store.reclaim_expired(session, now=clock.now(), max_attempts=5) == 0
    clock.advance(seconds=2)
    async with sessionmaker() as session, session.begin():
        assert await store.reclaim_expired(session, now=clock.now(), max_attempts=5) == 3
    taken = await _claim(sessionmaker, clock, "alive", 10)
    assert sorted(r.id for r in taken) == sorted(r.id for r in dead)
    assert {r.attempts for r in taken} == {1}

    # The dead worker wakes up and reports: its outcome no longer counts.
    async with sessionmaker() as session, session.begin():
        await store.record(
            session,
            worker="dead",
            outcomes=[Outcome(dead[0].id, 1, "failed", 1, clock.now(), error="late")],
            now=clock.now(),
        )
    assert await statuses(sessionmaker) == {"sending": 3}


async def test_rows_of_a_worker_known_dead_are_taken_over_at_once(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    await enqueue_texts(sessionmaker, clock, [1, 2, 3])
    await _claim(sessionmaker, clock, "dead", 2)
    await _claim(sessionmaker, clock, "alive", 1)
    async with sessionmaker() as session, session.begin():
        assert sorted(await store.claimants(session)) == ["alive", "dead"]
        taken = await store.reclaim_expired(
            session, now=clock.now(), max_attempts=5, dead_workers=["dead"]
        )
    assert taken == 2
    assert await statuses(sessionmaker) == {"pending": 2, "sending": 1}


async def test_renewed_leases_are_kept_and_released_rows_go_back(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    await enqueue_texts(sessionmaker, clock, [1, 2, 3, 4])
    rows = await _claim(sessionmaker, clock, "w", 4)
    clock.advance(seconds=8)
    async with sessionmaker() as session, session.begin():
        assert await store.renew_leases(session, worker="w", now=clock.now(), lease=LEASE) == 4
        assert await store.release(session, worker="w", ids=[rows[0].id, rows[1].id]) == 2
    clock.advance(seconds=8)
    async with sessionmaker() as session, session.begin():
        assert await store.reclaim_expired(session, now=clock.now(), max_attempts=5) == 0
        assert await store.in_flight(session) == 2
    assert await statuses(sessionmaker) == {"pending": 2, "sending": 2}


async def test_a_row_that_outlives_its_workers_fails(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    await enqueue_texts(sessionmaker, clock, [1])
    for _ in range(3):
        await _claim(sessionmaker, clock, "crashing", 1)
        clock.advance(seconds=11)
        async with sessionmaker() as session, session.begin():
            await store.reclaim_expired(session, now=clock.now(), max_attempts=3)
    assert await statuses(sessionmaker) == {"failed": 1}


async def test_outcomes_are_recorded_and_blocked_people_made_inactive(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        session.add_all(User(id=n, created_at=clock.now()) for n in (1, 2, 3, 4))
    await enqueue_texts(sessionmaker, clock, [1, 2, 3, 4])
    rows = {r.chat_id: r for r in await _claim(sessionmaker, clock, "w", 10)}
    later = clock.now() + timedelta(seconds=30)
    outcomes = [
        Outcome(rows[1].id, 1, "sent", 1, rows[1].not_before, message_id=77),
        Outcome(rows[2].id, 2, "blocked", 1, rows[2].not_before, error="Forbidden"),
        Outcome(rows[3].id, 3, "pending", 1, later, error="Bad Gateway"),
        Outcome(rows[4].id, 4, "failed", 1, rows[4].not_before, error="x" * 300),
    ]
    async with sessionmaker() as session, session.begin():
        await store.record(session, worker="w", outcomes=outcomes, now=clock.now())
    async with sessionmaker() as session:
        saved = {r.chat_id: r for r in await session.scalars(select(OutboxMessage))}
        active = dict((await session.execute(select(User.id, User.is_active))).all())
    assert (saved[1].status, saved[1].message_id, saved[1].sent_at) == ("sent", 77, clock.now())
    assert (saved[2].status, saved[3].status, saved[4].status) == ("blocked", "pending", "failed")
    assert saved[3].not_before == later
    assert saved[3].claimed_by is None
    assert len(saved[4].last_error or "") == 255
    assert active == {1: True, 2: False, 3: True, 4: True}


async def test_cancel_leaves_claimed_rows_alone(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    await enqueue_texts(sessionmaker, clock, range(1, 11), ref="9")
    await _claim(sessionmaker, clock, "w", 3)
    async with sessionmaker() as session, session.begin():
        assert await cancel_pending(session, kind="broadcast", ref="9") == 7
        counts = await delivery_counts(session, kind="broadcast", ref="9")
    assert (counts["cancelled"], counts["sending"], counts.left, counts.total) == (7, 3, 3, 10)


def test_which_claimants_are_known_dead() -> None:
    from bot.delivery.worker import _dead_here, _host, _running_here

    here, pid = _host(), os.getpid()
    gone = 2**22 + 12345  # above Linux's default pid_max: no such process
    running = f"{here}:{pid}:aaaaaa"
    _running_here.add(running)
    try:
        assert not _dead_here(running)
        assert _dead_here(f"{here}:{pid}:bbbbbb")  # our pid, not running here: a predecessor
        assert _dead_here(f"{here}:{gone}:cccccc")
        assert not _dead_here(f"{here}:1:dddddd") or pid == 1  # pid 1 always exists
        assert not _dead_here(f"elsewhere:{gone}:eeeeee")  # another machine: wait for the lease
        assert not _dead_here("w1")
    finally:
        _running_here.discard(running)
