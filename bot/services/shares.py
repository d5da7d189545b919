"""Contact shares: a student's consent, per organisation, to give it their contact; and its end.

The employer side hooks in here: `share_contact` and `withdraw_share` are where the
organisation's representatives are told (through the outbox, in the same transaction), and
`bot.services.personal_data.delete_student` reports which organisations lost a share.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ContactShare
from bot.repositories import leads as leads_repo
from bot.repositories import students as students_repo


class ShareRefusal(Enum):
    """Why a share was not made; the value names the message that tells the student."""

    NOT_A_STUDENT = "share-not-a-student"
    NOT_OFFERED = "share-not-offered"


class ShareRefused(Exception):
    def __init__(self, reason: ShareRefusal) -> None:
        super().__init__(reason.name)
        self.reason = reason


@dataclass(frozen=True)
class ShareView:
    user_id: int
    org: str
    created_at: datetime
    feedback_opt_in: bool


@dataclass(frozen=True)
class ShareResult:
    share: ShareView
    created: bool  # False when the contact was already shared (the feedback choice is updated)


def _view(share: ContactShare) -> ShareView:
    return ShareView(share.user_id, share.org_slug, share.created_at, share.feedback_opt_in)


async def share_contact(
    session: AsyncSession,
    user_id: int,
    org: str,
    *,
    feedback_opt_in: bool,
    now: datetime,
) -> ShareResult:
    """The student shares their contact with `org`, and says whether it may send feedback.

    Only a student with a completed profile can share, and only with an organisation among
    their current matches (a forged or stale button cannot reach any other). Sharing again
    updates the feedback choice.
    """
    profile = await students_repo.get_profile(session, user_id)
    if profile is None or profile.completed_at is None:
        raise ShareRefused(ShareRefusal.NOT_A_STUDENT)
    match = await students_repo.get_match(session, user_id, org)
    if match is None or match.dismissed_at is not None or match.score <= 0:
        raise ShareRefused(ShareRefusal.NOT_OFFERED)
    share = await students_repo.get_share(session, user_id, org)
    if share is not None:
        share.feedback_opt_in = feedback_opt_in
        return ShareResult(_view(share), created=False)
    share = ContactShare(
        user_id=user_id,
        org_slug=org,
        created_at=now,
        feedback_opt_in=feedback_opt_in,
        score=match.score,
    )
    session.add(share)
    await session.flush()
    # The openings the engine matched (StudentMatch.openings, computed from the data in force
    # through FairData) are kept with the lead, so /leads filters by opening with one index.
    leads_repo.add_openings(session, share, match.openings or [])
    # Employer side: tell the organisation's representatives about the new lead here.
    return ShareResult(_view(share), created=True)


async def withdraw_share(session: AsyncSession, user_id: int, org: str) -> bool:
    """The student takes their contact back from `org`; False if it was not shared."""
    withdrawn = await students_repo.delete_share(session, user_id, org)
    # Employer side: when `withdrawn`, tell the organisation's representatives here.
    return withdrawn


async def student_shares(session: AsyncSession, user_id: int) -> list[ShareView]:
    """The organisations the student shares their contact with, oldest first."""
    return [_view(share) for share in await students_repo.shares(session, user_id)]
