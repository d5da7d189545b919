"""Contact shares: a student's consent, per organisation, to give it their contact; and its end.

The employer side hooks in here: `share_contact` and `withdraw_share` tell the organisation's
representatives (bot.services.lead_cards, through the outbox, in the same transaction), and
so does `bot.services.personal_data.delete_student` for every organisation that lost a share.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ContactShare
from bot.repositories import leads as leads_repo
from bot.repositories import students as students_repo
from bot.services.lead_cards import LeadCards, announce_share, announce_withdrawal


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
    cards: LeadCards | None,
) -> ShareResult:
    """The student shares their contact with `org`, and says whether it may send feedback.

    Only a student with a completed profile can share, and only with an organisation among
    their current matches (a forged or stale button cannot reach any other). Sharing again
    updates the feedback choice. A new share puts a lead card for each of the organisation's
    representatives in the outbox, in this transaction (`cards` None: nobody is told; for
    tests of the student side alone).
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
    if cards is not None:
        await announce_share(session, user_id, org, cards=cards, now=now)
    return ShareResult(_view(share), created=True)


async def withdraw_share(
    session: AsyncSession, user_id: int, org: str, *, now: datetime, cards: LeadCards | None
) -> bool:
    """The student takes their contact back from `org`; False if it was not shared. The
    organisation's representatives are told a lead was withdrawn (no personal data), and cards
    not yet sent are not sent."""
    withdrawn = await students_repo.delete_share(session, user_id, org)
    if withdrawn and cards is not None:
        await announce_withdrawal(session, user_id, [org], cards=cards, now=now)
    return withdrawn


async def student_shares(session: AsyncSession, user_id: int) -> list[ShareView]:
    """The organisations the student shares their contact with, oldest first."""
    return [_view(share) for share in await students_repo.shares(session, user_id)]
