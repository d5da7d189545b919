"""A forum of the tests' own: a data directory with its schedule, the reminder machinery on a real
database and a FakeClock, and helpers to subscribe people and read the outbox."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.db.models import OutboxMessage, Reminder, StudentMatch, User
from bot.i18n import Translator
from bot.schedule.scheduler import ReminderScheduler
from bot.services import agenda
from bot.services.fairdata import FairDataStore, load_fair_data
from bot.services.reminders import FireReport, Rendering

ROOT = Path(__file__).resolve().parents[2]
ALMATY = ZoneInfo("Asia/Almaty")


def almaty(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of the test forum (September 2027), Almaty wall-clock time."""
    return datetime(2027, 9, day, hour, minute, tzinfo=ALMATY)


def entry(
    session_id: str,
    starts: str,
    ends: str,
    *,
    kind: str = "talk",
    title: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """One sessions.yaml entry with its texts in all three languages."""
    name = title or session_id.replace("-", " ").title()
    return {
        "id": session_id,
        "kind": kind,
        "title": {"en": name, "ru": f"{name} (ru)", "kk": f"{name} (kk)"},
        "description": {"en": f"About {name}.", "ru": "Описание.", "kk": "Сипаттама."},
        "venue": {"en": "Main hall", "ru": "Главный зал", "kk": "Басты зал"},
        "starts": starts,
        "ends": ends,
        **extra,
    }


DEFAULT_SESSIONS = [
    entry("workshop", "2027-09-08T10:00", "2027-09-08T13:00", kind="workshop", room="A-1"),
    entry("symposium", "2027-09-08T10:00", "2027-09-08T13:00", kind="symposium"),
    entry(
        "career-fair", "2027-09-08T14:00", "2027-09-08T17:00", kind="career-fair",
        exhibitors=["garysh-sapary", "rcsc", "ghalam"],
    ),
    entry("plenary", "2027-09-09T10:00+05:00", "2027-09-09T12:30+05:00", kind="plenary"),
]  # fmt: skip


@dataclass
class Forum:
    """The reminder side of one bot process, on the test's database and clock."""

    data_dir: Path
    store: FairDataStore
    sessionmaker: async_sessionmaker[AsyncSession]
    clock: FakeClock
    rendering: Rendering
    scheduler: ReminderScheduler
    extra: list[ReminderScheduler] = field(default_factory=list)

    def write(self, sessions: list[dict[str, Any]], zone: str = "Asia/Almaty") -> None:
        write_sessions(self.data_dir, sessions, zone)

    async def reload(self, sessions: list[dict[str, Any]]) -> None:
        """What the organiser's /reload does: load the files, then put them in force."""
        self.write(sessions)
        await self.store.replace(load_fair_data(self.data_dir))

    def process(
        self, sessionmaker: async_sessionmaker[AsyncSession] | None = None
    ) -> ReminderScheduler:
        """Another bot process (or the same one after a restart) on the same database."""
        scheduler = ReminderScheduler(
            sessionmaker=sessionmaker or self.sessionmaker,
            clock=self.clock,
            fair=self.store,
            rendering=self.rendering,
            nudge_minutes=30,
        )
        self.extra.append(scheduler)
        return scheduler

    async def fire(self, at: datetime | None = None) -> FireReport:
        if at is not None:
            self.clock.set(at)
        return await self.scheduler.fire()

    async def person(
        self, user_id: int, *, language: str | None = "en", time_zone: str | None = None
    ) -> int:
        async with self.sessionmaker() as session, session.begin():
            session.add(
                User(
                    id=user_id, created_at=self.clock.now(), language=language,
                    time_zone=time_zone, is_active=True,
                )
            )  # fmt: skip
        return user_id

    async def subscribe(self, user_id: int, *session_ids: str) -> None:
        async with self.sessionmaker() as session, session.begin():
            for session_id in session_ids:
                outcome = await agenda.toggle_subscription(
                    session, user_id=user_id, session_id=session_id, language="en",
                    now=self.clock.now(),
                )  # fmt: skip
                assert outcome is agenda.Toggle.ON, (session_id, outcome)

    async def choose_offsets(self, user_id: int, *minutes: int) -> None:
        async with self.sessionmaker() as session, session.begin():
            current = set(await agenda.reminder_offsets(session, user_id))
            for value in current ^ set(minutes):
                await agenda.toggle_offset(session, user_id, value, now=self.clock.now())

    async def match(self, user_id: int, *slugs: str, dismissed: tuple[str, ...] = ()) -> None:
        async with self.sessionmaker() as session, session.begin():
            for rank, slug in enumerate(slugs, start=1):
                session.add(
                    StudentMatch(
                        user_id=user_id, org_slug=slug, rank=rank, score=1.0 / rank, reasons=[],
                        openings=[], computed_at=self.clock.now(),
                        dismissed_at=self.clock.now() if slug in dismissed else None,
                    )
                )  # fmt: skip

    async def outbox(self, kind: str | None = None) -> list[OutboxMessage]:
        async with self.sessionmaker() as session:
            query = select(OutboxMessage).order_by(OutboxMessage.id)
            if kind is not None:
                query = query.where(OutboxMessage.kind == kind)
            return list((await session.scalars(query)).all())

    async def reminders(self) -> list[Reminder]:
        async with self.sessionmaker() as session:
            rows = await session.scalars(select(Reminder).order_by(Reminder.id))
            return list(rows.all())


def write_sessions(
    data_dir: Path, sessions: list[dict[str, Any]], zone: str = "Asia/Almaty"
) -> None:
    text = yaml.safe_dump({"zone": zone, "sessions": sessions}, allow_unicode=True)
    (data_dir / "sessions.yaml").write_text(text, encoding="utf-8")


def copy_catalogue(target: Path) -> Path:
    """The real data files, all but the schedule (each test writes its own)."""
    target.mkdir(parents=True, exist_ok=True)
    for source in (ROOT / "data").glob("*.yaml"):
        if source.name != "sessions.yaml":
            shutil.copy(source, target / source.name)
    return target


@pytest.fixture
def forum_clock() -> FakeClock:
    """Two days before the test forum."""
    return FakeClock(datetime(2027, 9, 6, 12, 0, tzinfo=UTC))


@pytest.fixture
async def forum(
    tmp_path: Path,
    sessionmaker: async_sessionmaker[AsyncSession],
    forum_clock: FakeClock,
    translator: Translator,
) -> Forum:
    data_dir = copy_catalogue(tmp_path / "forum-data")
    write_sessions(data_dir, DEFAULT_SESSIONS)
    store = FairDataStore(load_fair_data(data_dir))
    rendering = Rendering(translator, ALMATY)
    scheduler = ReminderScheduler(
        sessionmaker=sessionmaker, clock=forum_clock, fair=store, rendering=rendering,
        nudge_minutes=30,
    )  # fmt: skip
    await scheduler.sync()  # what start() does first
    store.on_replace(scheduler.on_replace)
    return Forum(data_dir, store, sessionmaker, forum_clock, rendering, scheduler)


@pytest.fixture
def text_of() -> Callable[[OutboxMessage], str]:
    def text(row: OutboxMessage) -> str:
        return str(row.payload["text"])

    return text


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)
