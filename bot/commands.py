"""Implementations of the `fairbot` subcommands that belong to the bot itself."""

from __future__ import annotations

import argparse
import sys


def run(args: argparse.Namespace) -> int:
    print(
        "fairbot: the Telegram bot is not built yet; "
        'try `fairbot match "satellite communications"` to see the matching engine.',
        file=sys.stderr,
    )
    return 1
