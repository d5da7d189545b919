"""The student's side of the bot: onboarding, profile, matches, shares and their data."""

from __future__ import annotations

from aiogram import F, Router

from bot.handlers.student import cards, onboarding, privacy, profile
from bot.handlers.student.context import TurnMiddleware


def create_router() -> Router:
    """Students are everyone in a private chat with the bot. Onboarding comes first: its
    language and consent buttons are claimed by state before /language's general handler."""
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.callback_query.filter(F.message.chat.type == "private")
    router.message.outer_middleware(TurnMiddleware())
    router.callback_query.outer_middleware(TurnMiddleware())
    router.include_routers(
        onboarding.create_router(),
        profile.create_router(),
        cards.create_router(),
        privacy.create_router(),
    )
    return router
