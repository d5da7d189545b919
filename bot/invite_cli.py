"""`fairbot invite <slug>`: an employer invitation made in the terminal, as /invite makes it."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import timedelta
from pathlib import Path

from bot.config import Settings, SettingsError, load_settings


def invite(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
    except SettingsError as error:
        print(f"fairbot: {error}", file=sys.stderr)
        return 2
    from bot.services.fairdata import load_fair_data
    from matching.datafiles import DataError

    data_dir = Path(args.data) if args.data else settings.data_dir
    try:
        organisations = sorted(load_fair_data(data_dir).catalogue.exhibitors)
    except (DataError, OSError):
        print(
            f"fairbot: the data in {data_dir} is invalid (see `fairbot check-data`)",
            file=sys.stderr,
        )
        return 1
    if args.slug not in organisations:
        print(
            f"fairbot: there is no organisation {args.slug!r} in {data_dir}; valid slugs: "
            + ", ".join(organisations),
            file=sys.stderr,
        )
        return 2
    username = args.bot.lstrip("@") if args.bot else asyncio.run(_bot_username(settings))
    if not username:
        return 1
    days = args.days or settings.invite_ttl_days
    link, expires = asyncio.run(_create(settings, args.slug, organisations, days, username))
    print(f"Invitation for {args.slug}, single use, valid until {expires}:")
    print(link)
    from bot.services.invites import qr_png, qr_text

    if args.qr:
        Path(args.qr).write_bytes(qr_png(link))
        print(f"QR code written to {args.qr}")
    else:
        print(qr_text(link))
    return 0


async def _bot_username(settings: Settings) -> str | None:
    """The bot's @username, asked from Telegram (or TELEGRAM_API_URL)."""
    from aiogram.exceptions import TelegramAPIError
    from aiohttp import ClientError

    from bot.app import build_bot

    bot = build_bot(settings)
    try:
        me = await bot.get_me()
    except (TelegramAPIError, ClientError, OSError, TimeoutError) as error:
        print(
            f"fairbot: could not ask Telegram for the bot's username ({type(error).__name__}); "
            "give it with --bot USERNAME",
            file=sys.stderr,
        )
        return None
    finally:
        await bot.session.close()
    return me.username


async def _create(
    settings: Settings, slug: str, organisations: list[str], days: int, username: str
) -> tuple[str, str]:
    from bot.clock import SystemClock
    from bot.db.engine import create_engine, create_sessionmaker
    from bot.db.migrate import upgrade
    from bot.services.invites import create_invitation

    await upgrade(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            made = await create_invitation(
                session,
                slug,
                organisations=organisations,
                created_by=None,
                ttl=timedelta(days=days),
                now=SystemClock().now(),
            )
    finally:
        await engine.dispose()
    expires = made.invitation.expires_at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M %Z")
    return made.link(username), expires
