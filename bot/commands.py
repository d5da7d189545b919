"""Implementations of the `fairbot` subcommands that belong to the bot itself."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot.config import (
    ReportSettings,
    Settings,
    SettingsError,
    load_database_settings,
    load_report_settings,
    load_settings,
)
from bot.logs import setup_logging

log = logging.getLogger(__name__)


def _settings_or_exit(**overrides: object) -> Settings | None:
    try:
        return load_settings(**overrides)
    except SettingsError as error:
        print(f"fairbot: {error}", file=sys.stderr)
        return None


def _database_url_or_exit() -> str | None:
    """`db` commands need only DATABASE_URL, not a bot token."""
    try:
        return load_database_settings().database_url
    except SettingsError as error:
        print(f"fairbot: {error}", file=sys.stderr)
        return None


def run(args: argparse.Namespace) -> int:
    settings = _settings_or_exit()
    if settings is None:
        return 2
    setup_logging(
        settings.log_level, settings.log_format, secrets=(settings.bot_token.get_secret_value(),)
    )
    from bot.app import run as run_bot
    from bot.services.fairdata import load_fair_data
    from matching.datafiles import DataError

    try:
        fair = load_fair_data(settings.data_dir)
    except DataError as error:
        for problem in error.problems:
            print(f"fairbot: {problem}", file=sys.stderr)
        print(
            f"fairbot: the data in {settings.data_dir} is invalid (see `fairbot check-data`)",
            file=sys.stderr,
        )
        return 1
    asyncio.run(run_bot(settings, fair=fair))
    return 0


def db_upgrade(args: argparse.Namespace) -> int:
    url = _database_url_or_exit()
    if url is None:
        return 2
    setup_logging("INFO")
    from bot.db.migrate import upgrade

    asyncio.run(upgrade(url, args.revision))
    return 0


def db_downgrade(args: argparse.Namespace) -> int:
    url = _database_url_or_exit()
    if url is None:
        return 2
    setup_logging("INFO")
    from bot.db.migrate import downgrade

    asyncio.run(downgrade(url, args.revision))
    return 0


def db_revision(args: argparse.Namespace) -> int:
    url = _database_url_or_exit()
    if url is None:
        return 2
    setup_logging("INFO")
    from bot.db.migrate import write_revision

    asyncio.run(write_revision(url, args.message, autogenerate=not args.empty))
    return 0


def stats(args: argparse.Namespace) -> int:
    """`fairbot stats`: what /stats shows, in the terminal (and the chart as a PNG file)."""
    try:
        settings = load_report_settings()
    except SettingsError as error:
        print(f"fairbot: {error}", file=sys.stderr)
        return 2
    data_dir = Path(args.data) if args.data else settings.data_dir
    text, png = asyncio.run(_stats(settings, data_dir, args.lang, args.days, bool(args.chart)))
    print(text)
    if png is not None:
        Path(args.chart).write_bytes(png)
        print(f"chart written to {args.chart}")
    return 0


async def _stats(
    settings: ReportSettings, data_dir: Path, lang: str, days: int, chart: bool
) -> tuple[str, bytes | None]:
    from bot.clock import SystemClock
    from bot.db.engine import create_engine, create_sessionmaker
    from bot.i18n import Translator
    from bot.services.fairdata import load_fair_data
    from bot.services.labels import labels
    from bot.services.statistics import fair_stats
    from bot.services.stats_report import plain, stats_chart, stats_text
    from matching.datafiles import DataError

    catalogue = None
    try:
        catalogue = load_fair_data(data_dir).catalogue
    except (DataError, OSError):
        print(f"(the data in {data_dir} does not load: organisations and topics shown by id)")
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            figures = await fair_stats(
                session,
                now=SystemClock().now(),
                zone=settings.tz,
                days=days,
                organisations=list(catalogue.exhibitors) if catalogue else [],
            )
    finally:
        await engine.dispose()
    t = Translator().bind(lang)
    names = labels(catalogue, lang)
    return plain(stats_text(t, figures, names)), stats_chart(t, figures, names) if chart else None
