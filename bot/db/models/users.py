"""People who have written to the bot, as Telegram identifies them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base


class User(Base):
    """A Telegram user the bot has seen; roles (student, employer, organiser) hang off this row."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    # The language the person chose (kk, ru, en); None until they choose.
    language: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime]
    consented_at: Mapped[datetime | None]
    # The deep-link payload of their first /start (t.me/<bot>?start=<payload>), at most 64 chars.
    start_source: Mapped[str | None] = mapped_column(String(64))
    # False once Telegram says the person blocked the bot; the delivery engine sets it.
    is_active: Mapped[bool] = mapped_column(default=True)
    blocked_at: Mapped[datetime | None]
    # IANA zone for reminders; None means the forum's zone (Settings.tz).
    time_zone: Mapped[str | None] = mapped_column(String(64))
