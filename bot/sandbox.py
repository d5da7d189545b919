"""`fairbot sandbox`: the real bot on a fake Telegram in this process, chatted with in the terminal.

No token and no network: the fake Bot API server listens on loopback, the bot runs exactly as
`fairbot run` does (migrations, menu, polling) with a throw-away SQLite database, and the
console plays one Telegram user. This is how organisers try the bot before they have a token.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from bot.config import SettingsError, load_settings
from bot.fakeapi.console import run_console
from bot.fakeapi.server import FakeTelegramServer
from bot.logs import setup_logging
from bot.services.fairdata import load_fair_data
from matching.datafiles import DataError

log = logging.getLogger(__name__)

REPO_DATA_DIR = Path(__file__).resolve().parents[1] / "data"


def sandbox_data_dir() -> Path:
    """DATA_DIR when set, else ./data, else the data directory shipped with the code."""
    configured = os.environ.get("DATA_DIR")
    if configured:
        return Path(configured)
    here = Path("data")
    return here if (here / "employers.yaml").exists() else REPO_DATA_DIR


async def run_sandbox(
    *,
    name: str = "Aigerim",
    language: str = "en",
    reply_timeout: float = 5.0,
    data_dir: Path | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> None:
    """Start the fake server and the real bot, then chat as `name` until :quit or end of input."""
    from bot.app import run

    fair = load_fair_data(data_dir or sandbox_data_dir())
    with tempfile.TemporaryDirectory(prefix="fairbot-sandbox-") as tmp:
        async with FakeTelegramServer() as server:
            settings = load_settings(
                bot_token=server.token,
                telegram_api_url=server.base_url,
                database_url=f"sqlite+aiosqlite:///{Path(tmp) / 'sandbox.sqlite3'}",
                data_dir=data_dir or sandbox_data_dir(),
                redis_url=None,
                webhook_base_url=None,
                _env_file=None,
            )
            account = server.account(server.token)
            stop = asyncio.Event()
            bot = asyncio.create_task(run(settings, fair=fair, stop=stop))
            polled = asyncio.create_task(account.polled.wait())
            await asyncio.wait({bot, polled}, return_when=asyncio.FIRST_COMPLETED)
            if bot.done():
                polled.cancel()
                bot.result()
                raise RuntimeError("the bot stopped before it started polling")
            user = server.user(name, language_code=language)
            console = asyncio.create_task(
                run_console(server, user, stdin=stdin, stdout=stdout, reply_timeout=reply_timeout)
            )
            await asyncio.wait({bot, console}, return_when=asyncio.FIRST_COMPLETED)
            stop.set()
            if not console.done():  # the bot stopped (Ctrl-C): the console has nothing to talk to
                console.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await console
            await bot


def sandbox_command(args: argparse.Namespace) -> int:
    # Warnings only: the bot's routine log lines would drown the conversation.
    setup_logging("WARNING")
    try:
        asyncio.run(
            run_sandbox(
                name=args.name,
                language=args.language,
                reply_timeout=args.reply_timeout,
                data_dir=Path(args.data) if args.data else None,
            )
        )
    except DataError as error:
        for problem in error.problems:
            print(f"fairbot: {problem}", file=sys.stderr)
        print("fairbot: the data is invalid (see `fairbot check-data`)", file=sys.stderr)
        return 1
    except SettingsError as error:
        print(f"fairbot: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0
