"""Employer invitations and representatives: who may act for which exhibiting organisation.

An organiser makes an invitation for an organisation; its token travels in a deep link
(`https://t.me/<bot>?start=<token>`) and only its SHA-256 is stored, so a database dump gives
no working links. A token is single-use and expires (INVITE_TTL_DAYS). Whoever opens a valid
link becomes a representative of that organisation; organisers list and revoke both.

A person represents at most one organisation. A student who accepts an invitation becomes a
representative too; their student profile, matches and shares stay theirs, untouched.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

import segno
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Invitation, Representative, User
from bot.services import audit, lead_cards

TOKEN_PREFIX = "inv_"
"""Tokens start with it, so that /start tells an invitation from a student's source payload."""
TOKEN_BYTES = 24  # 192 random bits; with the prefix 36 characters (a payload may have 64)
TOKEN_RE = re.compile(rf"{TOKEN_PREFIX}[A-Za-z0-9_-]{{1,60}}")
"""What /start treats as an invitation (a forged or mistyped one is refused, not ignored)."""

# Audit log actions.
INVITATION_CREATED = "invite.create"
INVITATION_REVOKED = "invite.revoke"
REPRESENTATIVE_JOINED = "representative.join"
REPRESENTATIVE_REVOKED = "representative.revoke"
TERMINAL_ACTOR = 0
"""The audit actor of invitations made in the terminal (`fairbot invite`)."""


class UnknownOrganisation(Exception):
    """The slug names no exhibitor of the catalogue in force."""

    def __init__(self, slug: str, known: Collection[str]) -> None:
        super().__init__(slug)
        self.slug = slug
        self.known = tuple(sorted(known))


class JoinRefusal(Enum):
    """Why an invitation link did not work; the value names the message that says so."""

    UNKNOWN = "invite-unknown"  # forged, mistyped, or never made
    USED = "invite-used"
    EXPIRED = "invite-expired"
    REVOKED = "invite-revoked"
    OTHER_ORGANISATION = "invite-other-org"  # they represent another organisation already


class JoinRefused(Exception):
    def __init__(self, reason: JoinRefusal, org: str | None = None) -> None:
        super().__init__(reason.name)
        self.reason = reason
        self.org = org  # for OTHER_ORGANISATION: the one they represent


@dataclass(frozen=True)
class InvitationView:
    id: int
    org: str
    created_by: int | None
    created_at: datetime
    expires_at: datetime
    used_by: int | None
    used_at: datetime | None
    revoked_at: datetime | None

    def is_open(self, now: datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and now < self.expires_at


@dataclass(frozen=True)
class NewInvitation:
    """A fresh invitation and its token: the only moment the token is known."""

    token: str
    invitation: InvitationView

    def link(self, bot_username: str) -> str:
        return deep_link(bot_username, self.token)


@dataclass(frozen=True)
class RepresentativeView:
    user_id: int
    org: str
    since: datetime
    language: str | None


@dataclass(frozen=True)
class Joined:
    org: str
    already: bool  # they represented it before this link (nothing changed)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def is_invitation_payload(payload: str | None) -> bool:
    return bool(payload) and TOKEN_RE.fullmatch(payload or "") is not None


def deep_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username.lstrip('@')}?start={token}"


def qr_png(link: str, *, scale: int = 10) -> bytes:
    """The link as a QR code image (PNG), for posters and screens."""
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def qr_text(link: str) -> str:
    """The link as a QR code of block characters, readable by phones from a terminal."""
    out = io.StringIO()
    segno.make(link, error="m").terminal(out=out, compact=True)
    return out.getvalue()


def _view(row: Invitation) -> InvitationView:
    return InvitationView(
        id=row.id,
        org=row.org_slug,
        created_by=row.created_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        used_by=row.used_by,
        used_at=row.used_at,
        revoked_at=row.revoked_at,
    )


async def create_invitation(
    session: AsyncSession,
    org: str,
    *,
    organisations: Collection[str],
    created_by: int | None,
    ttl: timedelta,
    now: datetime,
) -> NewInvitation:
    """A new invitation for `org`, valid for `ttl`; raises UnknownOrganisation when `org` is not
    among `organisations` (the catalogue's slugs). `created_by` None means the terminal."""
    if org not in organisations:
        raise UnknownOrganisation(org, organisations)
    token = new_token()
    row = Invitation(
        org_slug=org,
        token_hash=hash_token(token),
        created_by=created_by,
        created_at=now,
        expires_at=now + ttl,
    )
    session.add(row)
    await session.flush()
    await audit.record(
        session,
        actor_id=TERMINAL_ACTOR if created_by is None else created_by,
        action=INVITATION_CREATED,
        now=now,
        subject=f"org:{org}",
        details={"invitation": row.id, "expires_at": row.expires_at.isoformat()},
    )
    return NewInvitation(token, _view(row))


async def representative_org(session: AsyncSession, user_id: int) -> str | None:
    """The organisation the person represents, or None."""
    row = await session.get(Representative, user_id)
    return row.org_slug if row is not None else None


async def person_language(session: AsyncSession, user_id: int) -> str | None:
    """The language the person uses in the bot, if known."""
    user = await session.get(User, user_id)
    return user.language if user is not None else None


async def accept_invitation(
    session: AsyncSession, token: str, user_id: int, *, now: datetime
) -> Joined:
    """The person opened an invitation link: make them a representative of its organisation.

    Raises JoinRefused for a token that is unknown, used (by someone else), expired or revoked,
    and when they represent another organisation already (the token stays unused then). The
    token is claimed with one conditional UPDATE, so two people racing for it cannot both win.
    """
    row = await session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))
    if row is None:
        raise JoinRefused(JoinRefusal.UNKNOWN)
    current = await session.get(Representative, user_id)
    if row.used_at is not None:
        if row.used_by == user_id and current is not None and current.org_slug == row.org_slug:
            return Joined(row.org_slug, already=True)  # opened their own link again
        raise JoinRefused(JoinRefusal.USED)
    if row.revoked_at is not None:
        raise JoinRefused(JoinRefusal.REVOKED)
    if now >= row.expires_at:
        raise JoinRefused(JoinRefusal.EXPIRED)
    if current is not None:
        if current.org_slug == row.org_slug:
            return Joined(row.org_slug, already=True)
        raise JoinRefused(JoinRefusal.OTHER_ORGANISATION, current.org_slug)
    claimed = await session.execute(
        update(Invitation)
        .where(Invitation.id == row.id, Invitation.used_at.is_(None))
        .where(Invitation.revoked_at.is_(None))
        .values(used_by=user_id, used_at=now)
        .execution_options(synchronize_session=False)
    )
    if not getattr(claimed, "rowcount", 0):
        raise JoinRefused(JoinRefusal.USED)
    await session.refresh(row)
    session.add(
        Representative(user_id=user_id, org_slug=row.org_slug, created_at=now, invitation_id=row.id)
    )
    await audit.record(
        session,
        actor_id=user_id,
        action=REPRESENTATIVE_JOINED,
        now=now,
        subject=f"org:{row.org_slug}",
        details={"invitation": row.id},
    )
    return Joined(row.org_slug, already=False)


async def representatives(
    session: AsyncSession, org: str | None = None
) -> list[RepresentativeView]:
    """Representatives (of one organisation, or all), by organisation and then joining time."""
    query = select(Representative, User.language).join(User, User.id == Representative.user_id)
    if org is not None:
        query = query.where(Representative.org_slug == org)
    rows = await session.execute(
        query.order_by(Representative.org_slug, Representative.created_at, Representative.user_id)
    )
    return [
        RepresentativeView(rep.user_id, rep.org_slug, rep.created_at, language)
        for rep, language in rows.all()
    ]


async def open_invitations(
    session: AsyncSession, org: str | None = None, *, now: datetime
) -> list[InvitationView]:
    """Invitations that still work (not used, revoked or expired), oldest first."""
    query = select(Invitation).where(
        Invitation.used_at.is_(None), Invitation.revoked_at.is_(None), Invitation.expires_at > now
    )
    if org is not None:
        query = query.where(Invitation.org_slug == org)
    rows = await session.scalars(query.order_by(Invitation.created_at, Invitation.id))
    return [_view(row) for row in rows]


async def revoke_representative(
    session: AsyncSession, org: str, user_id: int, *, actor_id: int, now: datetime
) -> bool:
    """Take `user_id`'s binding to `org` away; False if they do not represent `org` (a stale or
    forged button). Leads stay with the organisation; cards queued for them are not sent."""
    row = await session.get(Representative, user_id)
    if row is None or row.org_slug != org:
        return False
    await session.delete(row)
    await lead_cards.forget_cards_of(session, user_id)
    await audit.record(
        session,
        actor_id=actor_id,
        action=REPRESENTATIVE_REVOKED,
        now=now,
        subject=f"user:{user_id}",
        details={"org": org},
    )
    return True


async def revoke_invitation(
    session: AsyncSession, org: str, invitation_id: int, *, actor_id: int, now: datetime
) -> bool:
    """Make an open invitation of `org` unusable; False if there is no such open invitation."""
    result = await session.execute(
        update(Invitation)
        .where(Invitation.id == invitation_id, Invitation.org_slug == org)
        .where(Invitation.used_at.is_(None), Invitation.revoked_at.is_(None))
        .values(revoked_at=now, revoked_by=actor_id)
        .execution_options(synchronize_session=False)
    )
    if not getattr(result, "rowcount", 0):
        return False
    await audit.record(
        session,
        actor_id=actor_id,
        action=INVITATION_REVOKED,
        now=now,
        subject=f"org:{org}",
        details={"invitation": invitation_id},
    )
    return True
