"""The role filter of the employer routers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram.filters import Filter
from aiogram.types import TelegramObject
from aiogram.types import User as TelegramUser
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services.invites import representative_org


@dataclass(frozen=True)
class Employer:
    """The representative behind the update, as handlers receive it (`employer: Employer`)."""

    user_id: int
    org: str


class IsRepresentative(Filter):
    """Passes for representatives only, checked against the database on every update (a revoked
    representative's old buttons stop working at once), and gives handlers `employer`."""

    async def __call__(
        self,
        event: TelegramObject,
        session: AsyncSession,
        event_from_user: TelegramUser | None = None,
    ) -> bool | dict[str, Any]:
        if event_from_user is None:
            return False
        org = await representative_org(session, event_from_user.id)
        if org is None:
            return False
        return {"employer": Employer(event_from_user.id, org)}
