"""The organiser console running for real: dispatcher polling the fake Bot API, the outbox
worker and the progress updates on the same limited Bot, people seeded in the database."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.config import Settings
from bot.db.models import StudentMatch, StudentProfile, StudentTopic, User
from bot.delivery.limiter import MemorySendLimiter, limit_bot
from bot.delivery.progress import BroadcastProgress
from bot.delivery.worker import DeliveryConfig, OutboxWorker
from bot.fakeapi import FakeTelegramServer, SimUser, Timings
from bot.i18n import Translator
from bot.services.fairdata import FairDataStore, load_fair_data


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    timings = Timings(reply_timeout=5.0, callback_answer_timeout=5.0)
    async with FakeTelegramServer(timings=timings) as running:
        yield running


@dataclass
class Console:
    server: FakeTelegramServer
    admin: SimUser
    bot: Bot
    settings: Settings
    sessionmaker: async_sessionmaker[AsyncSession]
    clock: FakeClock
    fair: FairDataStore

    async def person(
        self,
        first_name: str,
        *,
        language: str = "en",
        student: str | None = None,
        topics: tuple[str, ...] = (),
        matches: tuple[str, ...] = (),
        active: bool = True,
        created_at: datetime | None = None,
        completed: bool = True,
    ) -> SimUser:
        """Someone who started the bot; a student (with that full name) when `student` is set."""
        user = self.server.user(first_name, language_code=language, started=True)
        now = created_at or self.clock.now()
        async with self.sessionmaker() as session, session.begin():
            session.add(User(id=user.id, language=language, created_at=now, is_active=active))
            await session.flush()
            if student is not None:
                session.add(
                    StudentProfile(
                        user_id=user.id, full_name=student or None, created_at=now, updated_at=now,
                        completed_at=now if completed else None, seeking=[], languages=[],
                    )
                )  # fmt: skip
            session.add_all(
                StudentTopic(user_id=user.id, topic_id=t, source="picked") for t in topics
            )
            session.add_all(
                StudentMatch(user_id=user.id, org_slug=org, rank=n + 1, score=0.9,
                             computed_at=now, reasons=[], openings=[])
                for n, org in enumerate(matches)
            )  # fmt: skip
        return user


REPO_DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A copy of the repository's data files that a test may edit."""
    target = tmp_path / "data"
    shutil.copytree(REPO_DATA, target)
    return target


@pytest.fixture
def console_rate() -> float:
    """Messages per second of the console's bot (parametrize it to slow sending down)."""
    return 200.0


@pytest.fixture
async def console(
    console_rate: float,
    data_dir: Path,
    server: FakeTelegramServer,
    make_settings: Callable[..., Settings],
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    translator: Translator,
    make_dispatcher: Callable[..., Any],
) -> AsyncIterator[Console]:
    """Polling + outbox worker + progress updates (every turn: the clock stands still)."""
    admin = server.user("Dana", language_code="en", started=True)
    settings = make_settings(
        database_url=database_url,
        admin_ids=str(admin.id),
        telegram_api_url=server.base_url,
        data_dir=data_dir,
    )
    fair = FairDataStore(load_fair_data(data_dir))
    bot = server.make_bot(default=DefaultBotProperties(parse_mode=ParseMode.HTML))  # as build_bot
    limiter = MemorySendLimiter(console_rate)
    limit_bot(bot, limiter)
    dispatcher = make_dispatcher(settings=settings, fair=fair)
    worker = OutboxWorker(
        bot=bot, sessionmaker=sessionmaker, clock=clock,
        config=DeliveryConfig(rate=console_rate, paid_broadcast=True, poll_interval=0.05,
                              flush_interval=0.05),
    )  # fmt: skip
    progress = BroadcastProgress(
        bot=bot, sessionmaker=sessionmaker, clock=clock, translator=translator, every=0, poll=0.1
    )
    stop = asyncio.Event()
    tasks = [asyncio.create_task(worker.run(stop)), asyncio.create_task(progress.run(stop))]
    try:
        async with server.polling(dispatcher, bot):
            yield Console(server, admin, bot, settings, sessionmaker, clock, fair)
    finally:
        stop.set()
        await asyncio.gather(*tasks)
        await limiter.close()
        await bot.session.close()


def days_ago(clock: FakeClock, days: int, hours: int = 0) -> datetime:
    return clock.now() - timedelta(days=days, hours=hours)
