"""The command menu Telegram shows next to the input field, in the person's language."""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeDefault

from bot.i18n import Translator

MENU: tuple[tuple[str, str], ...] = (
    ("start", "menu-start"),
    ("matches", "menu-matches"),
    ("profile", "menu-profile"),
    ("language", "menu-language"),
    ("privacy", "menu-privacy"),
    ("my_data", "menu-my_data"),
    ("delete_me", "menu-delete_me"),
    ("schedule", "menu-schedule"),
    ("my_schedule", "menu-my-schedule"),
    ("reminders", "menu-reminders"),
    ("timezone", "menu-timezone"),
    ("help", "menu-help"),
    ("cancel", "menu-cancel"),
)
"""(command, message id of its description). Add a command here and its text to every locale."""


def menu_for(translator: Translator, lang: str) -> list[BotCommand]:
    return [
        BotCommand(command=command, description=translator.get(lang, key)) for command, key in MENU
    ]


async def publish_menu(bot: Bot, translator: Translator) -> None:
    """One menu per language, plus the default one (for languages we don't speak)."""
    scope = BotCommandScopeDefault()
    for lang in translator.languages:
        await bot.set_my_commands(menu_for(translator, lang), scope=scope, language_code=lang)
    await bot.set_my_commands(menu_for(translator, translator.default), scope=scope)
