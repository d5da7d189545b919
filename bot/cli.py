"""The `fairbot` command line: one entry point, subcommands imported only when used."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

# Each command names "module:function"; the function takes the parsed arguments and returns
# an exit code. Modules are imported lazily so that `fairbot match` does not load aiogram.
Handler = Callable[[argparse.Namespace], int]


def _lazy(target: str) -> Handler:
    def call(args: argparse.Namespace) -> int:
        module_name, _, func_name = target.partition(":")
        func: Handler = getattr(importlib.import_module(module_name), func_name)
        return func(args)

    return call


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fairbot",
        description="Career-fair Telegram bot: students, employers and organisers.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser("run", help="run the bot (long polling, or webhook if configured)")
    run.set_defaults(handler=_lazy("bot.commands:run"))

    db = commands.add_parser("db", help="database schema migrations (uses DATABASE_URL)")
    db_commands = db.add_subparsers(dest="db_command", metavar="DB_COMMAND", required=True)
    db_upgrade = db_commands.add_parser("upgrade", help="apply migrations (to the newest)")
    db_upgrade.add_argument("revision", nargs="?", default="head")
    db_upgrade.set_defaults(handler=_lazy("bot.commands:db_upgrade"))
    db_downgrade = db_commands.add_parser("downgrade", help="revert migrations to REVISION")
    db_downgrade.add_argument("revision", help='a revision id, "-1", or "base" (empty)')
    db_downgrade.set_defaults(handler=_lazy("bot.commands:db_downgrade"))
    db_revision = db_commands.add_parser(
        "revision", help="write a new migration from the difference between models and database"
    )
    db_revision.add_argument("-m", "--message", required=True)
    db_revision.add_argument("--empty", action="store_true", help="don't compare, write a stub")
    db_revision.set_defaults(handler=_lazy("bot.commands:db_revision"))

    sandbox = commands.add_parser(
        "sandbox", help="chat with the bot in this terminal over a fake Telegram (no token)"
    )
    sandbox.add_argument("--name", default="Aigerim", help="your first name in the chat")
    sandbox.add_argument("--language", default="en", help="your Telegram language code")
    sandbox.add_argument("--reply-timeout", type=float, default=5.0, metavar="SECONDS")
    # Runs the fakeapi demo bot until the bot core lands; then it gets the real dispatcher.
    sandbox.set_defaults(handler=_lazy("bot.fakeapi.console:sandbox_command"))

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return handler(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
