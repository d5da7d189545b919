"""Enqueueing into the outbox: rows written in the caller's transaction, idempotent by key."""

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.db.models import OutboxMessage
from bot.delivery.outbox import Outgoing, Priority, enqueue


def _text(chat_id: int, text: str, key: str | None = None) -> Outgoing:
    return Outgoing(chat_id, {"method": "sendMessage", "text": text}, dedup_key=key)


async def test_rows_are_written_pending_with_their_priority(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    later = clock.now() + timedelta(hours=1)
    async with sessionmaker() as session, session.begin():
        added = await enqueue(
            session,
            [_text(1, "a"), Outgoing(2, {"method": "sendMessage", "text": "b"}, not_before=later)],
            kind="broadcast",
            priority=Priority.BROADCAST,
            now=clock.now(),
            ref="7",
        )
    assert added == 2
    async with sessionmaker() as session:
        rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    assert [(r.chat_id, r.status, r.priority, r.kind, r.ref) for r in rows] == [
        (1, "pending", 30, "broadcast", "7"),
        (2, "pending", 30, "broadcast", "7"),
    ]
    assert rows[0].not_before == clock.now()
    assert rows[1].not_before == later
    assert rows[0].payload == {"method": "sendMessage", "text": "a"}


async def test_same_dedup_key_is_added_once(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    for _ in range(2):
        async with sessionmaker() as session, session.begin():
            await enqueue(
                session,
                [_text(1, "r", "reminder:1:15"), _text(1, "r", "reminder:1:15")],
                kind="reminder",
                priority=Priority.REMINDER,
                now=clock.now(),
            )
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


async def test_nothing_is_enqueued_when_the_transaction_rolls_back(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session:
        await enqueue(
            session,
            [_text(1, "x")],
            kind="notice",
            priority=Priority.NOTIFICATION,
            now=clock.now(),
        )
        await session.rollback()
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
