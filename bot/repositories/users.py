"""Rows of people who wrote to the bot."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import StudentProfile, User
from bot.repositories.students import pin

_USER_AND_PROFILE = (
    select(User, StudentProfile)
    .outerjoin(StudentProfile, StudentProfile.user_id == User.id)
    .where(User.id == bindparam("user_id"))
)


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def get_user_and_profile(session: AsyncSession, user_id: int) -> User | None:
    """The person's row, with their student profile (if any) loaded in the same query and kept
    in the session: nearly every update of a student reads it next."""
    row = (await session.execute(_USER_AND_PROFILE, {"user_id": user_id})).first()
    if row is None:
        return None
    user, profile = row
    if profile is not None:
        pin(session, profile)
    return user


async def add_user(
    session: AsyncSession, user_id: int, *, now: datetime, start_source: str | None = None
) -> User:
    user = User(id=user_id, created_at=now, start_source=start_source, is_active=True)
    session.add(user)
    await session.flush()
    return user
