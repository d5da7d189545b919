"""The command menu organisers see in their chat: everyone's commands plus the console's."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, BotCommandScopeChat
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.db.models import User
from bot.i18n import Translator
from bot.menu import menu_for
from bot.services.organisers import organisers

log = logging.getLogger(__name__)

START_UP_SECONDS = 10.0

ORGANISER_MENU: tuple[tuple[str, str], ...] = (
    ("invite", "menu-invite"),
    ("representatives", "menu-representatives"),
    ("broadcast", "menu-broadcast"),
    ("stats", "menu-stats"),
    ("reload", "menu-reload"),
    ("organisers", "menu-organisers"),
    ("audit", "menu-audit"),
    ("console", "menu-console"),
)


async def show_menu(bot: Bot, translator: Translator, user_id: int, lang: str | None) -> None:
    """Give one organiser the console commands in their chat's menu (in their language)."""
    lang = lang if lang in translator.languages else translator.default
    commands = menu_for(translator, lang) + [
        BotCommand(command=command, description=translator.get(lang, key))
        for command, key in ORGANISER_MENU
    ]
    try:
        await bot.set_my_commands(commands, scope=BotCommandScopeChat(chat_id=user_id))
    except TelegramAPIError as error:  # e.g. they never opened the bot: nothing to show then
        log.info("no organiser menu for user %s: %s", user_id, error)


async def hide_menu(bot: Bot, user_id: int) -> None:
    try:
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id=user_id))
    except TelegramAPIError as error:
        log.info("organiser menu of user %s not removed: %s", user_id, error)


async def show_menus(
    bot: Bot,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    translator: Translator,
) -> None:
    """At start-up: every organiser gets the console in their menu. A convenience: it gives up
    after START_UP_SECONDS rather than hold up the start of a bot whose Telegram is slow."""
    try:
        await asyncio.wait_for(
            _show_menus(bot, settings, sessionmaker, translator), START_UP_SECONDS
        )
    except TimeoutError:
        log.warning("organiser menus not published within %s s", START_UP_SECONDS)


async def _show_menus(
    bot: Bot,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
    translator: Translator,
) -> None:
    async with sessionmaker() as session:
        people = await organisers(session, settings.admin_ids)
        ids = [person.user_id for person in people]
        languages = dict(
            (await session.execute(select(User.id, User.language).where(User.id.in_(ids)))).all()
        )
    for user_id in ids:
        await show_menu(bot, translator, user_id, languages.get(user_id))
