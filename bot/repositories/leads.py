"""Rows of leads (contact shares seen by the organisation) and representatives. Never commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    ContactShare,
    LeadOpening,
    Representative,
    StudentProfile,
    User,
)

# What a line of the leads list needs: the share and the profile's short fields.
LINE_COLUMNS = (
    ContactShare.id,
    ContactShare.user_id,
    ContactShare.created_at,
    ContactShare.score,
    ContactShare.status,
    StudentProfile.full_name,
    StudentProfile.university,
    StudentProfile.degree,
    StudentProfile.study_year,
    StudentProfile.field_of_study,
)


def add_openings(session: AsyncSession, share: ContactShare, openings: Iterable[str]) -> None:
    session.add_all(
        LeadOpening(
            share_id=share.id,
            opening_id=opening_id,
            org_slug=share.org_slug,
            created_at=share.created_at,
        )
        for opening_id in dict.fromkeys(openings)
    )


async def representative(session: AsyncSession, user_id: int) -> Representative | None:
    return await session.get(Representative, user_id)


async def get_lead(session: AsyncSession, lead_id: int, org: str) -> ContactShare | None:
    """The share `lead_id` if it is `org`'s; None for another organisation's (or none)."""
    lead: ContactShare | None = await session.scalar(
        select(ContactShare).where(ContactShare.id == lead_id, ContactShare.org_slug == org)
    )
    return lead


async def lead_openings(session: AsyncSession, lead_id: int) -> list[str]:
    rows = await session.scalars(
        select(LeadOpening.opening_id).where(LeadOpening.share_id == lead_id)
    )
    return list(rows)


async def profile_and_language(
    session: AsyncSession, user_id: int
) -> tuple[StudentProfile | None, str | None]:
    profile = await session.get(StudentProfile, user_id)
    language = await session.scalar(select(User.language).where(User.id == user_id))
    return profile, language


def _filtered(org: str, status: str | None, opening: str | None) -> tuple[Any, Any, Any]:
    """The list's query without order and limit, and the (created_at, id) columns it pages on.

    With an opening, the index of lead_openings (org, opening, created_at, share) leads; else
    the share indexes (org, [status,] created_at, id).
    """
    query = select(*LINE_COLUMNS).join(
        StudentProfile, StudentProfile.user_id == ContactShare.user_id
    )
    if opening is not None:
        query = query.join(LeadOpening, LeadOpening.share_id == ContactShare.id).where(
            LeadOpening.org_slug == org, LeadOpening.opening_id == opening
        )
        at, key = LeadOpening.created_at, LeadOpening.share_id
    else:
        query = query.where(ContactShare.org_slug == org)
        at, key = ContactShare.created_at, ContactShare.id
    if status is not None:
        query = query.where(ContactShare.status == status)
    return query, at, key


async def page(
    session: AsyncSession,
    org: str,
    *,
    status: str | None,
    opening: str | None,
    older_than: tuple[datetime, int] | None,
    newer_than: tuple[datetime, int] | None,
    limit: int,
) -> list[Any]:
    """Up to `limit` lines, newest first: the first page, or those older / newer than a cursor."""
    query, at, key = _filtered(org, status, opening)
    if newer_than is not None:
        rows = await session.execute(
            query.where(tuple_(at, key) > tuple_(*newer_than)).order_by(at, key).limit(limit)
        )
        return list(reversed(rows.all()))
    if older_than is not None:
        query = query.where(tuple_(at, key) < tuple_(*older_than))
    rows = await session.execute(query.order_by(at.desc(), key.desc()).limit(limit))
    return list(rows.all())


async def count(session: AsyncSession, org: str, *, status: str | None, opening: str | None) -> int:
    if opening is not None:
        query = (
            select(func.count())
            .select_from(LeadOpening)
            .where(LeadOpening.org_slug == org, LeadOpening.opening_id == opening)
        )
        if status is not None:
            query = query.join(ContactShare, ContactShare.id == LeadOpening.share_id).where(
                ContactShare.status == status
            )
    else:
        query = select(func.count()).select_from(ContactShare).where(ContactShare.org_slug == org)
        if status is not None:
            query = query.where(ContactShare.status == status)
    return int(await session.scalar(query) or 0)


async def cursor(session: AsyncSession, org: str, lead_id: int) -> tuple[datetime, int] | None:
    """(created_at, id) of a lead of `org` to page from; None if it is gone (or not theirs)."""
    created = await session.scalar(
        select(ContactShare.created_at).where(
            ContactShare.id == lead_id, ContactShare.org_slug == org
        )
    )
    return (created, lead_id) if created is not None else None


EXPORT_COLUMNS = (
    ContactShare.id,
    ContactShare.user_id,
    ContactShare.created_at,
    ContactShare.score,
    ContactShare.status,
    ContactShare.note,
    StudentProfile.full_name,
    StudentProfile.phone,
    StudentProfile.email,
    StudentProfile.university,
    StudentProfile.degree,
    StudentProfile.study_year,
    StudentProfile.field_of_study,
    StudentProfile.interests,
    StudentProfile.seeking,
)


async def export_rows(session: AsyncSession, org: str) -> Sequence[Any]:
    """Every lead of `org` with the profile fields an export shows, newest first."""
    rows = await session.execute(
        select(*EXPORT_COLUMNS)
        .join(StudentProfile, StudentProfile.user_id == ContactShare.user_id)
        .where(ContactShare.org_slug == org)
        .order_by(ContactShare.created_at.desc(), ContactShare.id.desc())
    )
    return rows.all()


async def new_since(
    session: AsyncSession, org: str, after: datetime, until: datetime, limit: int
) -> tuple[int, list[Any]]:
    """How many leads `org` got in (after, until], and the newest `limit` of them."""
    window = (
        ContactShare.org_slug == org,
        ContactShare.created_at > after,
        ContactShare.created_at <= until,
    )
    total = int(
        await session.scalar(select(func.count()).select_from(ContactShare).where(*window)) or 0
    )
    if not total:
        return 0, []
    rows = await session.execute(
        select(*LINE_COLUMNS)
        .join(StudentProfile, StudentProfile.user_id == ContactShare.user_id)
        .where(*window)
        .order_by(ContactShare.created_at.desc(), ContactShare.id.desc())
        .limit(limit)
    )
    return total, list(rows.all())
