"""APScheduler as the clock, for real: timers planned from the database fire on time, follow a
reload, and stopping never cuts a pass in half."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import SystemClock
from bot.db.models import OutboxMessage, User
from bot.i18n import Translator
from bot.schedule.scheduler import ReminderScheduler
from bot.services import agenda
from bot.services.fairdata import FairDataStore, load_fair_data
from bot.services.reminders import Rendering
from tests.schedule.conftest import ALMATY, copy_catalogue, entry, write_sessions


def _iso(moment: datetime) -> str:
    return moment.astimezone(ALMATY).isoformat(timespec="milliseconds")


async def test_timers_fire_at_the_due_moment_and_follow_a_reload(
    tmp_path: Path, sessionmaker: async_sessionmaker[AsyncSession], translator: Translator
) -> None:
    clock = SystemClock()
    starts = clock.now().replace(microsecond=0) + timedelta(minutes=15, seconds=2)
    data_dir = copy_catalogue(tmp_path / "data")
    write_sessions(data_dir, [entry("talk", _iso(starts), _iso(starts + timedelta(hours=1)))])
    store = FairDataStore(load_fair_data(data_dir))
    scheduler = ReminderScheduler(
        sessionmaker=sessionmaker, clock=clock, fair=store,
        rendering=Rendering(translator, ALMATY), sweep_seconds=3600,
    )  # fmt: skip
    await scheduler.start()
    store.on_replace(scheduler.on_replace)
    try:
        due = starts - timedelta(minutes=15)
        assert due in scheduler.planned()
        async with sessionmaker() as session, session.begin():
            session.add(User(id=1, created_at=clock.now(), language="en", is_active=True))
            await session.flush()
            await agenda.toggle_subscription(
                session, user_id=1, session_id="talk", language="en", now=clock.now()
            )
        row = await _wait_for_outbox(sessionmaker, within=5)
        lateness = (row.created_at - due).total_seconds()
        assert 0 <= lateness < 1.0, lateness

        later = starts + timedelta(hours=2)
        write_sessions(data_dir, [entry("talk", _iso(later), _iso(later + timedelta(hours=1)))])
        await store.replace(load_fair_data(data_dir))
        assert due not in scheduler.planned()
        assert later - timedelta(minutes=15) in scheduler.planned()
    finally:
        await scheduler.stop()
    assert scheduler.planned() == []


async def _wait_for_outbox(
    sessionmaker: async_sessionmaker[AsyncSession], within: float
) -> OutboxMessage:
    deadline = asyncio.get_running_loop().time() + within
    while True:
        async with sessionmaker() as session:
            rows = (
                await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reminder"))
            ).all()
        if rows:
            assert len(rows) == 1
            return rows[0]
        assert asyncio.get_running_loop().time() < deadline, "no reminder fired"
        await asyncio.sleep(0.05)
