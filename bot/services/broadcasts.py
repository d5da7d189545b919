"""Broadcasts: a draft with its audience and preview, confirmation into the outbox (one rendered
message per recipient), cancellation, progress and the final report.

Content keeps the organiser's formatting as Telegram HTML; `{name}` is replaced per recipient by
their name (HTML-escaped), or a neutral word in their language when the bot does not know it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import Broadcast, OutboxMessage
from bot.delivery.outbox import DeliveryCounts, Outgoing, Priority, delivery_counts, enqueue
from bot.delivery.outbox import cancel_pending as cancel_pending_rows
from bot.i18n import Translator
from bot.services import audiences as audience_queries
from bot.services import audit
from bot.services.audiences import Audience, AudienceRegistry

KIND = "broadcast"  # outbox kind of broadcast messages; ref is the broadcast id
NAME = "{name}"
NAME_MAX = 64  # longer names are cut, so a message cannot outgrow Telegram's limits
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CONTENT_KINDS = ("text", "photo", "document")
FALLBACK_NAME_KEY = "broadcast-name-fallback"


@dataclass(frozen=True)
class BroadcastContent:
    """What the organiser wrote: text (Telegram HTML), or a photo / document (Telegram file id)
    with an optional caption (HTML)."""

    kind: str
    html: str | None
    file_id: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in CONTENT_KINDS:
            raise ValueError(f"unknown broadcast content {self.kind!r}")
        if self.kind == "text" and not self.html:
            raise ValueError("a text broadcast needs text")
        if self.kind != "text" and not self.file_id:
            raise ValueError("a photo or document broadcast needs its file id")

    @property
    def limit(self) -> int:
        return TEXT_LIMIT if self.kind == "text" else CAPTION_LIMIT


def fits(content: BroadcastContent, plain_text: str | None) -> bool:
    """Whether the text (as Telegram counts it, after parsing) stays within the limit with the
    longest name in every {name}."""
    if not plain_text:
        return True
    units = len(plain_text.encode("utf-16-le")) // 2
    grows = plain_text.count(NAME) * (NAME_MAX - len(NAME))
    return units + grows <= content.limit


def render(content: BroadcastContent, name: str) -> dict[str, Any]:
    """The Bot API call for one recipient (chat_id is added by the outbox)."""
    text = content.html.replace(NAME, html.escape(name[:NAME_MAX])) if content.html else None
    if content.kind == "text":
        return {"method": "sendMessage", "text": text, "parse_mode": "HTML"}
    method, field = (
        ("sendPhoto", "photo") if content.kind == "photo" else ("sendDocument", "document")
    )
    payload: dict[str, Any] = {"method": method, field: content.file_id}
    if text:
        payload.update(caption=text, parse_mode="HTML")
    return payload


def fallback_name(translator: Translator, lang: str | None) -> str:
    return translator.get(
        lang if lang in translator.languages else translator.default, FALLBACK_NAME_KEY
    )


@dataclass(frozen=True)
class BroadcastDraft:
    id: int
    content: BroadcastContent
    audience_kind: str
    audience_value: str | None
    recipients: int


@dataclass(frozen=True)
class BroadcastStarted:
    id: int
    recipients: int


@dataclass(frozen=True)
class BroadcastState:
    """A broadcast and its outbox rows by status, for progress and reports."""

    id: int
    status: str
    created_by: int
    lang: str
    recipients: int
    audience_kind: str
    audience_value: str | None
    counts: DeliveryCounts
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    cancelled_by: int | None
    finished_at: datetime | None
    progress_chat_id: int | None
    progress_message_id: int | None
    rate: float | None = None  # messages per second since the last progress update

    @property
    def sent(self) -> int:
        return self.counts["sent"]

    @property
    def failed(self) -> int:
        return self.counts["failed"] + self.counts["expired"]

    @property
    def blocked(self) -> int:
        return self.counts["blocked"]

    @property
    def left(self) -> int:
        return self.counts.left

    @property
    def not_sent(self) -> int:
        """Cancelled before they went out."""
        return self.counts["cancelled"]

    @property
    def finished(self) -> bool:
        return self.finished_at is not None


async def create_draft(
    session: AsyncSession,
    *,
    organiser_id: int,
    lang: str,
    content: BroadcastContent,
    audience: Audience,
    now: datetime,
) -> BroadcastDraft:
    """Store what the organiser composed, with how many people it would reach now."""
    reach = await audience_queries.count(session, audience)
    row = Broadcast(
        created_by=organiser_id,
        created_at=now,
        status="draft",
        content_kind=content.kind,
        text_html=content.html,
        file_id=content.file_id,
        audience_kind=audience.key,
        audience_value=audience.value,
        recipients=reach,
        lang=lang,
        progress_done=0,
    )
    session.add(row)
    await session.flush()
    await audit.record(
        session,
        actor_id=organiser_id,
        action=audit.BROADCAST_CREATED,
        now=now,
        subject=f"broadcast:{row.id}",
        details={
            "audience": audience.key,
            "value": audience.value,
            "recipients": reach,
            "content": content.kind,
        },
    )
    return BroadcastDraft(row.id, content, audience.key, audience.value, reach)


async def discard(
    session: AsyncSession, broadcast_id: int, *, organiser_id: int, now: datetime
) -> bool:
    """Drop a draft the organiser does not want; False if it is not their draft any more."""
    result = await session.execute(
        update(Broadcast)
        .where(
            Broadcast.id == broadcast_id,
            Broadcast.status == "draft",
            Broadcast.created_by == organiser_id,
        )
        .values(status="discarded", finished_at=now)
    )
    if not getattr(result, "rowcount", 0):
        return False
    await audit.record(
        session,
        actor_id=organiser_id,
        action=audit.BROADCAST_DISCARDED,
        now=now,
        subject=f"broadcast:{broadcast_id}",
    )
    return True


async def confirm(
    session: AsyncSession,
    broadcast_id: int,
    *,
    organiser_id: int,
    now: datetime,
    registry: AudienceRegistry,
    translator: Translator,
    progress_chat_id: int | None = None,
    progress_message_id: int | None = None,
) -> BroadcastStarted | None:
    """Put one message per recipient in the outbox, rendered for them; None when the draft is not
    the organiser's or was confirmed (or discarded) already. Recipients are taken now, not at
    preview time: someone who blocked the bot since is left out."""
    result = await session.execute(
        update(Broadcast)
        .where(
            Broadcast.id == broadcast_id,
            Broadcast.status == "draft",
            Broadcast.created_by == organiser_id,
        )
        .values(
            status="sending",
            confirmed_at=now,
            progress_chat_id=progress_chat_id,
            progress_message_id=progress_message_id,
            progress_at=now,
            progress_done=0,
        )
        .execution_options(synchronize_session=False)
    )
    if not getattr(result, "rowcount", 0):
        return None
    row = await session.get(Broadcast, broadcast_id, populate_existing=True)
    assert row is not None
    kind = registry.get(row.audience_kind)
    if kind is None:
        raise LookupError(f"audience kind {row.audience_kind!r} is not registered")
    content = BroadcastContent(row.content_kind, row.text_html, row.file_id)
    people = await audience_queries.recipients(session, Audience(kind, row.audience_value))
    fallbacks = {lang: fallback_name(translator, lang) for lang in translator.languages}
    default = fallbacks.get(translator.default, "")
    messages = [
        Outgoing(
            person.user_id,
            render(content, person.name or fallbacks.get(person.language or "", default)),
            dedup_key=f"{KIND}:{broadcast_id}:{person.user_id}",
        )
        for person in people
    ]
    added = await enqueue(
        session, messages, kind=KIND, priority=Priority.BROADCAST, now=now, ref=str(broadcast_id)
    )
    row.recipients = added
    await audit.record(
        session,
        actor_id=organiser_id,
        action=audit.BROADCAST_CONFIRMED,
        now=now,
        subject=f"broadcast:{broadcast_id}",
        details={"audience": row.audience_kind, "value": row.audience_value, "recipients": added},
    )
    return BroadcastStarted(broadcast_id, added)


async def cancel(
    session: AsyncSession, broadcast_id: int, *, organiser_id: int, now: datetime
) -> int | None:
    """Stop a broadcast that is sending: messages not yet claimed by a worker are cancelled
    (returns how many); those on their way (about a second's worth) still arrive. None when it
    is not sending (finished, or cancelled already). Any organiser may cancel."""
    result = await session.execute(
        update(Broadcast)
        .where(Broadcast.id == broadcast_id, Broadcast.status == "sending")
        .values(status="cancelled", cancelled_at=now, cancelled_by=organiser_id)
        .execution_options(synchronize_session=False)
    )
    if not getattr(result, "rowcount", 0):
        return None
    stopped = await cancel_pending_rows(session, kind=KIND, ref=str(broadcast_id))
    await audit.record(
        session,
        actor_id=organiser_id,
        action=audit.BROADCAST_CANCELLED,
        now=now,
        subject=f"broadcast:{broadcast_id}",
        details={"not_sent": stopped},
    )
    return stopped


async def state(session: AsyncSession, broadcast_id: int) -> BroadcastState | None:
    row = await session.get(Broadcast, broadcast_id, populate_existing=True)
    if row is None:
        return None
    return _state(row, await delivery_counts(session, kind=KIND, ref=str(row.id)))


def _state(row: Broadcast, counts: DeliveryCounts, rate: float | None = None) -> BroadcastState:
    return BroadcastState(
        id=row.id,
        status=row.status,
        created_by=row.created_by,
        lang=row.lang,
        recipients=row.recipients,
        audience_kind=row.audience_kind,
        audience_value=row.audience_value,
        counts=counts,
        confirmed_at=row.confirmed_at,
        cancelled_at=row.cancelled_at,
        cancelled_by=row.cancelled_by,
        finished_at=row.finished_at,
        progress_chat_id=row.progress_chat_id,
        progress_message_id=row.progress_message_id,
        rate=rate,
    )


async def unfinished(session: AsyncSession) -> list[int]:
    """Broadcasts sending, or cancelled and not yet reported."""
    rows = await session.scalars(
        select(Broadcast.id)
        .where(Broadcast.finished_at.is_(None), Broadcast.status.in_(("sending", "cancelled")))
        .order_by(Broadcast.id)
    )
    return list(rows)


async def progress_turn(
    session: AsyncSession, broadcast_id: int, *, now: datetime, every: timedelta
) -> BroadcastState | None:
    """The broadcast's progress, if its progress message is due for an update (at most once per
    `every`, whichever process asks first). When nothing is left to send it is marked finished
    here, once: the caller then sends the final report."""
    row = await session.get(Broadcast, broadcast_id, populate_existing=True)
    if row is None or row.finished_at is not None or row.status not in ("sending", "cancelled"):
        return None
    previous_at = row.progress_at or row.confirmed_at or now
    if row.progress_at is not None and now - row.progress_at < every:
        return None
    counts = await delivery_counts(session, kind=KIND, ref=str(row.id))
    finishing = counts.left == 0
    handled = counts.done - counts["cancelled"]  # cancelled rows were not sent: no speed
    seconds = (now - previous_at).total_seconds()
    rate = (handled - row.progress_done) / seconds if seconds > 0 else None
    values: dict[str, Any] = {"progress_at": now, "progress_done": handled}
    if finishing:
        values["finished_at"] = now
        if row.status == "sending":
            values["status"] = "done"
    # Only the process whose update finds progress_at unchanged does this turn.
    taken = await session.execute(
        update(Broadcast)
        .where(
            Broadcast.id == broadcast_id,
            Broadcast.finished_at.is_(None),
            Broadcast.progress_at.is_not_distinct_from(row.progress_at),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if not getattr(taken, "rowcount", 0):
        return None
    row = await session.get(Broadcast, broadcast_id, populate_existing=True)
    assert row is not None
    if finishing and row.confirmed_at is not None:
        total = (now - row.confirmed_at).total_seconds()
        rate = handled / total if total > 0 else None
    return _state(row, counts, rate)


@dataclass(frozen=True)
class BroadcastSummary:
    id: int
    created_at: datetime
    status: str
    audience_kind: str
    audience_value: str | None
    recipients: int
    counts: DeliveryCounts


async def recent(session: AsyncSession, limit: int = 5) -> list[BroadcastSummary]:
    """The latest confirmed broadcasts with their delivery counts (two aggregate queries)."""
    rows = (
        await session.scalars(
            select(Broadcast)
            .where(Broadcast.status.in_(("sending", "done", "cancelled")))
            .order_by(Broadcast.id.desc())
            .limit(limit)
        )
    ).all()
    if not rows:
        return []
    refs = [str(row.id) for row in rows]
    by_ref: dict[str, dict[str, int]] = {ref: {} for ref in refs}
    counted = await session.execute(
        select(OutboxMessage.ref, OutboxMessage.status, func.count())
        .where(OutboxMessage.kind == KIND, OutboxMessage.ref.in_(refs))
        .group_by(OutboxMessage.ref, OutboxMessage.status)
    )
    for ref, status, number in counted.all():
        by_ref[str(ref)][str(status)] = int(number)
    return [
        BroadcastSummary(
            row.id,
            row.created_at,
            row.status,
            row.audience_kind,
            row.audience_value,
            row.recipients,
            DeliveryCounts(by_ref[str(row.id)]),
        )
        for row in rows
    ]
