"""Employers: the people who represent an exhibiting organisation in the bot, and the
invitations that make them so."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base


class Representative(Base):
    """A Telegram user who receives and manages one organisation's leads.

    Revoking a representative deletes the row (the audit log keeps who did it and when).
    """

    __tablename__ = "representatives"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    org_slug: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime]
    # The invitation they joined with (None for rows made otherwise, e.g. by tests or scripts).
    invitation_id: Mapped[int | None] = mapped_column(Integer)


class Invitation(Base):
    """A single-use link that makes whoever opens it a representative of `org_slug`.

    Only the SHA-256 of the token is stored: the link itself is shown once, to the organiser
    who made it, and cannot be recovered from the database.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_slug: Mapped[str] = mapped_column(String(64), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The organiser's Telegram id; None when made in the terminal (`fairbot invite`).
    created_by: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_by: Mapped[int | None] = mapped_column(BigInteger)
    used_at: Mapped[datetime | None]
    revoked_by: Mapped[int | None] = mapped_column(BigInteger)
    revoked_at: Mapped[datetime | None]
