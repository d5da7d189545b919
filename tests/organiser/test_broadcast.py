"""/broadcast end to end through the fake Bot API: compose with formatting, choose an audience,
preview, confirm, live progress, final report, stop; refused to everyone but organisers."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from bot.db.models import AuditEntry, Broadcast, OutboxMessage
from bot.fakeapi import BotMessage, SimUser
from bot.fakeapi.markup import parse_text
from tests.organiser.conftest import Console


async def write_formatted(user: SimUser, html_text: str) -> None:
    """Send a message with formatting, as Telegram delivers it (plain text plus entities)."""
    parsed = parse_text(html_text, "HTML", None)
    user._message({"text": parsed.text, "entities": parsed.entities})


async def compose(console: Console, html_text: str, audience: str) -> BotMessage:
    """Run /broadcast up to the preview; returns the summary message with its buttons."""
    admin = console.admin
    await admin.send("/broadcast")
    assert "New broadcast" in (await admin.next_message()).body
    await write_formatted(admin, html_text)
    assert (await admin.next_message()).text == "Who should receive it?"
    await admin.press(audience)
    return await admin.wait_for_message(lambda m: "Recipients now" in m.body or "Nobody" in m.body)


async def test_a_formatted_broadcast_reaches_exactly_the_students_by_name(
    console: Console,
) -> None:
    ann = await console.person("Ann", student="Ann <Smith> & Co")
    bek = await console.person("Bek", student="Бекзат Нурланов", language="kk")
    nameless = await console.person("Cat", student="", language="ru")
    gone = await console.person("Dan", student="Dan", active=False)
    outsider = await console.person("Eve")

    admin = console.admin
    await admin.send("/broadcast")
    await admin.next_message()
    await write_formatted(
        admin, "Hello <b>{name}</b>! Hall <i>B</i>, <a href='https://x.org'>map</a>"
    )
    await admin.next_message()
    await admin.press("Students")
    preview = await admin.next_message()
    assert preview.text == "Hello participant! Hall B, map"
    assert (
        preview.source == 'Hello <b>participant</b>! Hall <i>B</i>, <a href="https://x.org">map</a>'
    )
    summary = await admin.next_message()
    assert "Recipients now: 3" in summary.text
    assert summary.button_texts == ["✅ Send to 3", "✏️ Edit", "✖️ Cancel"]

    await admin.press("✅ Send to 3")
    progress = await admin.next_message()
    assert progress.edited
    assert "Broadcast #1" in progress.text
    report = await admin.wait_for_message(lambda m: not m.edited and "finished" in m.body)
    assert "Sent: 3 of 3" in report.text

    received = {
        u.first_name: [m.source for m in u.messages] for u in (ann, bek, nameless, gone, outsider)
    }
    assert received == {
        "Ann": [
            'Hello <b>Ann &lt;Smith&gt; &amp; Co</b>! Hall <i>B</i>, <a href="https://x.org">map</a>'
        ],
        "Bek": ['Hello <b>Бекзат Нурланов</b>! Hall <i>B</i>, <a href="https://x.org">map</a>'],
        "Cat": ['Hello <b>участник</b>! Hall <i>B</i>, <a href="https://x.org">map</a>'],
        "Dan": [],
        "Eve": [],
    }
    assert ann.messages[0].text == "Hello Ann <Smith> & Co! Hall B, map"
    final = admin.messages[-2]  # the progress message, edited into the report
    assert "finished" in final.text
    assert final.buttons == []
    async with console.sessionmaker() as session:
        actions = list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        broadcast = await session.get(Broadcast, 1)
    assert actions == ["broadcast.create", "broadcast.confirm"]
    assert broadcast is not None
    assert (broadcast.status, broadcast.recipients) == ("done", 3)


async def test_photo_broadcast_to_one_language_with_caption(console: Console) -> None:
    ru = [await console.person(f"Ru{n}", language="ru", student=f"Иван {n}") for n in range(2)]
    await console.person("En", language="en", student="John")
    admin = console.admin
    await admin.send("/broadcast")
    await admin.next_message()
    await admin.send_photo(caption="Схема, {name}")
    await admin.next_message()
    await admin.press("By language")
    choices = await admin.next_message()
    assert choices.button_texts == ["Қазақша (0)", "Русский (2)", "English (1)"]
    await admin.press("Русский (2)")
    preview = await admin.next_message()
    assert preview.kind == "photo"
    assert preview.caption == "Схема, participant"
    summary = await admin.next_message()
    assert "Audience: By language: Русский" in summary.text
    await admin.press("✅ Send to 2")
    await admin.wait_for_message(lambda m: not m.edited and "finished" in m.body)
    for person in ru:
        (message,) = person.messages
        assert message.kind == "photo"
        assert message.caption == f"Схема, {person.first_name.replace('Ru', 'Иван ')}"
        assert message.photo is not None
        assert message.photo.file_id == preview.photo.file_id  # type: ignore[union-attr]


@pytest.mark.parametrize("console_rate", [10.0])
async def test_stopping_a_broadcast_midway(console: Console) -> None:
    people = [await console.person(f"P{n}", student=f"P{n}") for n in range(40)]
    summary = await compose(console, "News", "Students")
    await console.admin.press("✅ Send to 40", message=summary)
    await console.server.wait_until(lambda: len(console.server.calls("sendMessage", ok=True)) >= 5)
    answer = await console.admin.press("⛔ Stop broadcast")
    assert answer.show_alert
    assert answer.text is not None
    assert answer.text.startswith("Stopping:")
    report = await console.admin.wait_for_message(lambda m: not m.edited and "stopped" in m.body)
    delivered = sum(len(p.messages) for p in people)
    assert 5 <= delivered < 40
    assert f"Sent: {delivered} of 40" in report.text
    assert f"Not sent (stopped): {40 - delivered}" in report.text
    await asyncio.sleep(0.3)
    assert sum(len(p.messages) for p in people) == delivered
    again = await console.admin.press(data="bc:stop:1")  # an old Stop button, pressed again
    assert again.text == "This broadcast is not sending any more."


async def test_edit_and_discard_drafts(console: Console) -> None:
    await console.person("Ann", student="Ann")
    summary = await compose(console, "First try", "Everyone")
    assert "Recipients now: 2" in summary.text  # the admin is someone too
    await console.admin.press("✏️ Edit")
    assert "New broadcast" in (await console.admin.next_message()).text
    await write_formatted(console.admin, "Second try")
    await console.admin.next_message()
    await console.admin.press("Employers")
    await console.admin.next_message()
    empty = await console.admin.next_message()
    assert "Nobody would receive it" in empty.text
    assert empty.button_texts == ["✏️ Edit", "✖️ Cancel"]
    await console.admin.press("✖️ Cancel")
    assert (await console.admin.next_message()).text == "Broadcast #2 cancelled before sending."
    stale = await console.admin.press(data=summary.buttons[1].callback_data)  # the old Edit
    assert stale.text == "This broadcast is no longer a draft of yours."
    async with console.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        statuses = list(await session.scalars(select(Broadcast.status).order_by(Broadcast.id)))
    assert statuses == ["discarded", "discarded"]


async def test_only_organisers_get_the_console(console: Console) -> None:
    student = await console.person("Ann", student="Ann")
    summary = await compose(console, "For students", "Students")
    draft_button = summary.buttons[0].callback_data
    assert draft_button is not None

    await student.send("/broadcast")
    refused = await student.next_message()
    assert "I don't know the command /broadcast" in refused.text
    for command in ("/stats", "/organisers add 1", "/audit", "/reload", "/console"):
        await student.send(command)
        assert "I don't know the command" in (await student.next_message()).text
    for data in (draft_button, "bc:stop:1", "ba:all:", "og:rm:1"):
        answer = await student.press(data=data)
        assert answer.show_alert
        assert answer.text == "This button is out of date. Please use the latest message."

    async with console.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        assert await session.scalar(select(Broadcast.status)) == "draft"
    assert student.messages[-1].text is not None
    assert all("Broadcast" not in (m.text or "") for m in student.messages)
