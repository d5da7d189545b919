"""The outbox: every bulk or scheduled message, one row per recipient, written before sending."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base

# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL gets a BIGINT identity.
_ID = BigInteger().with_variant(Integer(), "sqlite")


class OutboxMessage(Base):
    """One message to one chat. Workers claim pending rows, send them, and record the outcome.

    `payload` is the Bot API call, fully rendered for this recipient:
    {"method": "sendMessage", "text": ..., "parse_mode": "HTML", "reply_markup": {...}}, or
    sendPhoto / sendDocument / copyMessage with their parameters (files by Telegram file_id).
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    # Lower goes first (bot.delivery.outbox.Priority): reminders before notifications before
    # broadcasts. Replies to a person's own action never wait here: they are sent at once.
    priority: Mapped[int] = mapped_column(SmallInteger)
    # What produced it ("broadcast", "reminder", "lead", ...) and which one (broadcast id, ...),
    # for progress, cancellation and statistics.
    kind: Mapped[str] = mapped_column(String(32))
    ref: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # pending -> sending -> sent | failed | blocked; or cancelled / expired before sending.
    # "blocked" also covers rows skipped because the recipient had blocked the bot before.
    status: Mapped[str] = mapped_column(String(16), default="pending")
    # Not sent before this moment (scheduled messages, back-off after an error).
    not_before: Mapped[datetime]
    # Not sent after this moment (a reminder is pointless once its session started).
    expires_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0)
    # A worker's lease on a row it is sending; an expired lease means the worker died.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    # The message Telegram created (send methods), so that whoever enqueued it can edit it later.
    message_id: Mapped[int | None] = mapped_column(BigInteger)
    last_error: Mapped[str | None] = mapped_column(String(255))
    # Makes enqueueing idempotent ("reminder:<subscription>:<offset>"): a second row with the
    # same key is not added.
    dedup_key: Mapped[str | None] = mapped_column(String(128), unique=True)

    __table_args__ = (
        Index("ix_outbox_due", "status", "priority", "not_before", "id"),
        Index("ix_outbox_ref", "kind", "ref", "status"),
    )
