"""Rows of students: profiles, their topics, matches and contact shares. Never commits."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    ContactShare,
    Representative,
    StudentMatch,
    StudentProfile,
    StudentTopic,
    User,
)


def pin(session: AsyncSession, profile: StudentProfile) -> None:
    """The identity map holds rows weakly: keep this one for the session's life, so the next
    look-up in the same update is not another SELECT."""
    session.info.setdefault("pinned", {})[(StudentProfile, profile.user_id)] = profile


async def get_profile(session: AsyncSession, user_id: int) -> StudentProfile | None:
    profile = await session.get(StudentProfile, user_id)
    if profile is not None:
        pin(session, profile)
    return profile


_TOPICS = select(StudentTopic.topic_id, StudentTopic.source).where(
    StudentTopic.user_id == bindparam("user_id")
)


async def topics(session: AsyncSession, user_id: int) -> dict[str, str]:
    """topic id -> source ("picked" or "text")."""
    rows = await session.execute(_TOPICS, {"user_id": user_id})
    return {row[0]: row[1] for row in rows}


async def replace_topics(
    session: AsyncSession, user_id: int, current: Mapping[str, str], wanted: Mapping[str, str]
) -> None:
    """Make the student's topic rows `wanted` (topic -> source), touching only what differs."""
    gone = [topic for topic in current if topic not in wanted]
    if gone:
        await session.execute(
            delete(StudentTopic).where(
                StudentTopic.user_id == user_id, StudentTopic.topic_id.in_(gone)
            )
        )
    for topic, source in wanted.items():
        if topic not in current:
            session.add(StudentTopic(user_id=user_id, topic_id=topic, source=source))
        elif current[topic] != source:
            row = await session.get(StudentTopic, (user_id, topic))
            if row is not None:
                row.source = source


async def matches(session: AsyncSession, user_id: int) -> list[StudentMatch]:
    """Every stored match of the student, best first (dismissed ones included)."""
    rows = await session.scalars(
        select(StudentMatch).where(StudentMatch.user_id == user_id).order_by(StudentMatch.rank)
    )
    return list(rows)


async def get_match(session: AsyncSession, user_id: int, org: str) -> StudentMatch | None:
    return await session.get(StudentMatch, (user_id, org))


async def delete_matches(session: AsyncSession, user_id: int, orgs: Sequence[str]) -> None:
    if orgs:
        await session.execute(
            delete(StudentMatch).where(
                StudentMatch.user_id == user_id, StudentMatch.org_slug.in_(orgs)
            )
        )


async def shares(session: AsyncSession, user_id: int) -> list[ContactShare]:
    rows = await session.scalars(
        select(ContactShare)
        .where(ContactShare.user_id == user_id)
        .order_by(ContactShare.created_at, ContactShare.id)
    )
    return list(rows)


async def get_share(session: AsyncSession, user_id: int, org: str) -> ContactShare | None:
    share: ContactShare | None = await session.scalar(
        select(ContactShare).where(ContactShare.user_id == user_id, ContactShare.org_slug == org)
    )
    return share


async def delete_share(session: AsyncSession, user_id: int, org: str) -> bool:
    result = await session.execute(
        delete(ContactShare).where(ContactShare.user_id == user_id, ContactShare.org_slug == org)
    )
    return bool(getattr(result, "rowcount", 0))


async def delete_everything(session: AsyncSession, user_id: int) -> None:
    """The student's rows and the user row itself.

    The foreign keys cascade too; deleting explicitly keeps erasure complete even where a
    database does not enforce them.
    """
    for model in (ContactShare, StudentMatch, StudentTopic, StudentProfile, Representative):
        await session.execute(delete(model).where(model.user_id == user_id))
    await session.execute(delete(User).where(User.id == user_id))
    # Objects of the deleted rows loaded earlier in this update must not be written back.
    session.expunge_all()
