"""Schema migrations applied by a short-lived child process (`python -m bot db upgrade`).

Alembic (with Mako and its script machinery) adds about 11 MB to a process, and Python rarely
gives freed memory back to the system: run in the bot's own process, the migrations at start-up
would stay in every bot process's resident memory for good. The child returns it when it exits.
This module imports only the standard library.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys


class MigrationError(Exception):
    """The child process could not bring the database up to date."""


async def upgrade_apart(url: str, revision: str = "head") -> None:
    """`bot.db.migrate.upgrade(url, revision)` in a child process; raises MigrationError.

    The URL reaches the child in its environment (DATABASE_URL), never on its command line; the
    child's log lines go where this process's standard error goes.
    """
    env = {**os.environ, "DATABASE_URL": url}
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "db", "upgrade", revision,
        env=env, stdin=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        code = await child.wait()
    except BaseException:
        # Cancelled (the bot is stopping): the child must not outlive the bot.
        with contextlib.suppress(ProcessLookupError):
            child.kill()
        await child.wait()
        raise
    if code != 0:
        raise MigrationError(f"`python -m bot db upgrade {revision}` failed (exit status {code})")
