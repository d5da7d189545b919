"""Conversation state (aiogram FSM) kept in the database when Redis is not configured."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base


class FsmRecord(Base):
    __tablename__ = "fsm_records"

    # aiogram's StorageKey flattened by its key builder (bot, chat, user, thread, destiny).
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime]
