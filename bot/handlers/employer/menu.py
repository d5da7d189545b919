"""What a representative sees: the welcome naming their organisation with its anonymous counts,
and the employer commands in their Telegram menu, in their language."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import CommandStart
from aiogram.methods import SendMessage, SetMyCommands
from aiogram.types import BotCommand, BotCommandScopeChat, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handlers.employer.filters import Employer, IsRepresentative
from bot.i18n import Translate, Translator, safe
from bot.menu import MENU
from bot.services.fairdata import FairDataStore
from bot.services.lead_cards import org_counts, org_name

EMPLOYER_MENU: tuple[tuple[str, str], ...] = (
    ("start", "menu-start"),
    ("leads", "employer-menu-leads"),
    ("export", "employer-menu-export"),
    ("help", "menu-help"),
    ("cancel", "menu-cancel"),
)
"""A representative's commands (command, message id of its description)."""


def create_router() -> Router:
    router = Router(name=__name__)
    # The role check is the handler's last filter, not the router's: a router filter would query
    # the representatives table for every message any student sends.
    router.message.register(welcome_back, CommandStart(), IsRepresentative())
    return router


def employer_commands(translator: Translator, lang: str, *, student: bool) -> list[BotCommand]:
    """The representative's menu; a representative who is a student too keeps the student's
    commands after the employer ones."""
    entries = list(EMPLOYER_MENU)
    if student:
        entries += [entry for entry in MENU if entry not in entries]
    return [BotCommand(command=c, description=translator.get(lang, key)) for c, key in entries]


def show_menu(translator: Translator, user_id: int, lang: str, *, student: bool) -> SetMyCommands:
    """The call that puts the employer commands in this representative's chat menu."""
    return SetMyCommands(
        commands=employer_commands(translator, lang, student=student),
        scope=BotCommandScopeChat(chat_id=user_id),
    )


def display_name(fair: FairDataStore | None, lang: str, org: str) -> str:
    return org_name(fair.current.catalogue, lang, org) if fair is not None else org


async def welcome_text(
    session: AsyncSession, t: Translate, fair: FairDataStore | None, org: str, *, first: bool
) -> str:
    name = display_name(fair, t.lang, org)
    counts = await org_counts(session, org)
    figures = t("employer-counts", org=name, matching=counts.matching, shared=counts.shared)
    return t(
        "employer-welcome" if first else "employer-welcome-back", org=name, counts=safe(figures)
    )


async def welcome_back(
    message: Message,
    employer: Employer,
    session: AsyncSession,
    t: Translate,
    fair: FairDataStore | None = None,
) -> SendMessage:
    return message.answer(await welcome_text(session, t, fair, employer.org, first=False))
