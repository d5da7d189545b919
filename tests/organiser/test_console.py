"""/stats (numbers and chart), /organisers (appoint, remove, admins only), /audit."""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.db.models import AuditEntry, ContactShare, StudentMatch
from bot.delivery.outbox import Outgoing, Priority, enqueue
from bot.fakeapi import SimUser
from bot.i18n import Translator
from bot.services import broadcasts
from bot.services.statistics import fair_stats
from bot.services.stats_report import plain, stats_chart, stats_text
from tests.organiser.conftest import Console

ALMATY_NOON = datetime(2025, 10, 1, 7, 0, tzinfo=UTC)  # 12:00 in Almaty (UTC+5)


async def seed_fair(console: Console) -> None:
    """Five students over three days, topics, matches, contacts and one broadcast's delivery."""
    clock = console.clock
    clock.set(ALMATY_NOON)
    day = timedelta(days=1)
    # 20:30 UTC on 29 Sep is already 30 Sep in Almaty.
    when = [ALMATY_NOON - 2 * day, ALMATY_NOON - day - timedelta(hours=10, minutes=30),
            ALMATY_NOON - day, ALMATY_NOON, ALMATY_NOON]  # fmt: skip
    topics = [("gis", "satcom"), ("gis",), ("gis", "rockets"), ("satcom",), ()]
    matches = [("ghalam", "rcsc"), ("ghalam",), ("rcsc",), ("ghalam",), ()]
    people = []
    for n in range(5):
        people.append(
            await console.person(
                f"S{n}", student=f"Student {n}", created_at=when[n], topics=topics[n],
                matches=matches[n], completed=n != 4,
            )
        )  # fmt: skip
    await console.person("Guest")
    async with console.sessionmaker() as session, session.begin():
        session.add_all(
            ContactShare(user_id=people[n].id, org_slug=org, created_at=clock.now())
            for n, org in ((0, "ghalam"), (1, "ghalam"), (2, "rcsc"))
        )
        dismissed = await session.get(StudentMatch, (people[3].id, "ghalam"))
        assert dismissed is not None
        dismissed.dismissed_at = clock.now()
        await enqueue(
            session,
            # Due tomorrow, so that the console's running worker leaves them pending.
            [
                Outgoing(p.id, {"method": "sendMessage", "text": "x"}, not_before=clock.now() + day)
                for p in people[:3]
            ],
            kind=broadcasts.KIND, priority=Priority.BROADCAST, now=clock.now(), ref="99",
        )  # fmt: skip


async def test_statistics_are_counted_right(console: Console, translator: Translator) -> None:
    await seed_fair(console)
    async with console.sessionmaker() as session:
        stats = await fair_stats(
            session, now=console.clock.now(), zone=console.settings.tz, days=3,
            organisations=["baiterek"],
        )  # fmt: skip
    assert (stats.students, stats.completed) == (5, 4)
    assert [(d.day.isoformat(), d.count) for d in stats.per_day] == [
        ("2025-09-29", 1), ("2025-09-30", 2), ("2025-10-01", 2)
    ]  # fmt: skip
    assert [(o.org, o.matches, o.contacts) for o in stats.per_org] == [
        ("ghalam", 2, 2), ("rcsc", 2, 1), ("baiterek", 0, 0)
    ]  # fmt: skip
    assert [(t.topic, t.students) for t in stats.topics] == [
        ("gis", 3), ("satcom", 2), ("rockets", 1)
    ]  # fmt: skip
    assert stats.delivery == {"pending": 3}
    text = plain(stats_text(translator.bind("en"), stats))
    assert "Students registered: 5 (profiles completed: 4)" in text
    assert "2025-09-30: 2" in text
    assert "ghalam: 2 / 2" in text
    assert "gis: 3" in text


async def test_stats_command_sends_figures_and_a_chart(console: Console) -> None:
    await seed_fair(console)
    await console.admin.send("/stats")
    text = await console.admin.next_message()
    assert "Fair statistics" in text.text
    assert "Students registered: 5 (profiles completed: 4)" in text.text
    assert "Ghalam LLP: 2 / 2" in text.text  # names from the catalogue in force
    assert "Baiterek (Kazakh-Russian joint venture): 0 / 0" in text.text
    assert "GIS and mapping: 3" in text.text
    chart = await console.admin.next_message(timeout=15)
    assert chart.kind == "photo"
    assert chart.caption == "Fair statistics as of 2025-10-01 12:00"
    png = chart.photo.content  # type: ignore[union-attr]
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (1200, 800)


async def test_chart_of_an_empty_fair_still_draws(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock, translator: Translator
) -> None:
    async with sessionmaker() as session:
        stats = await fair_stats(session, now=clock.now(), zone=ZoneInfo("Asia/Almaty"))
    assert (stats.students, stats.per_org, stats.topics) == (0, [], [])
    png = stats_chart(translator.bind("kk"), stats)
    assert png.startswith(b"\x89PNG")
    assert "әзірге жоқ" in stats_text(translator.bind("kk"), stats)


async def test_admins_appoint_and_remove_organisers(console: Console) -> None:
    helper = await console.person("Helper")
    admin = console.admin
    await helper.send("/broadcast")
    assert "I don't know the command" in (await helper.next_message()).text

    def menu(person: SimUser) -> list[str]:
        return [command["command"] for command in console.server.commands_for(person)]

    assert menu(admin)[-6:] == ["broadcast", "stats", "reload", "organisers", "audit", "console"]
    assert menu(helper) == []
    await admin.send(f"/organisers add {helper.id}")
    assert (await admin.next_message()).text == f"{helper.id} is now an organiser."
    assert "broadcast" in menu(helper)
    await admin.send(f"/organisers add {helper.id}")
    assert (await admin.next_message()).text == f"{helper.id} is an organiser already."
    await admin.send("/organisers add someone")
    assert "Give a Telegram user id" in (await admin.next_message()).text

    await helper.send("/broadcast")
    assert "New broadcast" in (await helper.next_message()).text
    await helper.send("/cancel")
    await helper.next_message()
    await helper.send("/organisers add 12345")
    assert "Only the admins" in (await helper.next_message()).text
    await helper.send("/organisers")
    listing = await helper.next_message()
    assert f"{admin.id} (admin)" in listing.text
    assert f"{helper.id} (appointed by {admin.id})" in listing.text
    refused = await helper.press(f"Remove {helper.id}")
    assert refused.text is not None
    assert "Only the admins" in refused.text

    await admin.send("/organisers")
    await admin.next_message()
    removed = await admin.press(f"Remove {helper.id}")
    assert removed.text == f"{helper.id} is no longer an organiser."
    assert menu(helper) == []
    assert f"{helper.id}" not in (await admin.next_message()).text
    await helper.send("/stats")
    assert "I don't know the command" in (await helper.next_message()).text

    await admin.send("/audit")
    log = await admin.next_message()
    assert log.text.splitlines()[1:] == [
        f"10-01 11:00 · {admin.id} · organiser.remove user:{helper.id}",
        f"10-01 11:00 · {admin.id} · organiser.appoint user:{helper.id}",
    ]
    async with console.sessionmaker() as session:
        actors = list(await session.scalars(select(AuditEntry.actor_id)))
    assert actors == [admin.id, admin.id]
