"""The employer side running for real: the organiser console's fixture (dispatcher polling the
fake Bot API, outbox worker on the same limited Bot), plus invitations, representatives and
students with shareable matches."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.fakeapi import SimUser
from bot.fakeapi.users import BotMessage
from bot.services import matches, profiles
from bot.services.answers import StudyLevel
from tests.organiser.conftest import Console, console, console_rate, data_dir, server

__all__ = ["Console", "console", "console_rate", "data_dir", "server"]

LINK_RE = re.compile(r"https://t\.me/(\w+)\?start=(inv_[A-Za-z0-9_-]+)")
INTERESTS = "satellite image processing and GIS"


async def invite(console: Console, slug: str, organiser: SimUser | None = None) -> str:
    """An organiser sends /invite <slug>; the token of the link they get (the QR code follows)."""
    organiser = organiser or console.admin
    await organiser.send(f"/invite {slug}")
    message = await organiser.wait_for_message(lambda m: LINK_RE.search(m.body) is not None)
    found = LINK_RE.search(message.body)
    assert found is not None
    assert found.group(1) == console.server.bot_username
    qr = await organiser.wait_for_message(lambda m: m.kind == "photo")
    assert qr.photo is not None
    assert qr.photo.content.startswith(b"\x89PNG")
    return found.group(2)


async def join(console: Console, person: SimUser, token: str) -> BotMessage:
    """The person opens the link; the bot's answer to it."""
    person.drain()
    await person.send(f"/start {token}")
    return await person.next_message()


async def representative(
    console: Console, slug: str, first_name: str, language: str = "en"
) -> SimUser:
    """Someone who joined `slug` through an invitation of the admin."""
    person = console.server.user(first_name, language_code=language, started=True)
    token = await invite(console, slug)
    welcome = await join(console, person, token)
    assert "/leads" in welcome.body, welcome.body
    return person


@dataclass
class Student:
    user: SimUser
    orgs: list[str]  # their matches, best first


async def student(
    console: Console,
    first_name: str,
    *,
    cv: bool = True,
    language: str = "en",
    interests: str = INTERESTS,
) -> Student:
    """A student with a complete profile (phone, e-mail, CV on the fake server) and matches
    computed by the engine; not yet shared with anybody."""
    user = console.server.user(first_name, "Testova", language_code=language, started=True)
    now = console.clock.now()
    cv_file = (
        console.server.add_file("document", b"%PDF-1.4 cv", "cv.pdf", "application/pdf")
        if cv
        else None
    )
    async with console.sessionmaker() as session, session.begin():
        await profiles.give_consent(session, user.id, language=language, start_source=None, now=now)
        uid, fair = user.id, console.fair.current
        await profiles.set_text(session, uid, "full_name", f"{first_name} Testova", now=now)
        await profiles.set_text(session, uid, "university", "Satbayev University", now=now)
        await profiles.set_text(session, uid, "field_of_study", "Geodesy", now=now)
        await profiles.set_study_level(session, uid, StudyLevel("master", 1), now=now)
        await profiles.set_interests(session, uid, interests, engine=fair.engine, now=now)
        await profiles.set_seeking(session, uid, ["internship", "job"], now=now)
        await profiles.set_phone(session, uid, "+77011234567", now=now)
        await profiles.set_email(session, uid, f"{first_name.lower()}@example.org", now=now)
        if cv_file is not None:
            await profiles.set_cv(session, uid, profiles.CvFile(cv_file.file_id, "cv.pdf", 11),
                                  now=now)  # fmt: skip
        await profiles.complete_profile(session, uid, now=now)
        found = await matches.recompute_matches(session, uid, fair, lang=language, now=now)
    return Student(user, [m.org for m in found])


async def share(console: Console, who: Student, org: str) -> None:
    """The student opens /matches and shares with `org` (allowing feedback)."""
    from bot.callbacks import MatchAction

    await who.user.send("/matches")
    # Its card (with "share", or with "withdraw" when pressing a stale share button again).
    buttons = {MatchAction(action=a, org=org).pack() for a in ("share", "withdraw")}
    card = await who.user.wait_for_message(
        lambda m: any(b.callback_data in buttons for b in m.buttons)
    )
    answer = await who.user.press(data=MatchAction(action="yes", org=org).pack(), message=card)
    assert answer.text is not None
    assert answer.text.startswith("✓"), answer.text
