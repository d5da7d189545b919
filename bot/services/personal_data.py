"""A student's personal data: everything stored about them (/my_data), and erasing it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Representative
from bot.repositories import students as students_repo
from bot.repositories import users as users_repo
from bot.services.lead_cards import LeadCards, announce_withdrawal


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def export_student_data(
    session: AsyncSession,
    user_id: int,
    *,
    conversation: Mapping[str, Any] | None = None,
    now: datetime,
) -> dict[str, Any]:
    """Everything the bot stores about the person, as one JSON-ready document.

    `conversation` is what the conversation state holds (an unfinished step's answers, the
    language or deep link kept before consent).
    """
    user = await users_repo.get_user(session, user_id)
    profile = await students_repo.get_profile(session, user_id)
    document: dict[str, Any] = {
        "exported_at": _when(now),
        "telegram_user_id": user_id,
        "user": None,
        "profile": None,
        "topics": [],
        "matches": [],
        "contact_shares": [],
        "representative_of": None,
        "conversation": dict(conversation or {}),
    }
    if user is not None:
        document["user"] = {
            "language": user.language,
            "first_seen_at": _when(user.created_at),
            "consented_at": _when(user.consented_at),
            "start_source": user.start_source,
            "accepts_messages": user.is_active,
            "blocked_at": _when(user.blocked_at),
            "time_zone": user.time_zone,
        }
    if profile is not None:
        document["profile"] = {
            "full_name": profile.full_name,
            "university": profile.university,
            "degree": profile.degree,
            "study_year": profile.study_year,
            "field_of_study": profile.field_of_study,
            "interests": profile.interests,
            "seeking": list(profile.seeking or []),
            "languages": list(profile.languages or []),
            "phone": profile.phone,
            "email": profile.email,
            "cv": (
                {
                    "file_name": profile.cv_file_name,
                    "size_bytes": profile.cv_file_size,
                    "telegram_file_id": profile.cv_file_id,
                }
                if profile.cv_file_id
                else None
            ),
            "created_at": _when(profile.created_at),
            "updated_at": _when(profile.updated_at),
            "completed_at": _when(profile.completed_at),
        }
    topics = await students_repo.topics(session, user_id)
    document["topics"] = [{"topic": t, "source": s} for t, s in sorted(topics.items())]
    document["matches"] = [
        {
            "organisation": row.org_slug,
            "rank": row.rank,
            "score": row.score,
            "reasons": list(row.reasons or []),
            "openings": list(row.openings or []),
            "computed_at": _when(row.computed_at),
            "not_interested_since": _when(row.dismissed_at),
        }
        for row in await students_repo.matches(session, user_id)
    ]
    document["contact_shares"] = [
        {
            "organisation": share.org_slug,
            "shared_at": _when(share.created_at),
            "feedback_allowed": share.feedback_opt_in,
        }
        for share in await students_repo.shares(session, user_id)
    ]
    representative = await session.get(Representative, user_id)
    if representative is not None:
        document["representative_of"] = {
            "organisation": representative.org_slug,
            "since": _when(representative.created_at),
        }
    return document


def to_json_bytes(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2, default=str).encode("utf-8")


@dataclass(frozen=True)
class DeletedStudent:
    user_id: int
    shared_with: tuple[str, ...]  # organisations that had the student's contact until now


async def delete_student(
    session: AsyncSession, user_id: int, *, now: datetime, cards: LeadCards | None
) -> DeletedStudent:
    """Erase the person: user row, profile, topics, matches and contact shares.

    The representatives of every organisation they had shared with are told a lead was
    withdrawn (without personal data: it is gone), and cards about them not yet sent are not
    sent. The caller clears the conversation state too. Afterwards the bot does not know them;
    a later /start begins afresh.
    """
    shared_with = tuple(share.org_slug for share in await students_repo.shares(session, user_id))
    await students_repo.delete_everything(session, user_id)
    if cards is not None:
        await announce_withdrawal(session, user_id, shared_with, cards=cards, now=now)
    return DeletedStudent(user_id, shared_with)


async def forget_unconsented(session: AsyncSession, user_id: int) -> bool:
    """The person declined consent: drop even the bare user row (only if they never consented).
    True if a row was dropped."""
    user = await users_repo.get_user(session, user_id)
    if user is None or user.consented_at is not None:
        return False
    await students_repo.delete_everything(session, user_id)
    return True
