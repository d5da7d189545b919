"""The organiser console: broadcasts, statistics, data reload, organisers, the audit log, and
employer invitations.

Everything here is for organisers only (ADMIN_IDS and the people they appointed): the role
filter guards every message and button handler of this router, so any other person's command
or button press, forged ones included, never reaches these handlers and ends in the fallback
answers of the common router. It is each handler's *last* check (`guard_handlers`): the role
costs a database query, and the update of a student, who matches none of these commands,
buttons or states, is then turned away without it.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Filter
from aiogram.types import TelegramObject
from aiogram.types import User as TelegramUser
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.handlers.organiser import broadcast, console, invites, reload, stats
from bot.handlers.organiser.menu import show_menus
from bot.routing import guard_handlers
from bot.services.organisers import is_organiser


class IsOrganiser(Filter):
    """The person behind the update is an organiser (checked on every update: a removed
    organiser's old buttons stop working at once)."""

    async def __call__(
        self,
        event: TelegramObject,
        settings: Settings,
        session: AsyncSession,
        event_from_user: TelegramUser | None = None,
    ) -> bool:
        if event_from_user is None:
            return False
        return await is_organiser(session, event_from_user.id, settings.admin_ids)


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.startup.register(show_menus)
    router.include_routers(
        broadcast.create_router(),
        stats.create_router(),
        reload.create_router(),
        console.create_router(),
        invites.create_router(),
    )
    guard_handlers(router, ("message", "callback_query"), IsOrganiser())
    return router
