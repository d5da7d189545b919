"""The employer side: an organisation's representatives and their leads."""

from __future__ import annotations

from aiogram import F, Router

from bot.handlers.employer import leads


def create_router() -> Router:
    """Commands and buttons of representatives. Whether the person is one is checked by every
    handler in the service, against the database, so forged buttons reach nothing."""
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.include_routers(leads.create_router())
    return router
