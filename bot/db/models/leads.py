"""Leads seen from the organisation: the openings a lead fits, and the representatives' digests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base


class LeadOpening(Base):
    """One opening of the organisation that a shared student matched (at share time).

    A row per (share, opening), with the share's organisation and moment copied in, so "leads
    for this opening, newest first" is one index range (ix_lead_openings_org_opening).
    Deleted with the share (withdrawal, /delete_me).
    """

    __tablename__ = "lead_openings"

    share_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("contact_shares.id", ondelete="CASCADE"), primary_key=True
    )
    opening_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_slug: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]

    __table_args__ = (
        Index("ix_lead_openings_org_opening", "org_slug", "opening_id", "created_at", "share_id"),
    )


class RepresentativeDigest(Base):
    """When a representative's last morning digest was claimed (compare-and-set by every process).

    `last_digest_at` is the due moment of the last digest: the next one names leads shared after
    it. Deleted with the representative.
    """

    __tablename__ = "representative_digests"

    user_id: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("representatives.user_id", ondelete="CASCADE"),
        primary_key=True,
    )
    last_digest_at: Mapped[datetime | None]
    last_count: Mapped[int] = mapped_column(Integer, default=0)
