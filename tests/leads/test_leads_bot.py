"""/leads through the real dispatcher and Bot against the fake Telegram: pages, filters, status
shared between representatives, notes, feedback to students, and who may see what."""

from __future__ import annotations

from datetime import timedelta

from aiogram import Bot
from sqlalchemy import select

from bot.callbacks import LeadAction, LeadsPage
from bot.db.models import ContactShare, LeadOpening
from bot.fakeapi import FakeTelegramServer
from bot.repositories import students as students_repo
from bot.services import shares
from bot.services.fairdata import FairData
from tests.leads.conftest import ORG, OTHER, Fair


def _ghalam_openings(fair_data: FairData) -> list[str]:
    return [o.id for o in fair_data.catalogue.exhibitors[ORG].openings]


async def test_pages_newest_first_and_stable(fair: Fair, running: Bot) -> None:
    start = fair.clock.now()
    for n in range(20):
        await fair.student(f"Student {n:02d}", at=start + timedelta(minutes=n))
    rep = await fair.rep("Rep")
    await rep.send("/leads")
    first = await rep.next_message()
    assert "Leads of Ghalam LLP: 20" in first.text
    assert "Page 1 of 3" in first.text
    names = [line.split(". ", 1)[1].split(" — ")[0] for line in first.text.splitlines()[4:]]
    assert names == [f"Student {n:02d}" for n in range(19, 11, -1)]

    # A lead shared meanwhile does not shift the older pages (keyset, not offset).
    await fair.student("Late comer", at=start + timedelta(hours=5))
    await rep.press("Older ›")
    second = await rep.next_message()
    assert second.edited
    assert "Page 2 of 3" in second.text
    assert "9. Student 11" in second.text
    assert "16. Student 04" in second.text
    await rep.press("Older ›")
    third = await rep.next_message()
    assert "17. Student 03" in third.text
    assert "20. Student 00" in third.text
    assert "Older ›" not in third.button_texts
    await rep.press("‹ Newer")
    back = await rep.next_message()
    assert "9. Student 11" in back.text
    await rep.press("‹ Newer")
    above = await rep.next_message()
    assert "Student 19" in above.text
    assert "‹ Newer" in above.button_texts  # the late comer is above it
    await rep.press("‹ Newer")
    top = await rep.next_message()
    assert "1. Late comer" in top.text
    assert "‹ Newer" not in top.button_texts


async def test_filters_by_status_and_opening(fair: Fair, running: Bot, fair_data: FairData) -> None:
    ids = _ghalam_openings(fair_data)
    a = await fair.student("Aigerim", openings=(ids[0],))
    await fair.student("Bolat", openings=(ids[1], ids[0]))
    await fair.student("Dana", openings=(ids[1],))
    async with fair.sessionmaker() as session:
        rows = (await session.scalars(select(LeadOpening.opening_id))).all()
    assert sorted(rows) == sorted([ids[0], ids[1], ids[0], ids[1]])
    rep = await fair.rep("Rep")
    await rep.send("/leads")
    await rep.next_message()
    await rep.press("Opening: all")
    menu = await rep.next_message()
    assert "Show leads matching the opening" in menu.text
    await rep.press(1)  # the first opening (0 is "all")
    only = await rep.next_message()
    assert "Leads of Ghalam LLP: 2" in only.text
    assert "Aigerim" in only.text
    assert "Bolat" in only.text
    assert "Dana" not in only.text

    # Aigerim moves to interview; status filter on top of the opening filter.
    card_button = next(b for b in only.buttons if b.text.endswith("Aigerim"))
    await rep.press(card_button)
    card = await rep.next_message()
    assert "Aigerim" in card.text
    assert "Satellite" in card.text or "Openings:" in card.text
    await rep.press("🗓 Interview")
    await rep.next_message()
    await rep.press("« Back to leads")
    await rep.next_message()
    await rep.press("Status: all")
    await rep.next_message()
    await rep.press("🗓 Interview")
    both = await rep.next_message()
    assert "Leads of Ghalam LLP: 1" in both.text
    assert "Aigerim" in both.text
    assert "Bolat" not in both.text
    share = await fair.share(await fair.share_id(a))
    assert share is not None
    assert share.status == "interview"


async def test_status_is_shared_and_feedback_goes_once_to_who_agreed(
    fair: Fair, running: Bot
) -> None:
    agreed = await fair.student("Aigerim", opt_in=True, language="ru")
    silent = await fair.student("Bolat", opt_in=False)
    first, second = await fair.rep("Rep One"), await fair.rep("Rep Two")

    await first.send("/leads")
    await first.next_message()
    await first.press("2. Aigerim")  # newest first: Bolat shared after her
    card = await first.next_message()
    assert "Aigerim" in card.text
    viewed = await fair.outbox("lead-feedback")
    assert [row.chat_id for row in viewed] == [agreed]
    assert "посмотрели ваш профиль" in viewed[0].payload["text"]

    answer = await first.press("🗓 Interview")
    assert answer.text == "Status: 🗓 Interview"
    await first.next_message()
    answer = await first.press("📞 Contacted")
    await first.next_message()
    answer = await first.press("🗓 Interview")
    await first.next_message()
    feedback = await fair.outbox("lead-feedback")
    assert [row.dedup_key.rsplit(":", 1)[1] for row in feedback] == ["viewed", "interview"]
    assert "приглашают вас на собеседование" in feedback[1].payload["text"]

    await second.send("/leads")
    seen = await second.next_message()
    line = next(x for x in seen.text.splitlines() if "Aigerim" in x)
    assert "Interview" in line

    # The student who did not agree hears nothing, whatever happens to their lead.
    other = await fair.share_id(silent)
    await second.press(data=LeadAction(id=other, a="st", v="interview").pack())
    await second.next_message()
    assert [row.chat_id for row in await fair.outbox("lead-feedback")] == [agreed, agreed]


async def test_notes_are_escaped_cut_and_cancelable(fair: Fair, running: Bot) -> None:
    student = await fair.student("Aigerim")
    lead = await fair.share_id(student)
    rep = await fair.rep("Rep")
    await rep.send("/leads")
    await rep.next_message()
    await rep.press(data=LeadAction(id=lead, a="open").pack())
    await rep.next_message()
    await rep.press("✏️ Add a note")
    ask = await rep.next_message()
    assert "up to 1,000 characters" in ask.text or "up to 1000 characters" in ask.text
    await rep.send("/cancel")
    await rep.next_message()
    share = await fair.share(lead)
    assert share is not None
    assert share.note is None

    await rep.press(data=LeadAction(id=lead, a="note").pack())
    await rep.next_message()
    long_note = "<b>call</b> & " + "x" * 1200
    await rep.send(long_note)
    saved = await rep.next_message()
    assert saved.text == "Note saved."
    cut = await rep.next_message()
    assert "was cut" in cut.text
    card = await rep.next_message()
    assert "<b>call</b> &" in card.text  # shown as typed: escaped, not markup
    assert "&lt;b&gt;call&lt;/b&gt; &amp;" in (card.source or "")
    share = await fair.share(lead)
    assert share is not None
    assert share.note is not None
    assert len(share.note) == 1000

    await rep.press("✏️ Edit the note")
    await rep.next_message()
    await rep.send("-")
    assert (await rep.next_message()).text == "Note removed."
    share = await fair.share(lead)
    assert share is not None
    assert share.note is None


async def test_other_organisation_and_strangers_get_nothing(
    fair: Fair, running: Bot, server: FakeTelegramServer
) -> None:
    student = await fair.student("Aigerim", opt_in=True)
    lead = await fair.share_id(student)
    rival = await fair.rep("Rival", OTHER)
    await fair.student("Rival's own", OTHER)

    await rival.send("/leads")
    own = await rival.next_message()
    assert "Rival's own" in own.text
    assert "Aigerim" not in own.text
    for forged in (
        LeadAction(id=lead, a="open"),
        LeadAction(id=lead, a="st", v="offer"),
        LeadAction(id=lead, a="note"),
    ):
        answer = await rival.press(data=forged.pack())
        assert answer.show_alert
        assert "not available" in (answer.text or "")
    # A forged cursor of another organisation's lead just starts from the top.
    await rival.press(data=LeadsPage(older=lead, p=7).pack())
    edits = await server.wait_for_calls("editMessageText", 1)
    assert "Rival&#x27;s own" in edits[-1].params["text"]
    assert "Aigerim" not in edits[-1].params["text"]
    await rival.send("/export")
    await rival.next_message()  # preparing
    csv_doc = await rival.next_message()
    assert csv_doc.document is not None
    assert "Aigerim" not in csv_doc.document.content.decode("utf-8-sig")
    await rival.next_message()

    share = await fair.share(lead)
    assert share is not None
    assert (share.status, share.note, share.viewed_at) == ("new", None, None)
    assert await fair.outbox("lead-feedback") == []

    stranger = server.user("Stranger", started=True)
    for command in ("/leads", "/export"):
        await stranger.send(command)
        refused = await stranger.next_message()
        assert "for representatives of exhibiting organisations" in refused.text
    answer = await stranger.press(data=LeadAction(id=lead, a="st", v="offer").pack())
    assert answer.show_alert
    share = await fair.share(lead)
    assert share is not None
    assert share.status == "new"


async def test_withdrawn_and_erased_students_disappear(fair: Fair, running: Bot) -> None:
    stays = await fair.student("Stays")
    withdraws = await fair.student("Withdraws")
    erases = await fair.student("Erases")
    lead = await fair.share_id(withdraws)
    async with fair.sessionmaker() as session, session.begin():
        now = fair.clock.now()
        assert await shares.withdraw_share(session, withdraws, ORG, now=now, cards=None)
        await students_repo.delete_everything(session, erases)
    async with fair.sessionmaker() as session:
        left = (await session.scalars(select(ContactShare.user_id))).all()
        openings = (await session.scalars(select(LeadOpening.share_id))).all()
    assert left == [stays]
    assert lead not in openings

    rep = await fair.rep("Rep")
    await rep.send("/leads")
    listing = await rep.next_message()
    assert "Leads of Ghalam LLP: 1" in listing.text
    assert "Withdraws" not in listing.text
    assert "Erases" not in listing.text
    answer = await rep.press(data=LeadAction(id=lead, a="open").pack())
    assert answer.show_alert
    await rep.send("/export")
    await rep.next_message()
    document = (await rep.next_message()).document
    assert document is not None
    text = document.content.decode("utf-8-sig")
    assert "Stays" in text
    assert "Withdraws" not in text
    assert "Erases" not in text
    workbook = (await rep.next_message()).document  # the export is over before the bot stops
    assert workbook is not None


async def test_long_profiles_fit_telegram_limits(fair: Fair, running: Bot) -> None:
    long = "Ж" * 200
    for n in range(9):
        await fair.student(
            f"{n} {long}"[:200], university=long, field_of_study=long, interests="И" * 1000
        )
    rep = await fair.rep("Rep")
    await rep.send("/leads")
    listing = await rep.next_message()
    assert listing.text.count("…") >= 8
    await rep.press(0)
    card = await rep.next_message()
    assert "И" * 1000 in card.text
    await rep.press("✏️ Add a note")
    await rep.next_message()
    await rep.send("Н" * 1000)
    await rep.next_message()
    shown = await rep.next_message()
    assert "Н" * 1000 in shown.text
    # /leads leaves an unwritten note behind: the next text is not taken for one.
    await rep.press("✏️ Edit the note")
    await rep.next_message()
    await rep.send("/leads")
    await rep.next_message()
    await rep.send("just chatting")
    reply = await rep.next_message()
    assert reply.text != "Note saved."
