"""Leads: the students who shared their contact with an organisation, as its representatives work
them (list, filters, status, private note) and what the student hears back.

Every function takes the caller's representative binding and looks the lead up *within that
organisation*: a lead id of another organisation (a forged button, a stale one) is the same as
no lead at all, and nothing is read or changed. A lead is a `ContactShare` row: when the student
withdraws (or runs /delete_me) the row and its state are gone.

Feedback to the student, only when they agreed at share time, through the outbox in their
language, each kind once per share:

- "viewed": the first time a representative opens the lead, or sets it to contacted;
- "interview": when the lead is set to interview.

Offers and "not a fit" are not announced: an offer is made in person, and a silent "no" is kinder
than an automatic one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ContactShare
from bot.db.models.students import LEAD_NOTE_MAX
from bot.delivery.outbox import Outgoing, Priority, enqueue
from bot.repositories import leads as repo
from bot.services.labels import labels
from bot.services.reminders import Rendering
from matching.catalogue import Catalogue

STATUSES = ("new", "contacted", "interview", "offer", "not_a_fit")
PAGE_SIZE = 8
NOTE_MAX = LEAD_NOTE_MAX
OUTBOX_FEEDBACK = "lead-feedback"  # outbox kind; ref: the lead id

FeedbackKind = Literal["viewed", "interview"]


@dataclass(frozen=True)
class RepresentativeView:
    user_id: int
    org: str


@dataclass(frozen=True)
class LeadFilter:
    status: str | None = None
    opening: str | None = None


@dataclass(frozen=True)
class LeadLine:
    """A lead as one line of the list."""

    id: int
    user_id: int
    created_at: datetime
    score: float
    status: str
    name: str | None
    university: str | None
    degree: str | None
    study_year: int | None
    field: str | None

    @property
    def percent(self) -> int:
        return round(self.score)


@dataclass(frozen=True)
class LeadPage:
    leads: list[LeadLine]
    total: int  # leads that pass the filter
    page: int  # 1-based, as the buttons counted it
    newer: bool  # there is a page before this one
    older: bool  # and one after

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


@dataclass(frozen=True)
class LeadCard:
    """Everything the organisation sees of one lead."""

    id: int
    user_id: int
    created_at: datetime
    score: float
    status: str
    note: str | None
    updated_at: datetime | None
    name: str | None
    university: str | None
    degree: str | None
    study_year: int | None
    field: str | None
    interests: str | None
    seeking: tuple[str, ...]
    phone: str | None
    email: str | None
    openings: tuple[str, ...]

    @property
    def percent(self) -> int:
        return round(self.score)


@dataclass(frozen=True)
class NoteResult:
    card: LeadCard
    cut: bool  # the note was longer than NOTE_MAX and was cut


@dataclass(frozen=True)
class FeedbackContext:
    """What it takes to write to a student: their language's texts, the organisation's name."""

    rendering: Rendering
    catalogue: Catalogue | None


async def representative(session: AsyncSession, user_id: int) -> RepresentativeView | None:
    """The person's organisation binding, or None: they are nobody's representative."""
    row = await repo.representative(session, user_id)
    return RepresentativeView(row.user_id, row.org_slug) if row is not None else None


def _line(row: Any) -> LeadLine:
    return LeadLine(*row)


async def leads_page(
    session: AsyncSession,
    rep: RepresentativeView,
    flt: LeadFilter,
    *,
    older_than: int | None = None,
    newer_than: int | None = None,
    page: int = 1,
) -> LeadPage:
    """A page of the organisation's leads, newest first (keyset pages: a lead shared meanwhile
    does not shift what "older" means). `older_than` / `newer_than` is the lead id at the edge of
    the page the person was on; a cursor that is gone or not theirs starts from the top."""
    status = flt.status if flt.status in STATUSES else None
    older = await repo.cursor(session, rep.org, older_than) if older_than else None
    newer = await repo.cursor(session, rep.org, newer_than) if newer_than else None
    if (older_than and older is None) or (newer_than and newer is None):
        page = 1
    rows = await repo.page(
        session, rep.org, status=status, opening=flt.opening,
        older_than=older, newer_than=newer, limit=PAGE_SIZE + 1,
    )  # fmt: skip
    if newer is not None:
        more_newer = len(rows) > PAGE_SIZE
        rows = rows[-PAGE_SIZE:]
        has_newer, has_older = more_newer, True
    else:
        has_older = len(rows) > PAGE_SIZE
        rows = rows[:PAGE_SIZE]
        has_newer = older is not None
    # Numbers are as the person counted pages; leads shared meanwhile can shift them by one.
    page = 1 if not has_newer else max(page, 2)
    total = await repo.count(session, rep.org, status=status, opening=flt.opening)
    return LeadPage([_line(row) for row in rows], total, max(page, 1), has_newer, has_older)


async def _card(session: AsyncSession, share: ContactShare) -> LeadCard:
    profile, _ = await repo.profile_and_language(session, share.user_id)
    openings = await repo.lead_openings(session, share.id)
    return LeadCard(
        id=share.id,
        user_id=share.user_id,
        created_at=share.created_at,
        score=share.score,
        status=share.status,
        note=share.note,
        updated_at=share.updated_at,
        name=profile.full_name if profile else None,
        university=profile.university if profile else None,
        degree=profile.degree if profile else None,
        study_year=profile.study_year if profile else None,
        field=profile.field_of_study if profile else None,
        interests=profile.interests if profile else None,
        seeking=tuple(profile.seeking or []) if profile else (),
        phone=profile.phone if profile else None,
        email=profile.email if profile else None,
        openings=tuple(openings),
    )


async def open_status(session: AsyncSession, rep: RepresentativeView, lead_id: int) -> str | None:
    """The lead's status, or None when it is not a lead of the representative's organisation."""
    share = await repo.get_lead(session, lead_id, rep.org)
    return share.status if share is not None else None


async def open_lead(
    session: AsyncSession,
    rep: RepresentativeView,
    lead_id: int,
    *,
    now: datetime,
    feedback: FeedbackContext,
) -> LeadCard | None:
    """The lead's card (None when it is not a lead of the representative's organisation).
    The first opening by anyone of the organisation counts as "viewed"."""
    share = await repo.get_lead(session, lead_id, rep.org)
    if share is None:
        return None
    if share.viewed_at is None:
        share.viewed_at = now
        await _tell(session, share, "viewed", now=now, feedback=feedback)
    return await _card(session, share)


async def set_status(
    session: AsyncSession,
    rep: RepresentativeView,
    lead_id: int,
    status: str,
    *,
    now: datetime,
    feedback: FeedbackContext,
) -> LeadCard | None:
    """Move the lead to `status` (shared by all the organisation's representatives); None when
    the lead is not theirs or the status is not one of STATUSES."""
    if status not in STATUSES:
        return None
    share = await repo.get_lead(session, lead_id, rep.org)
    if share is None:
        return None
    if share.status != status:
        share.status = status
        share.updated_at, share.updated_by = now, rep.user_id
    if share.viewed_at is None:
        share.viewed_at = now
    if status in ("contacted", "interview", "offer"):
        await _tell(session, share, "viewed", now=now, feedback=feedback)
    if status == "interview":
        await _tell(session, share, "interview", now=now, feedback=feedback)
    return await _card(session, share)


def clean_note(text: str) -> tuple[str | None, bool]:
    """The note to store (None clears it: empty or "-") and whether it was cut to NOTE_MAX."""
    text = text.strip()
    if not text or text == "-":
        return None, False
    if len(text) > NOTE_MAX:
        return text[:NOTE_MAX], True
    return text, False


async def set_note(
    session: AsyncSession, rep: RepresentativeView, lead_id: int, text: str, *, now: datetime
) -> NoteResult | None:
    """The organisation's private note on the lead (never shown to the student)."""
    share = await repo.get_lead(session, lead_id, rep.org)
    if share is None:
        return None
    note, cut = clean_note(text)
    share.note = note
    share.updated_at, share.updated_by = now, rep.user_id
    return NoteResult(await _card(session, share), cut)


async def _tell(
    session: AsyncSession,
    share: ContactShare,
    kind: FeedbackKind,
    *,
    now: datetime,
    feedback: FeedbackContext,
) -> bool:
    """Feedback of `kind` to the student, once per share, if they agreed to it."""
    if not share.feedback_opt_in:
        return False
    column = "told_viewed_at" if kind == "viewed" else "told_interview_at"
    if getattr(share, column) is not None:
        return False
    setattr(share, column, now)
    _, language = await repo.profile_and_language(session, share.user_id)
    t = feedback.rendering.t(language)
    org = labels(feedback.catalogue, t.lang).organisation(share.org_slug)
    text = t(f"lead-feedback-{kind}", org=org)
    stamp = int(share.created_at.timestamp())
    await enqueue(
        session,
        [
            Outgoing(
                share.user_id,
                {"method": "sendMessage", "text": text, "parse_mode": "HTML"},
                dedup_key=f"{OUTBOX_FEEDBACK}:{share.id}:{stamp}:{kind}",
            )
        ],
        kind=OUTBOX_FEEDBACK,
        ref=str(share.id),
        priority=Priority.NOTIFICATION,
        now=now,
    )
    return True
