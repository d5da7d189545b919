"""The morning digest: due at DIGEST_TIME in the forum's zone, once per representative and day
whatever the number of processes and passes, only when there is something new."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.config import Settings, SettingsError
from bot.db.engine import create_engine, create_sessionmaker
from bot.i18n import Translator
from bot.schedule.scheduler import ReminderScheduler
from bot.services.digests import OUTBOX_DIGEST, LeadDigests, due_moment, next_moment
from bot.services.fairdata import FairData, FairDataStore
from bot.services.reminders import Rendering
from tests.leads.conftest import OTHER, Fair

ALMATY = ZoneInfo("Asia/Almaty")
NINE = time(9, 0)


def almaty(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 10, day, hour, minute, tzinfo=ALMATY)


def test_due_and_next_moments_are_in_the_forum_zone() -> None:
    at = almaty(2, 8, 59)
    assert due_moment(at, ALMATY, NINE) == almaty(1, 9)
    assert next_moment(at, ALMATY, NINE) == almaty(2, 9)
    assert due_moment(almaty(2, 9), ALMATY, NINE) == almaty(2, 9)
    assert next_moment(almaty(2, 9), ALMATY, NINE) == almaty(3, 9)
    assert almaty(2, 9).astimezone(UTC).hour == 4


def _digests(
    sessionmaker: async_sessionmaker[AsyncSession], translator: Translator, fair_data: FairData
) -> LeadDigests:
    return LeadDigests(
        sessionmaker=sessionmaker, rendering=Rendering(translator, ALMATY),
        fair=FairDataStore(fair_data), at=NINE, zone=ALMATY,
    )  # fmt: skip


async def test_digest_once_a_day_with_only_what_is_new(
    fair: Fair, translator: Translator, fair_data: FairData
) -> None:
    clock = fair.clock
    clock.set(almaty(1, 12))
    rep = await fair.rep("Rep", language="ru")
    rival = await fair.rep("Rival", OTHER)
    await fair.student("Айгерим", at=almaty(1, 18), university="КазНУ")
    await fair.student("Bolat", at=almaty(2, 7))
    await fair.student("Too late", at=almaty(2, 9, 1))
    digests, other_process = (_digests(fair.sessionmaker, translator, fair_data) for _ in range(2))

    early = await digests.fire(almaty(1, 20))  # that morning's digest, late: nothing new then
    assert (early.claimed, early.sent) == (2, 0)
    assert await fair.outbox(OUTBOX_DIGEST) == []

    report = await digests.fire(almaty(2, 9))
    again = await other_process.fire(almaty(2, 9, 0))
    later = await digests.fire(almaty(2, 9, 30))
    assert (report.claimed, report.sent) == (2, 1)  # the rival's organisation got nothing
    assert (again.claimed, later.claimed) == (0, 0)
    rows = await fair.outbox(OUTBOX_DIGEST)
    assert [row.chat_id for row in rows] == [rep.id]
    text = rows[0].payload["text"]
    assert "Доброе утро" in text
    assert ": 2" in text
    assert "Айгерим" in text
    assert "КазНУ" in text
    assert "Bolat" in text
    assert "Too late" not in text
    assert rival.id not in [row.chat_id for row in rows]

    nothing_new = await digests.fire(almaty(4, 9))  # the 3rd was missed (down): the 4th covers it
    assert nothing_new.sent == 1
    rows = await fair.outbox(OUTBOX_DIGEST)
    assert len(rows) == 2
    assert "Too late" in rows[1].payload["text"]
    assert "Bolat" not in rows[1].payload["text"]
    quiet = await digests.fire(almaty(5, 9))
    assert (quiet.claimed, quiet.sent) == (2, 0)
    assert len(await fair.outbox(OUTBOX_DIGEST)) == 2


async def test_a_long_digest_fits_one_message(
    fair: Fair, translator: Translator, fair_data: FairData
) -> None:
    fair.clock.set(almaty(1, 12))
    await fair.rep("Rep", language="kk")
    for n in range(12):
        await fair.student((f"{n} " + "Ә" * 200)[:200], at=almaty(1, 13), university="Ү" * 200)
    await _digests(fair.sessionmaker, translator, fair_data).fire(almaty(2, 9))
    [row] = await fair.outbox(OUTBOX_DIGEST)
    text = row.payload["text"]
    assert len(text) < 4096
    assert "Қайырлы таң" in text
    assert "тағы 2" in text


async def test_a_late_pass_sends_within_the_grace_only(
    fair: Fair, translator: Translator, fair_data: FairData
) -> None:
    fair.clock.set(almaty(1, 12))
    await fair.rep("Rep")
    await fair.student("Aigerim", at=almaty(1, 13))
    digests = _digests(fair.sessionmaker, translator, fair_data)
    assert (await digests.fire(almaty(2, 21, 30))).claimed == 0  # 12.5 h late: next morning
    assert (await digests.fire(almaty(3, 9, 5))).sent == 1
    assert len(await fair.outbox(OUTBOX_DIGEST)) == 1


async def test_two_processes_at_once_send_one_digest(
    fair: Fair, translator: Translator, fair_data: FairData, database_url: str
) -> None:
    fair.clock.set(almaty(1, 12))
    for n in range(5):
        await fair.rep(f"Rep {n}")
    await fair.student("Aigerim", at=almaty(1, 13))
    engines = [create_engine(database_url) for _ in range(2)]
    try:
        passes = [_digests(create_sessionmaker(e), translator, fair_data) for e in engines]
        reports = await asyncio.gather(*(p.fire(almaty(2, 9)) for p in passes))
    finally:
        for engine in engines:
            await engine.dispose()
    assert sum(r.claimed for r in reports) == 5
    rows = await fair.outbox(OUTBOX_DIGEST)
    assert len(rows) == 5
    assert len({row.chat_id for row in rows}) == 5


async def test_the_reminder_scheduler_runs_the_digest(
    fair: Fair,
    translator: Translator,
    fair_data: FairData,
) -> None:
    clock = FakeClock(almaty(2, 9, 10))
    fair.clock.set(almaty(1, 12))
    await fair.rep("Rep")
    await fair.student("Aigerim", at=almaty(1, 13))
    store = FairDataStore(fair_data)
    digests = LeadDigests(
        sessionmaker=fair.sessionmaker, rendering=Rendering(translator, ALMATY), fair=store,
        at=NINE, zone=ALMATY,
    )  # fmt: skip
    scheduler = ReminderScheduler(
        sessionmaker=fair.sessionmaker, clock=clock, fair=store,
        rendering=Rendering(translator, ALMATY), sweep_seconds=3600, passes=[digests],
    )  # fmt: skip
    await scheduler.start()
    try:
        assert len(await fair.outbox(OUTBOX_DIGEST)) == 1
        await scheduler.fire_passes()  # a sweep later the same morning
        assert len(await fair.outbox(OUTBOX_DIGEST)) == 1
    finally:
        await scheduler.stop()


def test_digest_time_setting(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings()
    assert settings.digest_time == time(9, 0)
    assert make_settings(digest_time="07:30").digest_time == time(7, 30)
    with pytest.raises(SettingsError, match="DIGEST_TIME is malformed"):
        make_settings(digest_time="nine")
