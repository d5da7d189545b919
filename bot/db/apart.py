"""Schema migrations applied by a short-lived child process (`python -m bot db upgrade`).

Alembic (with Mako and its script machinery) adds about 11 MB to a process, and Python rarely
gives freed memory back to the system: run in the bot's own process, the migrations at start-up
would stay in every bot process's resident memory for good. The child returns it when it exits.
This module imports only the standard library.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sys

log = logging.getLogger(__name__)


class MigrationError(Exception):
    """The child process could not bring the database up to date."""


async def upgrade_apart(url: str, revision: str = "head") -> None:
    """`bot.db.migrate.upgrade(url, revision)` in a child process; raises MigrationError.

    The URL reaches the child in its environment (DATABASE_URL), never on its command line. The
    child's log lines (what alembic did) are passed on to this process's log: at INFO, or at
    ERROR when the child failed.
    """
    env = {**os.environ, "DATABASE_URL": url}
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "db", "upgrade", revision,
        env=env, stdin=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        _, errors = await child.communicate()
    except BaseException:
        # Cancelled (the bot is stopping): the child must not outlive the bot.
        with contextlib.suppress(ProcessLookupError):
            child.kill()
        await child.wait()
        raise
    code = child.returncode
    level = logging.INFO if code == 0 else logging.ERROR
    for line in errors.decode(errors="replace").splitlines():
        log.log(level, "migrations: %s", line)
    if code != 0:
        raise MigrationError(f"`python -m bot db upgrade {revision}` failed (exit status {code})")
