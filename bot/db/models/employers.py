"""Employers: the people who represent an exhibiting organisation in the bot."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base


class Representative(Base):
    """A Telegram user who receives and manages one organisation's leads."""

    __tablename__ = "representatives"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    org_slug: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime]
