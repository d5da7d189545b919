"""Students: their profile, the interests it names, their matches and the contacts they share."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base

# Lengths the bot enforces before storing (longer input is cut with a notice).
INTERESTS_MAX = 1000
SHORT_FIELD_MAX = 200


class StudentProfile(Base):
    """What a student told the bot after consenting. Deleted with its user (/delete_me)."""

    __tablename__ = "student_profiles"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    full_name: Mapped[str | None] = mapped_column(String(SHORT_FIELD_MAX))
    university: Mapped[str | None] = mapped_column(String(SHORT_FIELD_MAX))
    # bachelor | master | phd | other; and the year of study within it (1-6), when given.
    degree: Mapped[str | None] = mapped_column(String(16))
    study_year: Mapped[int | None] = mapped_column(SmallInteger)
    field_of_study: Mapped[str | None] = mapped_column(String(SHORT_FIELD_MAX))
    interests: Mapped[str | None] = mapped_column(Text)
    # Opportunity kinds sought (internship, job, thesis, research) and working languages.
    seeking: Mapped[list[str]] = mapped_column(JSON, default=list)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    # The CV stays on Telegram's servers; we keep its file id to forward it to employers.
    cv_file_id: Mapped[str | None] = mapped_column(String(255))
    cv_file_name: Mapped[str | None] = mapped_column(String(255))
    cv_file_size: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Set when the onboarding finished; a profile without it is still being filled in.
    completed_at: Mapped[datetime | None]


class StudentTopic(Base):
    """A taxonomy topic a student is interested in: picked from buttons, or found in their text.

    Kept as rows (not JSON) so statistics and broadcast audiences can count and filter by topic.
    """

    __tablename__ = "student_topics"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # "picked" (a topic button) or "text" (found in their free text by the matching engine).
    source: Mapped[str] = mapped_column(String(8))

    __table_args__ = (Index("ix_student_topics_topic", "topic_id"),)


class StudentMatch(Base):
    """One organisation the matching engine ranked for a student, as last computed."""

    __tablename__ = "student_matches"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    org_slug: Mapped[str] = mapped_column(String(64), primary_key=True)
    rank: Mapped[int] = mapped_column(SmallInteger)
    score: Mapped[float] = mapped_column(Float)
    # The engine's reasons and best opening ids, as plain JSON, to render the card again.
    reasons: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    openings: Mapped[list[str]] = mapped_column(JSON, default=list)
    computed_at: Mapped[datetime]
    # "Not interested": hidden from the student's list, kept so a recompute does not bring it back.
    dismissed_at: Mapped[datetime | None]

    __table_args__ = (
        Index("ix_student_matches_org", "org_slug", "score"),
        # /stats: matches per organisation not dismissed, from the index alone.
        Index("ix_student_matches_org_dismissed", "org_slug", "dismissed_at"),
    )


class ContactShare(Base):
    """A student's consent to give one organisation their contact. Deleting the row withdraws it."""

    __tablename__ = "contact_shares"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    org_slug: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    # The student agreed to hear back ("<org> viewed your profile", "... invites you").
    feedback_opt_in: Mapped[bool] = mapped_column(default=False)
    # The lead, as the organisation works it (bot.services.leads). The score is the match's at
    # share time (0-100); the matched openings are rows of `lead_openings`.
    score: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    # new | contacted | interview | offer | not_a_fit
    status: Mapped[str] = mapped_column(String(16), default="new", server_default="new")
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime | None]
    updated_by: Mapped[int | None] = mapped_column(BigInteger)
    # First opened by a representative; feedback told to the student (once per kind).
    viewed_at: Mapped[datetime | None]
    told_viewed_at: Mapped[datetime | None]
    told_interview_at: Mapped[datetime | None]

    __table_args__ = (
        UniqueConstraint("user_id", "org_slug", name="uq_contact_shares_user_org"),
        # The leads list, newest first (keyset pages on created_at, id), whole or by status.
        Index("ix_contact_shares_org_created_id", "org_slug", "created_at", "id"),
        Index("ix_contact_shares_org_status", "org_slug", "status", "created_at", "id"),
    )


LEAD_NOTE_MAX = 1000
