"""Leads for real: the full dispatcher polling the fake Bot API, students who shared their contact
(through the share service, as the student's button does) and representatives (the rows joining
by invitation produces)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.db.models import (
    ContactShare,
    OutboxMessage,
    Representative,
    StudentMatch,
    StudentProfile,
    User,
)
from bot.fakeapi import FakeTelegramServer, SimUser, Timings
from bot.services import shares

ORG = "ghalam"
OTHER = "rcsc"


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegramServer]:
    timings = Timings(reply_timeout=4.0, callback_answer_timeout=4.0)
    async with FakeTelegramServer(timings=timings) as running:
        yield running


@dataclass
class Fair:
    server: FakeTelegramServer
    sessionmaker: async_sessionmaker[AsyncSession]
    clock: FakeClock
    next_id: int = 5_000_000

    async def student(
        self,
        name: str,
        org: str = ORG,
        *,
        openings: tuple[str, ...] = (),
        score: float = 80.0,
        opt_in: bool = False,
        language: str = "en",
        at: datetime | None = None,
        **profile: Any,
    ) -> int:
        """A student with a completed profile who matched `org` and shared their contact."""
        self.next_id += 1
        user_id = self.next_id
        now = at or self.clock.now()
        async with self.sessionmaker() as session, session.begin():
            session.add(User(id=user_id, language=language, created_at=now, consented_at=now))
            await session.flush()
            values: dict[str, Any] = {
                "university": "KazNU", "degree": "bachelor", "study_year": 3,
                "field_of_study": "Computer science", "interests": "satellites",
                "seeking": ["internship"], "languages": ["ru"],
            }  # fmt: skip
            values.update(profile)
            session.add(
                StudentProfile(
                    user_id=user_id, full_name=name, created_at=now, updated_at=now,
                    completed_at=now, **values,
                )
            )  # fmt: skip
            session.add(
                StudentMatch(
                    user_id=user_id, org_slug=org, rank=1, score=score, reasons=[],
                    openings=list(openings), computed_at=now,
                )
            )  # fmt: skip
            await session.flush()
            await shares.share_contact(
                session, user_id, org, feedback_opt_in=opt_in, now=now, cards=None
            )
        return user_id

    async def rep(self, first_name: str, org: str = ORG, *, language: str = "en") -> SimUser:
        user = self.server.user(first_name, language_code=language, started=True)
        async with self.sessionmaker() as session, session.begin():
            session.add(User(id=user.id, language=language, created_at=self.clock.now()))
            await session.flush()
            session.add(Representative(user_id=user.id, org_slug=org, created_at=self.clock.now()))
        return user

    async def share_id(self, user_id: int, org: str = ORG) -> int:
        async with self.sessionmaker() as session:
            share_id = await session.scalar(
                select(ContactShare.id).where(
                    ContactShare.user_id == user_id, ContactShare.org_slug == org
                )
            )
        assert share_id is not None
        return share_id

    async def share(self, share_id: int) -> ContactShare | None:
        async with self.sessionmaker() as session:
            return await session.get(ContactShare, share_id)

    async def outbox(self, kind: str) -> list[OutboxMessage]:
        async with self.sessionmaker() as session:
            rows = await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
            )
            return list(rows)


@pytest.fixture
async def fair(
    server: FakeTelegramServer,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> Fair:
    return Fair(server, sessionmaker, clock)


@pytest.fixture
async def running(
    server: FakeTelegramServer, make_dispatcher: Callable[..., Dispatcher]
) -> AsyncIterator[Bot]:
    """The whole bot polling the fake server."""
    bot = server.make_bot(default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    try:
        async with server.polling(make_dispatcher(), bot):
            yield bot
    finally:
        await bot.session.close()


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)
