"""A restart in the middle of onboarding loses nothing; a database outage gets a "try again"
notice, a log line with the update id, and the answer once the database is back."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_dispatcher, database_probe
from bot.clock import FakeClock
from bot.config import Settings
from bot.db.engine import create_engine, create_sessionmaker
from bot.db.migrate import upgrade
from bot.db.models import StudentProfile
from bot.fakeapi import FakeTelegramServer
from bot.i18n import Translator
from bot.pipeline import UpdateIntake
from bot.polling import Poller
from bot.services.fairdata import FairData, FairDataStore
from tests.student.journey import Journey


async def test_restart_in_the_middle_of_onboarding(
    server: FakeTelegramServer,
    tg: Bot,
    student_dp: Callable[..., Dispatcher],
    translator: Translator,
    clock: FakeClock,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    user = server.user("Алия", "Смагулова", language_code="ru")
    journey = Journey(user, "ru", translator, clock)
    async with server.polling(student_dp(), tg):
        await journey.start()
        await journey.choose_language()
        await journey.consent()
        await user.send("Алия")
        await journey.expect("ask-university")
        await user.send("КазНУ")
        await journey.expect("ask-study-level")
    # The bot stops; the student answers meanwhile; a new process starts on the same database.
    await user.send("магистратура 1")
    async with server.polling(student_dp(), tg):
        await journey.expect("ask-field")
        await user.send("Геодезия")
        await journey.expect("ask-interests")
        await user.send("ГИС и обработка космических снимков")
        await journey.expect("ask-topics")
    async with server.polling(student_dp(), tg):
        await user.press(journey.t("topics-done"))
        await journey.expect("ask-seeking")
        await user.send("стажировка")
        await journey.expect("ask-phone")
        for _ in range(3):
            await user.send("пропустить")
        assert await journey.cards(finished=True)
    async with sessionmaker() as session:
        profile = await session.get(StudentProfile, user.id)
        assert profile is not None
        assert (profile.full_name, profile.university, profile.degree, profile.study_year) == (
            "Алия", "КазНУ", "master", 1,
        )  # fmt: skip
        assert profile.field_of_study == "Геодезия"
        assert profile.completed_at is not None


async def test_database_outage_answers_later_and_loses_nothing(
    tmp_path: Path,
    make_settings: Callable[..., Settings],
    server: FakeTelegramServer,
    tg: Bot,
    fair_data: FairData,
    translator: Translator,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The real pipeline (Poller + UpdateIntake), with a SQLite file another process locks."""
    path = tmp_path / "outage.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    await upgrade(url)
    engine = create_engine(url, sqlite_busy_timeout_ms=100)
    settings = make_settings(database_url=url)
    dp = build_dispatcher(
        settings,
        sessionmaker=create_sessionmaker(engine),
        clock=clock,
        translator=translator,
        fair=FairDataStore(fair_data),
    )
    intake = UpdateIntake(dp, tg, database_probe=database_probe(engine, timeout=0.5))
    stop = asyncio.Event()
    poller = asyncio.create_task(Poller(tg, intake, polling_timeout=1).run(stop))
    user = server.user("Dana", language_code="en")
    journey = Journey(user, "en", translator, clock)
    try:
        await journey.start()
        await journey.choose_language()
        await journey.consent()
        blocker = sqlite3.connect(path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        try:
            with caplog.at_level(logging.WARNING):
                sent = await user.send("Dana Lee")
                notice = await journey.expect("error-temporary")
                assert journey.t("ask-university") not in notice.body
        finally:
            blocker.close()
        await journey.expect("ask-university")  # answered once the database is back
        assert any(
            str(sent.update_id) in record.getMessage()
            and "database unavailable" in record.getMessage()
            for record in caplog.records
        )
        assert "Dana Lee" not in caplog.text  # personal data never reaches the log
    finally:
        stop.set()
        await poller
        await engine.dispose()
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session:
        profile = await session.get(StudentProfile, user.id)
    await engine.dispose()
    assert profile is not None
    assert profile.full_name == "Dana Lee"
