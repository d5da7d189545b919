"""Lead cards reach exactly the representatives of the organisation a student shared with, in
their languages; withdrawals and /delete_me tell them without personal data."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.callbacks import MatchAction, PrivacyAction
from bot.db.models import OutboxMessage
from bot.delivery.outbox import deliveries
from bot.i18n import Translator
from bot.services import lead_cards
from tests.employer.conftest import Console, representative, share, student
from tests.student.journey import plain


async def _outbox(console: Console, kind: str) -> list[OutboxMessage]:
    async with console.sessionmaker() as session:
        return list(
            (await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind))).all()
        )


async def test_a_share_reaches_every_representative_of_that_organisation_once(
    console: Console, translator: Translator
) -> None:
    aida = await student(console, "Aida")
    org, other_org = aida.orgs[0], aida.orgs[1]
    reps = [
        await representative(console, org, "RepEn", "en"),
        await representative(console, org, "RepKk", "kk"),
    ]
    outsider = await representative(console, other_org, "OtherRep")
    await share(console, aida, org)

    for rep, lang in zip(reps, ["en", "kk"], strict=True):
        card = await rep.wait_for_message(lambda m: "Aida Testova" in m.body and "%" in m.body)
        t = translator.bind(lang)
        assert plain(translator, lang, "lead-card-field", field="Geodesy") in card.body
        assert "Satbayev University" in card.body
        assert t("level-master", year=1) in card.body
        assert "satellite image processing and GIS" in card.body
        assert t("kind-internship") in card.body
        assert "+77011234567" in card.body
        assert "aida@example.org" in card.body
        assert f'href="tg://user?id={aida.user.id}"' in (card.source or "")
        name = lead_cards.org_name(console.fair.current.catalogue, lang, org)
        assert plain(translator, lang, "lead-card-title", org=name) in card.body
        cv = await rep.wait_for_message(lambda m: m.kind == "document")
        assert cv.document is not None
        assert cv.document.content == b"%PDF-1.4 cv"
        assert "Aida Testova" in cv.body
    async with console.sessionmaker() as session:
        ref = lead_cards.lead_ref(org, aida.user.id)
        cards = await deliveries(session, kind=lead_cards.KIND_CARD, ref=ref)
        cvs = await deliveries(session, kind=lead_cards.KIND_CV, ref=ref)
    # Exactly one card and one CV per representative of that organisation, nobody else.
    assert sorted(d.chat_id for d in cards) == sorted(r.id for r in reps)
    assert sorted(d.chat_id for d in cvs) == sorted(r.id for r in reps)
    assert not any("Aida" in m.body for m in outsider.messages)
    assert all(row.chat_id != outsider.id for row in await _outbox(console, "lead-card"))

    # Sharing again (a stale button) changes the feedback choice, and sends no second card.
    await share(console, aida, org)
    async with console.sessionmaker() as session:
        assert len(await deliveries(session, kind=lead_cards.KIND_CARD, ref=ref)) == 2


async def test_a_card_without_cv_or_name_is_still_complete(console: Console) -> None:
    bota = await student(console, "Bota", cv=False, language="ru")
    rep = await representative(console, bota.orgs[0], "Rep", "ru")
    await share(console, bota, bota.orgs[0])
    card = await rep.wait_for_message(lambda m: "Bota Testova" in m.body)
    assert "Резюме" not in card.body
    assert "/leads" in card.body
    assert await _outbox(console, lead_cards.KIND_CV) == []


async def test_withdrawal_tells_representatives_without_personal_data(
    console: Console, translator: Translator
) -> None:
    aida = await student(console, "Aida")
    org = aida.orgs[0]
    rep = await representative(console, org, "Rep", "en")
    await share(console, aida, org)
    await rep.wait_for_message(lambda m: m.kind == "document")

    await aida.user.send("/privacy")
    screen = await aida.user.wait_for_message(lambda m: bool(m.buttons))
    await aida.user.press(data=PrivacyAction(action="withdraw", org=org).pack(), message=screen)
    name = lead_cards.org_name(console.fair.current.catalogue, "en", org)
    notice = await rep.wait_for_message(lambda m: m.body.startswith("↩️"))
    assert notice.body == plain(translator, "en", "lead-withdrawn-notice", org=name)
    for secret in ("Aida", "+7701", "example.org", str(aida.user.id)):
        assert secret not in notice.body
    # The outbox no longer holds their details either.
    for row in await _outbox(console, lead_cards.KIND_CARD) + await _outbox(
        console, lead_cards.KIND_CV
    ):
        assert "Aida" not in str(row.payload)
        assert "+7701" not in str(row.payload)


async def test_delete_me_tells_every_organisation_shared_with(
    console: Console, translator: Translator
) -> None:
    aida = await student(console, "Aida", cv=False)
    first, second = aida.orgs[0], aida.orgs[1]
    rep_a = await representative(console, first, "RepA", "en")
    rep_b = await representative(console, second, "RepB", "ru")
    await share(console, aida, first)
    await share(console, aida, second)
    await rep_a.wait_for_message(lambda m: "Aida" in m.body)
    await rep_b.wait_for_message(lambda m: "Aida" in m.body)

    await aida.user.send("/delete_me")
    question = await aida.user.wait_for_message(lambda m: bool(m.buttons))
    await aida.user.press(data=PrivacyAction(action="delete").pack(), message=question)
    for rep, org, lang in ((rep_a, first, "en"), (rep_b, second, "ru")):
        name = lead_cards.org_name(console.fair.current.catalogue, lang, org)
        wanted = plain(translator, lang, "lead-withdrawn-notice", org=name)
        notice = await rep.wait_for_message(lambda m, wanted=wanted: m.body == wanted)
        assert "Aida" not in notice.body


async def test_a_pending_card_is_not_sent_after_withdrawal(
    console: Console, translator: Translator
) -> None:
    """Withdrawn before the worker sent the card (here: a card due in an hour)."""
    aida = await student(console, "Aida", cv=False)
    org = aida.orgs[0]
    rep = await representative(console, org, "Rep", "en")
    cards = lead_cards.LeadCards(translator, console.fair.current)
    async with console.sessionmaker() as session, session.begin():
        later = console.clock.now() + timedelta(hours=1)
        assert await lead_cards.announce_share(session, aida.user.id, org, cards=cards, now=later)
        await lead_cards.announce_withdrawal(
            session, aida.user.id, [org], cards=cards, now=console.clock.now()
        )
    async with console.sessionmaker() as session:
        sent = await deliveries(
            session, kind=lead_cards.KIND_CARD, ref=lead_cards.lead_ref(org, aida.user.id)
        )
    assert [d.status for d in sent] == ["cancelled"]
    await rep.wait_for_message(lambda m: m.body.startswith("↩️"))
    assert not any("Aida" in m.body for m in rep.messages)


async def test_the_student_card_buttons_share_and_withdraw(console: Console) -> None:
    """The match card's own withdraw button tells representatives too."""
    aida = await student(console, "Aida", cv=False)
    org = aida.orgs[0]
    rep = await representative(console, org, "Rep", "en")
    await share(console, aida, org)
    await rep.wait_for_message(lambda m: "Aida" in m.body)
    card = aida.user.messages[-1]
    await aida.user.press(data=MatchAction(action="withdraw", org=org).pack(), message=card)
    await rep.wait_for_message(lambda m: m.body.startswith("↩️"))
