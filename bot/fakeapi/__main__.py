"""`python -m bot.fakeapi`: chat in the terminal with the demo bot over the fake Bot API."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from aiogram import Dispatcher

from bot.fakeapi.console import chat_in_terminal
from bot.fakeapi.echo import demo_router, echo_router
from bot.fakeapi.server import FakeTelegramServer


async def sandbox(args: argparse.Namespace) -> None:
    async with FakeTelegramServer() as server:
        bot = server.make_bot()
        dispatcher = Dispatcher()
        dispatcher.include_router(echo_router() if args.echo else demo_router())
        user = server.user(args.name, language_code=args.language)
        try:
            await chat_in_terminal(server, dispatcher, bot, user, reply_timeout=args.reply_timeout)
        finally:
            await bot.session.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.fakeapi", description=__doc__)
    parser.add_argument("--name", default="Aigerim", help="your first name in the chat")
    parser.add_argument("--language", default="en", help="your Telegram language code")
    parser.add_argument("--echo", action="store_true", help="the bare echo bot, no buttons")
    parser.add_argument("--reply-timeout", type=float, default=5.0, metavar="SECONDS")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(sandbox(args))


if __name__ == "__main__":
    main()
