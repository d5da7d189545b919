"""A student's matches: computed by the engine from their profile, stored, shown, dismissed.

Matches are recomputed whenever the profile changes and stored in StudentMatch, so showing them
(and checking a button press against them) is a read. "Not interested" is kept across
recomputations: a dismissed organisation stays hidden even if it matches again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import StudentMatch
from bot.repositories import students as students_repo
from bot.services.fairdata import FairData
from bot.services.profiles import PICKED, NotAStudent
from matching.catalogue import OPENING_KINDS, Lang, OpeningKind
from matching.engine import Reason, ReasonSource
from matching.engine import StudentProfile as MatchProfile

SHOWN = 5  # matches shown at once
STORED = 50  # matches kept per student (more than shown: dismissing one brings the next)
_DISMISSED_RANK = 32_000  # dismissed organisations that no longer match sort last


@dataclass(frozen=True)
class MatchView:
    """One organisation for one student, as the bot shows it."""

    org: str
    rank: int
    score: float  # 0-100
    reasons: tuple[Reason, ...]
    openings: tuple[str, ...]  # ids of the best fitting openings
    dismissed: bool
    shared: bool

    @property
    def percent(self) -> int:
        return round(self.score)

    @property
    def reason_topics(self) -> frozenset[str]:
        return frozenset(r.topic for r in self.reasons)


_SOURCES: dict[str, ReasonSource] = {"text": "text", "topic": "topic", "field": "field"}
_KINDS: dict[str, OpeningKind] = {kind: kind for kind in OPENING_KINDS}


def _reasons(row: StudentMatch) -> tuple[Reason, ...]:
    out = []
    for item in row.reasons or []:
        topic, words = item.get("topic"), item.get("words", "")
        source = _SOURCES.get(item.get("source", ""))
        if topic and source is not None:
            out.append(Reason(topic, words, source))
    return tuple(out)


def _view(row: StudentMatch, shared: set[str]) -> MatchView:
    return MatchView(
        org=row.org_slug,
        rank=row.rank,
        score=row.score,
        reasons=_reasons(row),
        openings=tuple(row.openings or []),
        dismissed=row.dismissed_at is not None,
        shared=row.org_slug in shared,
    )


async def recompute_matches(
    session: AsyncSession, user_id: int, fair: FairData, *, lang: Lang, now: datetime
) -> list[MatchView]:
    """Match the stored profile again and store the result; the matches to show, best first."""
    profile = await students_repo.get_profile(session, user_id)
    if profile is None:
        raise NotAStudent(user_id)
    topics = await students_repo.topics(session, user_id)
    seeking = frozenset(_KINDS[k] for k in (profile.seeking or []) if k in _KINDS)
    found = fair.engine.match(
        MatchProfile(
            interests=profile.interests or "",
            topics=[t for t, source in topics.items() if source == PICKED],
            field_of_study=profile.field_of_study or "",
            seeking=seeking,
            lang=lang,
        ),
        top=STORED,
    )
    existing = {row.org_slug: row for row in await students_repo.matches(session, user_id)}
    for rank, match in enumerate(found, start=1):
        row = existing.pop(match.org, None)
        if row is None:
            row = StudentMatch(user_id=user_id, org_slug=match.org, dismissed_at=None)
            session.add(row)
        row.rank = rank
        row.score = match.score
        row.reasons = [
            {"topic": r.topic, "words": r.words, "source": r.source} for r in match.reasons
        ]
        row.openings = [opening.id for opening in match.openings]
        row.computed_at = now
    stale = []
    for org, row in existing.items():
        if row.dismissed_at is None:
            stale.append(org)
        else:  # no longer a match, but keep the "not interested" for later recomputations
            row.rank, row.score, row.reasons, row.openings = _DISMISSED_RANK, 0.0, [], []
            row.computed_at = now
    await students_repo.delete_matches(session, user_id, stale)
    await session.flush()
    return await shown_matches(session, user_id)


async def _shared_orgs(session: AsyncSession, user_id: int) -> set[str]:
    return {share.org_slug for share in await students_repo.shares(session, user_id)}


async def shown_matches(
    session: AsyncSession, user_id: int, *, limit: int = SHOWN
) -> list[MatchView]:
    """The best matches not dismissed, at most `limit`."""
    shared = await _shared_orgs(session, user_id)
    rows = await students_repo.matches(session, user_id)
    return [_view(row, shared) for row in rows if row.dismissed_at is None][:limit]


async def get_match(session: AsyncSession, user_id: int, org: str) -> MatchView | None:
    """The student's match with `org` (dismissed or not), or None if it is not one of theirs."""
    row = await students_repo.get_match(session, user_id, org)
    if row is None:
        return None
    shared = await students_repo.get_share(session, user_id, org)
    return _view(row, {org} if shared is not None else set())


async def dismiss_match(
    session: AsyncSession, user_id: int, org: str, *, now: datetime
) -> MatchView | None:
    """ "Not interested": hide the organisation from the student's matches (None if it is not
    one of them)."""
    row = await students_repo.get_match(session, user_id, org)
    if row is None:
        return None
    if row.dismissed_at is None:
        row.dismissed_at = now
    return await get_match(session, user_id, org)


async def restore_match(session: AsyncSession, user_id: int, org: str) -> MatchView | None:
    """Undo "Not interested"."""
    row = await students_repo.get_match(session, user_id, org)
    if row is None:
        return None
    row.dismissed_at = None
    return await get_match(session, user_id, org)
