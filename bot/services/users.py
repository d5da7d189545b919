"""Who the bot knows: first contact, and whether a person still accepts messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import User
from bot.repositories import users as users_repo

START_PAYLOAD_MAX = 64  # Telegram's own limit for deep-link payloads


@dataclass(frozen=True)
class FirstContact:
    user_id: int


async def known_user(session: AsyncSession, contact: FirstContact, *, now: datetime) -> User:
    """The person's row, created on first contact with nothing but the Telegram id (what they
    tell the bot is stored only once they consent).

    A person who had blocked the bot and writes again is reachable again.
    """
    user = await users_repo.get_user_and_profile(session, contact.user_id)
    if user is None:
        return await users_repo.add_user(session, contact.user_id, now=now)
    if not user.is_active:
        user.is_active = True
        user.blocked_at = None
    return user


async def record_reachability(
    session: AsyncSession, user_id: int, *, reachable: bool, now: datetime
) -> None:
    """Telegram told us the person blocked (or unblocked) the bot."""
    user = await users_repo.get_user(session, user_id)
    if user is None:
        if reachable:
            return
        user = await users_repo.add_user(session, user_id, now=now)
    user.is_active = reachable
    user.blocked_at = None if reachable else now


async def set_language(session: AsyncSession, user_id: int, language: str) -> None:
    user = await users_repo.get_user(session, user_id)
    if user is not None:
        user.language = language
