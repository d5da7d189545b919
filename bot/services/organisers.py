"""Who is an organiser: the admins of ADMIN_IDS, and the people they appointed in the bot."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Organiser, User
from bot.services import audit


@dataclass(frozen=True)
class OrganiserInfo:
    user_id: int
    is_admin: bool
    appointed_by: int | None = None
    appointed_at: datetime | None = None


async def is_organiser(session: AsyncSession, user_id: int, admin_ids: Collection[int]) -> bool:
    if user_id in admin_ids:
        return True
    return await session.get(Organiser, user_id) is not None


async def language(session: AsyncSession, user_id: int) -> str | None:
    """The language a person chose in the bot, if they ever wrote to it."""
    user = await session.get(User, user_id)
    return user.language if user is not None else None


async def organisers(session: AsyncSession, admin_ids: Collection[int]) -> list[OrganiserInfo]:
    """Admins first (in ADMIN_IDS order), then appointed organisers by appointment."""
    appointed = await session.scalars(select(Organiser).order_by(Organiser.created_at))
    found = [OrganiserInfo(user_id, True) for user_id in admin_ids]
    found += [
        OrganiserInfo(row.user_id, False, row.appointed_by, row.created_at)
        for row in appointed
        if row.user_id not in admin_ids
    ]
    return found


async def appoint(
    session: AsyncSession,
    *,
    admin_id: int,
    user_id: int,
    admin_ids: Collection[int],
    now: datetime,
) -> bool:
    """Make `user_id` an organiser; False if they are one already. Only admins appoint (the
    caller checks `admin_id in admin_ids`)."""
    if user_id in admin_ids or await session.get(Organiser, user_id) is not None:
        return False
    session.add(Organiser(user_id=user_id, appointed_by=admin_id, created_at=now))
    await audit.record(
        session,
        actor_id=admin_id,
        action=audit.ORGANISER_APPOINTED,
        now=now,
        subject=f"user:{user_id}",
    )
    return True


async def remove(session: AsyncSession, *, admin_id: int, user_id: int, now: datetime) -> bool:
    """Take the role away from an appointed organiser; False if they were not one. Admins stay
    admins (ADMIN_IDS is configuration, not data)."""
    result = await session.execute(delete(Organiser).where(Organiser.user_id == user_id))
    if not getattr(result, "rowcount", 0):
        return False
    await audit.record(
        session,
        actor_id=admin_id,
        action=audit.ORGANISER_REMOVED,
        now=now,
        subject=f"user:{user_id}",
    )
    return True
