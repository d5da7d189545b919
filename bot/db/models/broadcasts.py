"""Broadcasts: a message organisers send to a chosen audience, from draft to final report."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base


class Broadcast(Base):
    """One broadcast. Its messages are outbox rows with kind="broadcast" and ref=str(id).

    draft (previewed, not confirmed) -> sending -> done; or cancelled while sending (rows not
    yet sent are cancelled), or discarded as a draft. `finished_at` is set once the final report
    went out, whether it was done or cancelled.
    """

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    # text | photo | document; the text (or caption) as Telegram HTML, {name} still in it.
    content_kind: Mapped[str] = mapped_column(String(16))
    text_html: Mapped[str | None] = mapped_column(Text)
    file_id: Mapped[str | None] = mapped_column(String(255))
    # Which audience (bot.services.audiences) and its parameter (a language, topic id, slug).
    audience_kind: Mapped[str] = mapped_column(String(32))
    audience_value: Mapped[str | None] = mapped_column(String(64))
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    # The organiser's language, for the progress message and the report.
    lang: Mapped[str] = mapped_column(String(8))
    confirmed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancelled_by: Mapped[int | None] = mapped_column(BigInteger)
    finished_at: Mapped[datetime | None]
    # The message that shows progress (edited every few seconds) and when it was last edited,
    # with the sent count then (the rate shown is measured between two edits).
    progress_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_message_id: Mapped[int | None] = mapped_column(BigInteger)
    progress_at: Mapped[datetime | None]
    progress_done: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_broadcasts_open", "finished_at", "status"),)
