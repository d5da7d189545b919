"""The `fairbot` command line: one entry point, subcommands imported only when used."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

# Each command names "module:function"; the function takes the parsed arguments and returns
# an exit code. Modules are imported lazily so that `fairbot match` does not load aiogram.
Handler = Callable[[argparse.Namespace], int]


def _lazy(target: str, *, bot_stack: bool = True) -> Handler:
    """`bot_stack`: the command loads aiogram, whose types are then built on first use
    (bot.lazy_types) instead of all at import."""

    def call(args: argparse.Namespace) -> int:
        module_name, _, func_name = target.partition(":")
        if bot_stack:
            from bot import lazy_types

            lazy_types.install()
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
    sandbox.add_argument("--data", help="data directory (default: $DATA_DIR or data/)")
    sandbox.set_defaults(handler=_lazy("bot.sandbox:sandbox_command"))

    check = commands.add_parser("check-data", help="validate the data files organisers edit")
    check.add_argument("dir", nargs="?", help="data directory (default: $DATA_DIR or data/)")
    check.set_defaults(handler=_lazy("bot.datacheck:check_data", bot_stack=False))

    match = commands.add_parser("match", help="match a student's text against the exhibitors")
    match.add_argument("text", nargs="*", help="what the student says about their interests")
    match.add_argument("--lang", choices=["en", "ru", "kk"], help="language of the answer")
    match.add_argument("--top", type=_positive, default=None, help="show at most N matches")
    match.add_argument("--json", action="store_true", help="print JSON instead of text")
    match.add_argument(
        "--batch",
        action="store_true",
        help='read JSON lines {"text": ..., "lang": ...} on stdin, write one JSON line each',
    )
    match.add_argument("--data", help="data directory (default: $DATA_DIR or data/)")
    match.set_defaults(handler=_lazy("bot.matching_cli:match", bot_stack=False))

    evaluate = commands.add_parser("eval", help="measure matching quality on labelled cases")
    evaluate.add_argument("files", nargs="*", help="case files (default: tests/eval/*.yaml)")
    evaluate.add_argument("--misses", action="store_true", help="list the cases it gets wrong")
    evaluate.add_argument("--data", help="data directory (default: $DATA_DIR or data/)")
    evaluate.set_defaults(handler=_lazy("bot.matching_cli:eval_command", bot_stack=False))

    stats = commands.add_parser(
        "stats", help="the fair's statistics, as /stats shows them (uses DATABASE_URL)"
    )
    stats.add_argument("--lang", choices=["en", "ru", "kk"], default="en")
    stats.add_argument(
        "--days", type=_positive, default=14, help="registrations of the last N days"
    )
    stats.add_argument("--chart", metavar="PNG", help="also write the chart to this file")
    stats.add_argument("--data", help="data directory for names (default: $DATA_DIR or data/)")
    stats.set_defaults(handler=_lazy("bot.commands:stats"))

    invite = commands.add_parser(
        "invite",
        help="an invitation link and QR code for an employer's representative",
    )
    invite.add_argument("slug", help="the organisation, as in data/employers.yaml")
    invite.add_argument("--qr", metavar="PNG", help="write the QR code to this PNG file")
    invite.add_argument("--bot", metavar="USERNAME", help="the bot's username (default: getMe)")
    invite.add_argument("--days", type=_positive, help="valid for N days (default INVITE_TTL_DAYS)")
    invite.add_argument("--data", help="data directory (default: $DATA_DIR or data/)")
    invite.set_defaults(handler=_lazy("bot.invite_cli:invite"))

    bench = commands.add_parser("bench", help="benchmarks that print figures against targets")
    benches = bench.add_subparsers(dest="bench", metavar="BENCH")
    bench.set_defaults(handler=lambda args: _help(bench))
    bench_match = benches.add_parser("match", help="matching latency, bulk re-matching, memory")
    bench_match.add_argument(
        "--profiles", type=_positive, default=100_000, help="profiles to re-match in bulk"
    )
    bench_match.add_argument("--data", help="data directory (default: $DATA_DIR or data/)")
    bench_match.set_defaults(handler=_lazy("bot.bench.match:run", bot_stack=False))
    bench_updates = benches.add_parser(
        "updates",
        help="students onboarding through the fake Telegram: updates/s and latency vs an echo bot",
    )
    bench_updates.add_argument(
        "--students", type=_positive, default=100, help="simulated students at once"
    )
    bench_updates.add_argument(
        "--postgres", action="store_true", help="a temporary PostgreSQL database on 127.0.0.1"
    )
    bench_updates.add_argument("--steps", action="store_true", help="also print figures per step")
    bench_updates.add_argument(
        "--processes",
        type=_positive,
        default=1,
        help="also run N webhook processes behind the fake server's load balancer (with --redis)",
    )
    bench_updates.add_argument(
        "--redis",
        action="store_true",
        help="webhook processes sharing Redis (127.0.0.1:6379), 1 and N of them, next to one "
        "SQLite process and the echo bot",
    )
    bench_updates.set_defaults(handler=_lazy("bot.bench.updates:run"))
    bench_broadcast = benches.add_parser(
        "broadcast",
        help="delivery engine: rate under flood control, 429s, duplicates, losses, kill -9",
    )
    bench_broadcast.add_argument(
        "--recipients", type=_positive, default=10_000, help="people the broadcast reaches"
    )
    bench_broadcast.add_argument(
        "--limit", type=_positive, default=30, help="the fake server's msg/s (free tier)"
    )
    bench_broadcast.add_argument(
        "--paid-limit", type=_positive, default=1000, help="the fake server's msg/s (paid)"
    )
    bench_broadcast.add_argument(
        "--headroom",
        type=float,
        default=0.98,
        help="DELIVERY_RATE as a share of the server's limit (default 0.98)",
    )
    bench_broadcast.add_argument("--rate", type=float, help="DELIVERY_RATE for the free tier")
    bench_broadcast.add_argument("--paid-rate", type=float, help="DELIVERY_RATE when paid")
    bench_broadcast.add_argument(
        "--only",
        nargs="+",
        choices=["free", "paid", "kill"],
        help="run only these scenarios (default: all three)",
    )
    bench_broadcast.add_argument(
        "--no-baseline", dest="baseline", action="store_false", help="skip the baseline"
    )
    bench_broadcast.add_argument("--data", help="data directory (default: $DATA_DIR or data/)")
    bench_broadcast.set_defaults(handler=_lazy("bot.bench.broadcast:run"))
    bench_reminders = benches.add_parser(
        "reminders",
        help="session reminders: thousands due at once under flood control, with a restart",
    )
    bench_reminders.add_argument(
        "--subscribers", type=_positive, default=5_000, help="people subscribed to the session"
    )
    bench_reminders.add_argument(
        "--limit", type=_positive, default=30, help="the fake server's msg/s (free tier)"
    )
    bench_reminders.add_argument(
        "--headroom",
        type=float,
        default=0.98,
        help="DELIVERY_RATE as a share of the server's limit (default 0.98)",
    )
    bench_reminders.add_argument("--rate", type=float, help="DELIVERY_RATE (overrides --headroom)")
    bench_reminders.add_argument(
        "--lead",
        type=float,
        default=25.0,
        help="seconds from starting the bot to the due moment (default 25)",
    )
    bench_reminders.add_argument(
        "--restart-before",
        type=float,
        default=10.0,
        help="seconds before the due moment the bot is restarted (default 10; a start takes "
        "about 5 s on 2 cores)",
    )
    bench_reminders.add_argument(
        "--only",
        nargs="+",
        choices=["steady", "restart", "kill"],
        help="run only these scenarios (default: steady and restart)",
    )
    bench_reminders.add_argument("--data", help="data directory (default: $DATA_DIR or data/)")
    bench_reminders.set_defaults(handler=_lazy("bot.bench.reminders:run"))
    bench_leads = benches.add_parser(
        "leads", help="/leads pages and filters, and the export, with 20,000 leads"
    )
    bench_leads.add_argument(
        "--leads", type=_positive, default=20_000, help="leads of the organisation"
    )
    bench_leads.add_argument(
        "--samples", type=_positive, default=40, help="measurements of each kind of answer"
    )
    bench_leads.add_argument(
        "--only", choices=["sqlite", "postgres"], help="one database (default: both)"
    )
    bench_leads.add_argument("--data", help="data directory (default: $DATA_DIR or data/)")
    bench_leads.set_defaults(handler=_lazy("bot.bench.leads:run"))
    bench_scale = benches.add_parser(
        "scale",
        help="100,000 generated students: the bot's peak memory and the time of /stats",
    )
    bench_scale.add_argument(
        "--students", type=_positive, default=100_000, help="students to generate"
    )
    bench_scale.add_argument(
        "--sqlite", action="store_true", help="a SQLite file instead of PostgreSQL on 127.0.0.1"
    )
    bench_scale.add_argument(
        "--onboard", type=int, default=50, help="students onboarding while /stats is timed"
    )
    bench_scale.add_argument(
        "--repeats", type=_positive, default=5, help="/stats timed N times idle and under load"
    )
    bench_scale.add_argument(
        "--no-baseline", dest="baseline", action="store_false", help="skip the empty database"
    )
    bench_scale.add_argument("--data", help="data directory (default: $DATA_DIR or data/)")
    bench_scale.set_defaults(handler=_lazy("bot.bench.scale:run"))

    return parser


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be a positive integer")
    return number


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


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
