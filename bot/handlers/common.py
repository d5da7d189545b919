"""Commands for everyone (/help, /cancel) and the answers of last resort."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.filters.chat_member_updated import KICKED, MEMBER, ChatMemberUpdatedFilter
from aiogram.fsm.context import FSMContext
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message, ReplyKeyboardRemove
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translate
from bot.services.fairdata import FairDataStore
from bot.services.invites import representative_org
from bot.services.lead_cards import org_name
from bot.services.users import record_reachability


def create_router() -> Router:
    """Included first: commands that work in any state."""
    router = Router(name=__name__)
    router.message.register(show_help, Command("help"))
    router.message.register(cancel, Command("cancel"))
    router.my_chat_member.register(
        blocked_by_user, ChatMemberUpdatedFilter(member_status_changed=KICKED)
    )
    router.my_chat_member.register(
        unblocked_by_user, ChatMemberUpdatedFilter(member_status_changed=KICKED >> MEMBER)
    )
    return router


def create_fallback_router() -> Router:
    """Included last: whatever no other router took (private chats only)."""
    router = Router(name=f"{__name__}.fallback")
    router.message.filter(F.chat.type == "private")
    router.message.register(unknown_command, F.text.startswith("/"))
    router.message.register(not_understood)
    router.callback_query.register(stale_button)
    return router


async def show_help(
    message: Message,
    t: Translate,
    session: AsyncSession,
    fair: FairDataStore | None = None,
) -> SendMessage:
    """Everyone's help; a representative's names their organisation and the employer commands."""
    org = (
        await representative_org(session, message.from_user.id)
        if message.from_user is not None
        else None
    )
    if org is not None:
        name = org_name(fair.current.catalogue, t.lang, org) if fair is not None else org
        return message.answer(t("employer-help", org=name))
    return message.answer(t("help"))


async def cancel(
    message: Message, state: FSMContext, raw_state: str | None, t: Translate
) -> SendMessage:
    if raw_state is None:
        return message.answer(t("cancel-nothing"), reply_markup=ReplyKeyboardRemove())
    await state.clear()
    return message.answer(t("cancel-done"), reply_markup=ReplyKeyboardRemove())


async def blocked_by_user(event: ChatMemberUpdated, session: AsyncSession, clock: Clock) -> None:
    await record_reachability(session, event.from_user.id, reachable=False, now=clock.now())


async def unblocked_by_user(event: ChatMemberUpdated, session: AsyncSession, clock: Clock) -> None:
    await record_reachability(session, event.from_user.id, reachable=True, now=clock.now())


async def unknown_command(message: Message, t: Translate) -> SendMessage:
    command = (message.text or "").split(maxsplit=1)[0].split("@", 1)[0]
    return message.answer(f"{t('unknown-command', command=command)}\n\n{t('help')}")


async def not_understood(message: Message, t: Translate) -> SendMessage:
    return message.answer(t("not-understood"))


async def stale_button(callback: CallbackQuery, t: Translate) -> AnswerCallbackQuery:
    # Buttons of old messages, of flows that moved on, or forged callback data all land here.
    return callback.answer(t("callback-stale"), show_alert=True)
