"""`python -m bot.fakeapi`: chat in the terminal with the demo bot over the fake Bot API."""

from __future__ import annotations

import argparse
import sys

from bot.fakeapi.console import add_sandbox_arguments, demo_command


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.fakeapi", description=__doc__)
    add_sandbox_arguments(parser)
    parser.add_argument("--echo", action="store_true", help="the bare echo bot, no buttons")
    return demo_command(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
