"""Rows of people who wrote to the bot."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import User


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def add_user(
    session: AsyncSession, user_id: int, *, now: datetime, start_source: str | None = None
) -> User:
    user = User(id=user_id, created_at=now, start_source=start_source, is_active=True)
    session.add(user)
    await session.flush()
    return user
