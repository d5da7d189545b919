"""The invitation and lead services on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.config import Settings, SettingsError
from bot.db.models import ContactShare, OutboxMessage, StudentMatch, User
from bot.delivery.outbox import Outgoing, Priority, enqueue
from bot.handlers.employer.menu import EMPLOYER_MENU
from bot.i18n import Translator
from bot.services import invites
from bot.services.lead_cards import KIND_CARD, KIND_CV, active_representatives, org_counts
from bot.services.personal_data import export_student_data

ORGS = ("ghalam", "rcsc")
WEEK = timedelta(days=7)


async def _people(session: AsyncSession, clock: FakeClock, *ids: int) -> None:
    session.add_all(User(id=i, created_at=clock.now()) for i in ids)
    await session.flush()


def test_tokens_are_long_random_and_fit_a_start_payload() -> None:
    tokens = {invites.new_token() for _ in range(1000)}
    assert len(tokens) == 1000
    for token in tokens:
        assert len(token) <= 64
        assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
        assert invites.is_invitation_payload(token)
        assert len(token) - len(invites.TOKEN_PREFIX) >= 22  # at least 128 random bits
    assert not invites.is_invitation_payload("qr-hall-b")
    assert not invites.is_invitation_payload("inv_")
    assert not invites.is_invitation_payload("inv_" + "a" * 61)
    assert invites.hash_token("a") != invites.hash_token("b")


def test_link_and_qr_code() -> None:
    link = invites.deep_link("@fair_bot", "inv_abc")
    assert link == "https://t.me/fair_bot?start=inv_abc"
    assert invites.qr_png(link).startswith(b"\x89PNG\r\n\x1a\n")
    assert "█" in invites.qr_text(link)


async def test_unknown_organisation_is_refused_with_the_valid_ones(
    session: AsyncSession, clock: FakeClock
) -> None:
    with pytest.raises(invites.UnknownOrganisation) as refused:
        await invites.create_invitation(
            session, "nope", organisations=ORGS, created_by=None, ttl=WEEK, now=clock.now()
        )
    assert refused.value.known == ("ghalam", "rcsc")


async def test_single_use_expiry_revocation(session: AsyncSession, clock: FakeClock) -> None:
    await _people(session, clock, 1, 2, 3)
    made = await invites.create_invitation(
        session, "ghalam", organisations=ORGS, created_by=99, ttl=WEEK, now=clock.now()
    )
    assert made.invitation.is_open(clock.now())
    joined = await invites.accept_invitation(session, made.token, 1, now=clock.now())
    assert joined == invites.Joined("ghalam", already=False)
    for other in (2, 3):
        with pytest.raises(invites.JoinRefused) as refused:
            await invites.accept_invitation(session, made.token, other, now=clock.now())
        assert refused.value.reason is invites.JoinRefusal.USED
    assert await invites.accept_invitation(session, made.token, 1, now=clock.now()) == (
        invites.Joined("ghalam", already=True)
    )
    assert await invites.representative_org(session, 1) == "ghalam"
    assert await invites.representative_org(session, 2) is None
    mine = await export_student_data(session, 1, now=clock.now())
    assert mine["representative_of"]["organisation"] == "ghalam"

    expiring = await invites.create_invitation(
        session, "rcsc", organisations=ORGS, created_by=99, ttl=WEEK, now=clock.now()
    )
    clock.advance(days=7)  # valid until just before this moment
    with pytest.raises(invites.JoinRefused) as refused:
        await invites.accept_invitation(session, expiring.token, 2, now=clock.now())
    assert refused.value.reason is invites.JoinRefusal.EXPIRED
    assert await invites.open_invitations(session, now=clock.now()) == []

    revoked = await invites.create_invitation(
        session, "rcsc", organisations=ORGS, created_by=99, ttl=WEEK, now=clock.now()
    )
    assert not await invites.revoke_invitation(
        session, "ghalam", revoked.invitation.id, actor_id=99, now=clock.now()
    )  # wrong organisation: nothing happens
    assert [i.id for i in await invites.open_invitations(session, "rcsc", now=clock.now())] == [
        revoked.invitation.id
    ]
    assert await invites.revoke_invitation(
        session, "rcsc", revoked.invitation.id, actor_id=99, now=clock.now()
    )
    assert not await invites.revoke_invitation(
        session, "rcsc", revoked.invitation.id, actor_id=99, now=clock.now()
    )
    with pytest.raises(invites.JoinRefused) as refused:
        await invites.accept_invitation(session, revoked.token, 2, now=clock.now())
    assert refused.value.reason is invites.JoinRefusal.REVOKED
    with pytest.raises(invites.JoinRefused) as refused:
        await invites.accept_invitation(session, invites.new_token(), 2, now=clock.now())
    assert refused.value.reason is invites.JoinRefusal.UNKNOWN


async def test_representatives_listed_and_revoked(session: AsyncSession, clock: FakeClock) -> None:
    await _people(session, clock, 1, 2, 3)
    for user_id, org in ((1, "ghalam"), (2, "ghalam"), (3, "rcsc")):
        made = await invites.create_invitation(
            session, org, organisations=ORGS, created_by=None, ttl=WEEK, now=clock.now()
        )
        await invites.accept_invitation(session, made.token, user_id, now=clock.now())
    assert [r.user_id for r in await invites.representatives(session, "ghalam")] == [1, 2]
    assert [r.org for r in await invites.representatives(session)] == ["ghalam", "ghalam", "rcsc"]
    assert not await invites.revoke_representative(session, "rcsc", 1, actor_id=99, now=clock.now())
    assert await invites.revoke_representative(session, "ghalam", 1, actor_id=99, now=clock.now())
    user = await session.get(User, 2)
    assert user is not None
    user.is_active = False  # blocked the bot: no cards for them
    assert await active_representatives(session, "ghalam") == []
    assert await active_representatives(session, "rcsc") == [(3, None)]


async def test_a_removed_representative_gets_no_queued_card(
    session: AsyncSession, clock: FakeClock
) -> None:
    await _people(session, clock, 1, 2)
    for user_id in (1, 2):
        made = await invites.create_invitation(
            session, "ghalam", organisations=ORGS, created_by=None, ttl=WEEK, now=clock.now()
        )
        await invites.accept_invitation(session, made.token, user_id, now=clock.now())
    payload = {"method": "sendMessage", "text": "a lead"}
    for kind in (KIND_CARD, KIND_CV):
        await enqueue(
            session,
            [Outgoing(1, payload), Outgoing(2, payload)],
            kind=kind,
            ref="ghalam:7",
            priority=Priority.NOTIFICATION,
            now=clock.now(),
        )
    assert await invites.revoke_representative(session, "ghalam", 1, actor_id=99, now=clock.now())
    rows = (await session.scalars(select(OutboxMessage))).all()
    assert sorted((r.chat_id, r.kind, r.status) for r in rows) == [
        (1, KIND_CARD, "cancelled"),
        (1, KIND_CV, "cancelled"),
        (2, KIND_CARD, "pending"),
        (2, KIND_CV, "pending"),
    ]


async def test_org_counts_are_anonymous_figures(session: AsyncSession, clock: FakeClock) -> None:
    now = clock.now()
    await _people(session, clock, 1, 2, 3, 4, 5)

    def match(user_id: int, org: str, rank: int, *, dismissed: bool = False) -> StudentMatch:
        return StudentMatch(
            user_id=user_id, org_slug=org, rank=rank, score=50.0, reasons=[], openings=[],
            computed_at=now, dismissed_at=now if dismissed else None,
        )  # fmt: skip

    session.add_all(
        [
            match(1, "ghalam", 1),
            match(2, "ghalam", 5),
            match(3, "ghalam", 6),  # not among their top matches
            match(4, "ghalam", 2, dismissed=True),  # "not interested"
            match(5, "rcsc", 1),
        ]
    )
    session.add_all(
        ContactShare(user_id=u, org_slug=o, created_at=now) for u, o in ((1, "ghalam"), (5, "rcsc"))
    )
    await session.flush()
    counts = await org_counts(session, "ghalam")
    assert (counts.matching, counts.shared) == (2, 1)
    assert await org_counts(session, "baiterek") == type(counts)(0, 0)


async def test_two_people_racing_for_one_token_cannot_both_win(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    async with sessionmaker() as session, session.begin():
        await _people(session, clock, 1, 2)
        made = await invites.create_invitation(
            session, "ghalam", organisations=ORGS, created_by=None, ttl=WEEK, now=clock.now()
        )

    async def accept(user_id: int) -> str:
        try:
            async with sessionmaker() as session, session.begin():
                await invites.accept_invitation(session, made.token, user_id, now=clock.now())
        except invites.JoinRefused as refused:
            return refused.reason.name
        return "joined"

    outcomes = await asyncio.gather(accept(1), accept(2))
    assert sorted(outcomes) == ["USED", "joined"]
    async with sessionmaker() as session:
        assert len(await invites.representatives(session)) == 1


def test_invite_ttl_setting(make_settings: Callable[..., Settings]) -> None:
    assert make_settings().invite_ttl_days == 7
    assert make_settings(invite_ttl_days=30).invite_ttl_days == 30
    with pytest.raises(SettingsError, match="INVITE_TTL_DAYS is malformed"):
        make_settings(invite_ttl_days=0)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_employer_help_lists_every_employer_command(translator: Translator, lang: str) -> None:
    text = translator.get(lang, "employer-help", org="X")
    missing = [command for command, _ in EMPLOYER_MENU if f"/{command} " not in text]
    assert not missing, f"employer-help in {lang} does not mention {missing}"
