"""The ledger of handled Telegram updates (duplicate delivery detection)."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ProcessedUpdate


async def is_processed(session: AsyncSession, update_id: int) -> bool:
    found = await session.scalar(
        select(ProcessedUpdate.update_id).where(ProcessedUpdate.update_id == update_id)
    )
    return found is not None


async def add_processed(session: AsyncSession, update_id: int, *, now: datetime) -> None:
    session.add(ProcessedUpdate(update_id=update_id, handled_at=now))
    await session.flush()


@functools.cache
def _claim_statement(dialect: str) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # On the table, not the entity: a plain Core INSERT that reports the rows it wrote.
    table = cast(Table, ProcessedUpdate.__table__)
    return insert(table).on_conflict_do_nothing(index_elements=[table.c.update_id])


async def claim(session: AsyncSession, update_id: int, *, now: datetime) -> bool:
    """Record the update as handled in this transaction; False if it already was (by a committed
    transaction, or one that commits while this waits for its row)."""
    statement = _claim_statement(session.get_bind().dialect.name)
    result = await session.execute(statement, {"update_id": update_id, "handled_at": now})
    return bool(getattr(result, "rowcount", 0))


async def forget_processed_before(session: AsyncSession, moment: datetime) -> int:
    """Drop ledger rows older than `moment`; Telegram stops re-delivering after 24 h."""
    result = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.handled_at < moment)
    )
    return int(getattr(result, "rowcount", 0) or 0)
