"""Joining as a representative: /start with an invitation token from an organiser's link."""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.methods import SendMessage
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.db.models import User
from bot.handlers.employer.menu import display_name, show_menu, welcome_text
from bot.i18n import Translate
from bot.middlewares import Replies
from bot.services import invites
from bot.services.fairdata import FairDataStore

log = logging.getLogger(__name__)


def create_router() -> Router:
    router = Router(name=__name__)
    # Before the student onboarding: its /start takes every other deep-link payload (sources).
    router.message.register(
        join, CommandStart(deep_link=True, magic=F.args.func(invites.is_invitation_payload))
    )
    return router


async def join(
    message: Message,
    command: CommandObject,
    session: AsyncSession,
    user: User | None,
    state: FSMContext,
    clock: Clock,
    t: Translate,
    replies: Replies,
    fair: FairDataStore | None = None,
) -> SendMessage | None:
    assert user is not None
    try:
        joined = await invites.accept_invitation(
            session, command.args or "", user.id, now=clock.now()
        )
    except invites.JoinRefused as refused:
        log.info("invitation refused for user %s: %s", user.id, refused.reason.name)
        org = display_name(fair, t.lang, refused.org) if refused.org else ""
        return message.answer(t(refused.reason.value, org=org))
    log.info("user %s represents %s now", user.id, joined.org)
    if user.language is None:
        user.language = t.lang  # cards and notices reach them in the language they see now
    if user.consented_at is None:
        await state.clear()  # an unfinished student onboarding does not catch their messages
    text = await welcome_text(session, t, fair, joined.org, first=not joined.already)
    # The menu first: it is in place when they read the welcome.
    replies.add(show_menu(t.translator, user.id, t.lang, student=user.consented_at is not None))
    replies.add(message.answer(text))
    return None
