"""The session of the update being handled, for code that cannot receive it as an argument.

The unit-of-work middleware sets it; the database FSM storage joins it, so that a state change is
committed (or rolled back) together with everything else the update did, and so that SQLite never
sees two write transactions from the same update wait for each other.
"""

from __future__ import annotations

import contextvars

from sqlalchemy.ext.asyncio import AsyncSession

current_session: contextvars.ContextVar[AsyncSession | None] = contextvars.ContextVar(
    "current_session", default=None
)
