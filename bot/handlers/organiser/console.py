"""Organiser console commands: help, organisers (appoint / remove, admins only), audit log."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import OrganiserAction
from bot.clock import Clock
from bot.config import Settings
from bot.handlers.organiser.menu import hide_menu, show_menu
from bot.i18n import Translate
from bot.services import audit, organisers

AUDIT_SHOWN = 15


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(show_help, Command("console"))
    router.message.register(manage_organisers, Command("organisers"))
    router.message.register(show_audit, Command("audit"))
    router.callback_query.register(remove_by_button, OrganiserAction.filter(F.action == "rm"))
    return router


async def show_help(message: Message, t: Translate) -> SendMessage:
    return message.answer(t("organiser-help"))


async def _listing(
    session: AsyncSession, settings: Settings, t: Translate
) -> tuple[str, InlineKeyboardMarkup | None]:
    people = await organisers.organisers(session, settings.admin_ids)
    lines = [
        t("organiser-admin", id=str(p.user_id))
        if p.is_admin
        else t("organiser-appointed", id=str(p.user_id), by=str(p.appointed_by))
        for p in people
    ]
    buttons = [
        [
            InlineKeyboardButton(
                text=t("organiser-remove-button", id=str(p.user_id)),
                callback_data=OrganiserAction(action="rm", user_id=p.user_id).pack(),
            )
        ]
        for p in people
        if not p.is_admin
    ]
    markup = InlineKeyboardMarkup(inline_keyboard=buttons) if buttons else None
    return t("organisers-list", list="\n".join(lines)), markup


async def manage_organisers(
    message: Message,
    command: CommandObject,
    bot: Bot,
    session: AsyncSession,
    settings: Settings,
    t: Translate,
    clock: Clock,
) -> SendMessage:
    assert message.from_user is not None
    action, _, target = (command.args or "").strip().partition(" ")
    if not action:
        text, markup = await _listing(session, settings, t)
        return message.answer(text, reply_markup=markup)
    if message.from_user.id not in settings.admin_ids:
        return message.answer(t("organiser-only-admins"))
    if action not in ("add", "remove") or not target.strip().isdigit():
        return message.answer(t("organiser-bad-id"))
    user_id, admin, now = int(target), message.from_user.id, clock.now()
    if action == "add":
        done = await organisers.appoint(
            session, admin_id=admin, user_id=user_id, admin_ids=settings.admin_ids, now=now
        )
        if done:
            await show_menu(bot, t.translator, user_id, await organisers.language(session, user_id))
        return message.answer(
            t("organiser-added" if done else "organiser-already", id=str(user_id))
        )
    done = await organisers.remove(session, admin_id=admin, user_id=user_id, now=now)
    if done:
        await hide_menu(bot, user_id)
    return message.answer(
        t("organiser-removed" if done else "organiser-not-found", id=str(user_id))
    )


async def remove_by_button(
    callback: CallbackQuery,
    callback_data: OrganiserAction,
    session: AsyncSession,
    bot: Bot,
    settings: Settings,
    t: Translate,
    clock: Clock,
) -> AnswerCallbackQuery:
    if callback.from_user.id not in settings.admin_ids:
        return callback.answer(t("organiser-only-admins"), show_alert=True)
    user_id = callback_data.user_id
    done = await organisers.remove(
        session, admin_id=callback.from_user.id, user_id=user_id, now=clock.now()
    )
    if done:
        await hide_menu(bot, user_id)
    if callback.message is not None:
        text, markup = await _listing(session, settings, t)
        await bot.edit_message_text(
            text=text,
            chat_id=callback.from_user.id,
            message_id=callback.message.message_id,
            reply_markup=markup,
        )
    key = "organiser-removed" if done else "organiser-not-found"
    return callback.answer(t(key, id=str(user_id)))


async def show_audit(
    message: Message, session: AsyncSession, settings: Settings, t: Translate
) -> SendMessage:
    entries = await audit.recent(session, AUDIT_SHOWN)
    lines = [
        t(
            "audit-entry",
            when=e.at.astimezone(settings.tz).strftime("%m-%d %H:%M"),
            actor=str(e.actor_id),
            action=e.action,
            subject=e.subject or "",
        )
        for e in entries
    ]
    return message.answer("\n".join([t("audit-title"), *(lines or [t("audit-empty")])]))
