"""The student services on a real database, without Telegram: consent, matches, shares, erasure."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import FakeClock
from bot.db.models import ContactShare, StudentMatch, StudentProfile, StudentTopic, User
from bot.repositories.users import add_user
from bot.services import matches, personal_data, profiles, shares
from bot.services.answers import StudyLevel
from bot.services.fairdata import FairData

USER = 7_000_001


async def student(session: AsyncSession, fair: FairData, clock: FakeClock, text: str) -> None:
    """A consented student with a completed profile and computed matches."""
    now = clock.now()
    await add_user(session, USER, now=now)
    await profiles.give_consent(session, USER, language="en", start_source="qr", now=now)
    await profiles.set_text(session, USER, "full_name", "Dana", now=now)
    await profiles.set_study_level(session, USER, StudyLevel("master", 1), now=now)
    await profiles.set_interests(session, USER, text, engine=fair.engine, now=now)
    await profiles.complete_profile(session, USER, now=now)
    await matches.recompute_matches(session, USER, fair, lang="en", now=now)


async def rows(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_consent_writes_what_waited(session: AsyncSession, clock: FakeClock) -> None:
    await add_user(session, USER, now=clock.now())
    user = await session.get(User, USER)
    assert user is not None
    assert not profiles.is_student(user)
    await profiles.give_consent(
        session, USER, language="kk", start_source="x" * 100, now=clock.now()
    )
    assert profiles.is_student(user)
    assert (user.language, user.start_source) == ("kk", "x" * 64)
    assert await session.get(StudentProfile, USER) is not None


async def test_text_topics_and_picked_topics(
    session: AsyncSession, fair_data: FairData, clock: FakeClock
) -> None:
    await student(session, fair_data, clock, "GIS and remote sensing")
    view = await profiles.get_profile(session, USER)
    assert view is not None
    assert set(view.text_topics) >= {"gis", "remote-sensing"}
    picked = await profiles.toggle_topic(
        session, USER, "gis", catalogue=fair_data.catalogue, engine=fair_data.engine,
        now=clock.now(),
    )  # fmt: skip
    assert picked == ("gis",)
    sources = dict(
        (await session.execute(select(StudentTopic.topic_id, StudentTopic.source))).all()
    )
    assert sources["gis"] == "picked"
    assert sources["remote-sensing"] == "text"
    await profiles.toggle_topic(
        session, USER, "gis", catalogue=fair_data.catalogue, engine=fair_data.engine,
        now=clock.now(),
    )  # fmt: skip
    sources = dict(
        (await session.execute(select(StudentTopic.topic_id, StudentTopic.source))).all()
    )
    assert sources["gis"] == "text"  # still in their words
    assert await profiles.toggle_topic(
        session, USER, "no-such-topic", catalogue=fair_data.catalogue, engine=fair_data.engine,
        now=clock.now(),
    ) is None  # fmt: skip


async def test_dismissed_stays_hidden_after_recompute(
    session: AsyncSession, fair_data: FairData, clock: FakeClock
) -> None:
    await student(session, fair_data, clock, "satellite imagery, GIS, machine learning")
    shown = await matches.shown_matches(session, USER)
    first = shown[0].org
    assert await matches.dismiss_match(session, USER, first, now=clock.now()) is not None
    assert first not in [m.org for m in await matches.shown_matches(session, USER)]
    clock.advance(timedelta(minutes=1))
    again = await matches.recompute_matches(session, USER, fair_data, lang="ru", now=clock.now())
    assert first not in [m.org for m in again]
    # Even when it no longer matches at all, the dismissal is remembered.
    await profiles.set_interests(
        session, USER, "telescopes", engine=fair_data.engine, now=clock.now()
    )
    await matches.recompute_matches(session, USER, fair_data, lang="en", now=clock.now())
    row = await session.get(StudentMatch, (USER, first))
    assert row is not None
    assert row.dismissed_at is not None
    assert await matches.get_match(session, USER, "no-such-org") is None


async def test_share_rules_and_withdrawal(
    session: AsyncSession, fair_data: FairData, clock: FakeClock
) -> None:
    with pytest.raises(shares.ShareRefused) as refused:
        await shares.share_contact(
            session, USER, "garysh-sapary", feedback_opt_in=True, now=clock.now(), cards=None
        )
    assert refused.value.reason is shares.ShareRefusal.NOT_A_STUDENT
    await student(session, fair_data, clock, "satellite imagery and GIS")
    shown = await matches.shown_matches(session, USER)
    org, other = shown[0].org, shown[1].org
    not_matched = next(
        slug for slug in fair_data.catalogue.exhibitors if slug not in {m.org for m in shown}
    )
    with pytest.raises(shares.ShareRefused) as refused:
        await shares.share_contact(
            session, USER, not_matched, feedback_opt_in=False, now=clock.now(), cards=None
        )
    assert refused.value.reason is shares.ShareRefusal.NOT_OFFERED
    made = await shares.share_contact(
        session, USER, org, feedback_opt_in=False, now=clock.now(), cards=None
    )
    assert made.created
    again = await shares.share_contact(
        session, USER, org, feedback_opt_in=True, now=clock.now(), cards=None
    )
    assert not again.created
    assert again.share.feedback_opt_in
    assert [s.org for s in await shares.student_shares(session, USER)] == [org]
    await matches.dismiss_match(session, USER, other, now=clock.now())
    with pytest.raises(shares.ShareRefused):
        await shares.share_contact(
            session, USER, other, feedback_opt_in=True, now=clock.now(), cards=None
        )
    assert await shares.withdraw_share(session, USER, org, now=clock.now(), cards=None)
    assert not await shares.withdraw_share(session, USER, org, now=clock.now(), cards=None)
    assert await rows(session, ContactShare) == 0


async def test_export_and_delete_leave_nothing(
    session: AsyncSession, fair_data: FairData, clock: FakeClock
) -> None:
    await student(session, fair_data, clock, "satellite imagery and GIS")
    org = (await matches.shown_matches(session, USER))[0].org
    await shares.share_contact(
        session, USER, org, feedback_opt_in=True, now=clock.now(), cards=None
    )
    document = await personal_data.export_student_data(
        session, USER, conversation={"step": None}, now=clock.now()
    )
    assert document["user"]["start_source"] == "qr"
    assert document["profile"]["degree"] == "master"
    assert document["contact_shares"][0]["organisation"] == org
    assert personal_data.to_json_bytes(document).startswith(b"{")
    deleted = await personal_data.delete_student(session, USER, now=clock.now(), cards=None)
    assert deleted.shared_with == (org,)
    await session.commit()
    for model in (User, StudentProfile, StudentTopic, StudentMatch, ContactShare):
        assert await rows(session, model) == 0, model.__tablename__
    assert await personal_data.forget_unconsented(session, USER) is False
