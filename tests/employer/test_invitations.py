"""Invitations end to end: /invite, joining with the link, the employer menu, refused tokens,
/representatives and revoking; security through the real dispatcher and the fake Telegram."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import select

from bot.callbacks import RepresentativeAction
from bot.db.models import AuditEntry, ContactShare, Invitation, Representative, StudentProfile
from bot.i18n import Translator
from tests.employer.conftest import Console, invite, join, representative, share, student
from tests.student.journey import plain


def _menu(console: Console, person: object) -> list[str]:
    return [c["command"] for c in console.server.commands_for(person)]  # type: ignore[arg-type]


async def test_invite_join_and_employer_menu_in_their_language(
    console: Console, translator: Translator
) -> None:
    token = await invite(console, "ghalam")
    assert 36 <= len(token) <= 64
    async with console.sessionmaker() as session:
        row = (await session.scalars(select(Invitation))).one()
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        # The token itself is nowhere in the database row.
        assert all(token not in str(getattr(row, c.key)) for c in Invitation.__table__.columns)
        assert row.expires_at - row.created_at == timedelta(days=7)
    rep = console.server.user("Асель", language_code="ru", started=True)
    welcome = await join(console, rep, token)
    assert welcome.text is not None
    assert "Теперь вы представляете ТОО «Ghalam»" in welcome.text
    assert "/leads" in welcome.text
    assert "/export" in welcome.text
    assert "Поделились с вами контактом: 0" in welcome.text
    menu = _menu(console, rep)
    assert menu[:3] == ["start", "leads", "export"]
    assert "matches" not in menu  # not a student
    described = {c["command"]: c["description"] for c in console.server.commands_for(rep)}
    assert described["leads"] == translator.get("ru", "employer-menu-leads")
    async with console.sessionmaker() as session:
        bound = await session.get(Representative, rep.id)
        assert bound is not None
        assert bound.org_slug == "ghalam"
        used = (await session.scalars(select(Invitation))).one()
        assert used.used_by == rep.id
        actions = (await session.scalars(select(AuditEntry.action))).all()
        assert {"invite.create", "representative.join"} <= set(actions)

    await rep.send("/help")
    assert "Fairbot для работодателей" in (await rep.next_message()).body
    await rep.send("/start")
    assert "Вы представляете ТОО «Ghalam»" in (await rep.next_message()).body
    # Their own link again: still theirs, nothing changes.
    again = await join(console, rep, token)
    assert "Вы представляете ТОО «Ghalam»" in again.body


async def test_used_expired_revoked_and_forged_tokens_are_refused(
    console: Console, translator: Translator
) -> None:
    def says(key: str) -> str:
        return plain(translator, "en", key)

    first = console.server.user("First", started=True)
    second = console.server.user("Second", started=True)
    token = await invite(console, "rcsc")
    await join(console, first, token)
    assert (await join(console, second, token)).body == says("invite-used")
    forged = "inv_" + "A" * 32
    assert (await join(console, second, forged)).body == says("invite-unknown")
    truncated = token[:-1]
    assert (await join(console, second, truncated)).body == says("invite-unknown")

    late = await invite(console, "rcsc")
    console.clock.advance(days=7, seconds=1)
    assert (await join(console, second, late)).body == says("invite-expired")

    revoked = await invite(console, "rcsc")
    await console.admin.send("/representatives rcsc")
    listing = await console.admin.wait_for_message(lambda m: "Open invitations" in m.body)
    answer = await console.admin.press(listing.buttons[-1], message=listing)
    assert answer.text is not None
    assert "cancelled" in answer.text
    assert (await join(console, second, revoked)).body == says("invite-revoked")

    async with console.sessionmaker() as session:
        reps = (await session.scalars(select(Representative.user_id))).all()
    assert reps == [first.id]
    # None of these made `second` an employer: /start is the student's welcome.
    await second.send("/start")
    assert "Choose your language" in (await second.next_message()).body
    assert _menu(console, second) == []


async def test_a_student_source_link_still_starts_onboarding(console: Console) -> None:
    person = console.server.user("Aigerim", started=True)
    await person.send("/start qr-hall-b")
    assert "Choose your language" in (await person.next_message()).body


async def test_invite_names_valid_slugs(console: Console) -> None:
    await console.admin.send("/invite nowhere")
    refused = await console.admin.next_message()
    assert "There is no organisation nowhere" in refused.body
    assert "ghalam" in refused.body
    assert "garysh-sapary" in refused.body
    await console.admin.send("/invite")
    assert "rcsc" in (await console.admin.next_message()).body
    async with console.sessionmaker() as session:
        assert (await session.scalars(select(Invitation))).all() == []


async def test_only_organisers_invite_and_list(console: Console) -> None:
    outsider = console.server.user("Outsider", started=True)
    for command in ("/invite ghalam", "/representatives", "/representatives ghalam"):
        await outsider.send(command)
        assert "I don't know the command" in (await outsider.next_message()).body
    async with console.sessionmaker() as session:
        assert (await session.scalars(select(Invitation))).all() == []


async def test_representatives_are_listed_and_revoked(
    console: Console, translator: Translator
) -> None:
    rep = await representative(console, "ghalam", "Rep", language="kk")
    other = await representative(console, "rcsc", "Other")
    await console.admin.send("/representatives")
    overview = await console.admin.next_message()
    assert "Ghalam LLP (ghalam): 1 representatives, 0 open invitations" in overview.body
    assert "(rcsc): 1 representatives" in overview.body

    await console.admin.send("/representatives ghalam")
    listing = await console.admin.next_message()
    assert f"{rep.id} since" in listing.body
    assert str(other.id) not in listing.body
    # A forged revoke from someone who is not an organiser (the representative of another
    # organisation, here) is refused, and changes nothing.
    forged = await other.press(
        data=RepresentativeAction(action="u", id=rep.id).pack(), message=other.messages[-1]
    )
    assert forged.text == plain(translator, "en", "callback-stale")
    forged = await rep.press(
        data=RepresentativeAction(action="u", id=other.id).pack(), message=rep.messages[-1]
    )
    assert forged.show_alert
    async with console.sessionmaker() as session:
        assert len((await session.scalars(select(Representative))).all()) == 2

    answer = await console.admin.press(f"✖️ Remove {rep.id}", message=listing)
    assert answer.text == f"{rep.id} no longer represents the organisation."
    told = await rep.wait_for_message(lambda m: "Ghalam" in m.body and "өкілі емессіз" in m.body)
    assert told.body
    assert _menu(console, rep) == []
    edited = await console.admin.next_message()
    assert "No representatives yet." in edited.body
    stale = await console.admin.press(
        data=RepresentativeAction(action="u", id=rep.id).pack(), message=listing
    )
    assert stale.text == "Already removed or cancelled."
    # No longer an employer: /start and /help are a student's again.
    await rep.send("/help")
    assert "Fairbot" in (await rep.next_message()).body
    await rep.send("/start")
    assert "Choose your language" in (await rep.next_message()).body
    async with console.sessionmaker() as session:
        left = (await session.scalars(select(Representative.user_id))).all()
        assert left == [other.id]
        actions = (await session.scalars(select(AuditEntry.action))).all()
        assert "representative.revoke" in actions


async def test_a_representative_cannot_switch_organisation_by_link(console: Console) -> None:
    rep = await representative(console, "ghalam", "Rep")
    token = await invite(console, "rcsc")
    refused = await join(console, rep, token)
    assert "You already represent Ghalam LLP" in refused.body
    newcomer = console.server.user("Newcomer", started=True)
    assert "represent" in (await join(console, newcomer, token)).body  # the token still works
    async with console.sessionmaker() as session:
        reps = dict(
            (await session.execute(select(Representative.user_id, Representative.org_slug))).all()
        )
    assert reps == {rep.id: "ghalam", newcomer.id: "rcsc"}


async def test_a_student_who_accepts_becomes_a_representative_and_keeps_their_data(
    console: Console,
) -> None:
    aida = await student(console, "Aida")
    await share(console, aida, aida.orgs[0])
    token = await invite(console, "ghalam")
    welcome = await join(console, aida.user, token)
    assert "You now represent Ghalam LLP" in welcome.body
    menu = _menu(console, aida.user)
    assert menu[:3] == ["start", "leads", "export"]
    assert "matches" in menu  # still a student: their commands stay
    await aida.user.send("/start")
    assert "You represent Ghalam LLP" in (await aida.user.next_message()).body
    await aida.user.send("/matches")
    await aida.user.wait_for_message(lambda m: "Your top" in m.body)  # still theirs
    async with console.sessionmaker() as session:
        assert await session.get(StudentProfile, aida.user.id) is not None
        shares = (await session.scalars(select(ContactShare.org_slug))).all()
        assert shares == [aida.orgs[0]]
