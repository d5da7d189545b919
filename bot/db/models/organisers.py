"""Organisers appointed in the bot (besides ADMIN_IDS), and the audit log of what they do."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base


class Organiser(Base):
    """A person an admin appointed. Not tied to `users`: one may appoint someone by Telegram id
    before they ever wrote to the bot."""

    __tablename__ = "organisers"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    appointed_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class AuditEntry(Base):
    """One organiser action: who did what (broadcast created, confirmed, cancelled, data
    reloaded, organiser appointed or removed), to which subject, when. Never deleted by the bot."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor_id: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (Index("ix_audit_log_at", "at"),)
