"""Telling an organisation's representatives about leads: a card when a student shares their
contact, a notice without personal data when the contact is withdrawn; and the anonymous counts
employers may see.

Everything goes through the outbox in the caller's transaction: a share that is rolled back
tells nobody, and a committed one reaches every active representative of that organisation
(and nobody else) once. Texts are rendered in each representative's language.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import ContactShare, OutboxMessage, Representative, StudentMatch, User
from bot.delivery.outbox import Outgoing, Priority, cancel_pending, enqueue
from bot.i18n import SafeHtml, Translate, Translator, safe
from bot.repositories import students as students_repo
from bot.services.fairdata import FairData
from bot.services.matches import SHOWN, get_match
from matching.catalogue import Catalogue, Lang

KIND_CARD = "lead-card"
KIND_CV = "lead-cv"
KIND_WITHDRAWN = "lead-withdrawn"
CARD_REASONS = 4
CARD_OPENINGS = 3
CARD_TOPICS = 10  # keeps the longest card well within Telegram's 4,096 characters
_SCRUBBED = {"method": "sendMessage", "text": "(withdrawn)"}


@dataclass(frozen=True)
class LeadCards:
    """What it takes to write to representatives who are not in the current update: every
    language's texts and the data in force (organisation and topic names, openings)."""

    translator: Translator
    fair: FairData

    def t(self, language: str | None) -> tuple[Translate, Lang]:
        lang = language if language in self.translator.languages else self.translator.default
        return self.translator.bind(lang), lang  # type: ignore[return-value]


@dataclass(frozen=True)
class OrgCounts:
    """Anonymous figures for an organisation's representatives."""

    matching: int  # students who have the organisation among their top matches
    shared: int  # students who shared their contact with it


def lead_ref(org: str, user_id: int) -> str:
    """The outbox `ref` of everything about one student's lead with one organisation."""
    return f"{org}:{user_id}"


async def active_representatives(session: AsyncSession, org: str) -> list[tuple[int, str | None]]:
    """(user id, language) of the organisation's representatives who still accept messages."""
    rows = await session.execute(
        select(Representative.user_id, User.language)
        .join(User, User.id == Representative.user_id)
        .where(Representative.org_slug == org, User.is_active.is_(True))
        .order_by(Representative.user_id)
    )
    return [(int(user_id), language) for user_id, language in rows.all()]


def org_name(catalogue: Catalogue, lang: str, org: str) -> str:
    """The organisation's name in `lang` (its slug if the data no longer has it)."""
    exhibitor = catalogue.exhibitors.get(org)
    if exhibitor is None:
        return org
    return exhibitor.name.get(lang if lang in ("kk", "ru", "en") else "en")  # type: ignore[arg-type]


def _study_level(t: Translate, degree: str | None, year: int | None) -> str:
    if degree is None:
        return ""
    if year and degree != "other":
        return t(f"level-{degree}", year=year)
    return t(f"level-{degree}-any")


def _joined(*parts: str | None, sep: str = ", ") -> str:
    return sep.join(p for p in parts if p)


async def announce_share(
    session: AsyncSession, user_id: int, org: str, *, cards: LeadCards, now: datetime
) -> int:
    """A student just shared their contact with `org`: queue a card (and their CV) for each of
    its active representatives. Returns how many representatives were told."""
    recipients = await active_representatives(session, org)
    profile = await students_repo.get_profile(session, user_id)
    if not recipients or profile is None:
        return 0
    match = await get_match(session, user_id, org)
    topics = await students_repo.topics(session, user_id)
    catalogue = cards.fair.catalogue
    ref = lead_ref(org, user_id)
    messages, documents = [], []
    for rep_id, language in recipients:
        t, lang = cards.t(language)
        name = profile.full_name or t("lead-card-no-name")
        reasons: list[str] = []
        openings: list[str] = []
        if match is not None:
            for reason in match.reasons:
                try:
                    reasons.append(reason.render(lang, catalogue))
                except KeyError:  # a topic a data reload removed
                    continue
            exhibitor = catalogue.exhibitors.get(org)
            if exhibitor is not None:
                by_id = {o.id: o for o in exhibitor.openings}
                openings = [by_id[i].title.get(lang) for i in match.openings if i in by_id]
                openings = openings[:CARD_OPENINGS]
        topic_names = [
            catalogue.topics[topic].name.get(lang) for topic in topics if topic in catalogue.topics
        ][:CARD_TOPICS]
        lines = [
            t("lead-card-title", org=org_name(catalogue, lang, org)),
            t("lead-card-name", name=name),
            t(
                "lead-card-study",
                university=profile.university or "—",
                level=safe(_study_level(t, profile.degree, profile.study_year) or "—"),
            ),
            t("lead-card-field", field=profile.field_of_study or "—"),
            t("lead-card-interests", interests=profile.interests or "—"),
            t("lead-card-topics", topics=_joined(*topic_names) or "—"),
            t(
                "lead-card-match",
                percent=match.percent if match is not None else 0,
                reasons="; ".join(dict.fromkeys(reasons[:CARD_REASONS])) or "—",
            ),
        ]
        if openings:
            lines.append(t("lead-card-openings", openings=_joined(*openings)))
        seeking = _joined(*(t(f"kind-{kind}") for kind in profile.seeking or []))
        lines.append(t("lead-card-seeking", seeking=safe(seeking or "—")))
        lines.append(t("lead-card-telegram", user_id=str(user_id), name=name))
        if profile.phone:
            lines.append(t("lead-card-phone", phone=profile.phone))
        if profile.email:
            lines.append(t("lead-card-email", email=profile.email))
        if profile.cv_file_id:
            lines.append(t("lead-card-cv-follows"))
        lines.append(t("lead-card-footer"))
        text = SafeHtml("\n".join(lines))
        messages.append(Outgoing(rep_id, _message(text)))
        if profile.cv_file_id:
            documents.append(
                Outgoing(
                    rep_id,
                    {
                        "method": "sendDocument",
                        "document": profile.cv_file_id,
                        "caption": t("lead-card-cv-caption", name=name),
                        "parse_mode": "HTML",
                    },
                )
            )
    await enqueue(
        session, messages, kind=KIND_CARD, ref=ref, priority=Priority.NOTIFICATION, now=now
    )
    if documents:
        # Same priority, enqueued after the cards: the CV follows its card.
        await enqueue(
            session, documents, kind=KIND_CV, ref=ref, priority=Priority.NOTIFICATION, now=now
        )
    return len(messages)


def _message(text: str) -> dict[str, Any]:
    return {"method": "sendMessage", "text": text, "parse_mode": "HTML"}


async def forget_cards(session: AsyncSession, org: str, user_id: int) -> None:
    """Cards of a withdrawn lead not yet sent are not sent; those sent leave no personal data in
    the outbox (Telegram cannot take a delivered message back)."""
    ref = lead_ref(org, user_id)
    for kind in (KIND_CARD, KIND_CV):
        await cancel_pending(session, kind=kind, ref=ref)
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.kind.in_((KIND_CARD, KIND_CV)), OutboxMessage.ref == ref)
        .values(payload=_SCRUBBED)
        .execution_options(synchronize_session=False)
    )


async def forget_cards_of(session: AsyncSession, rep_id: int) -> int:
    """A representative was removed: the lead cards and CVs queued for them and not yet claimed
    by a worker are not sent (they no longer may see the organisation's leads). Returns how many
    were cancelled."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.chat_id == rep_id,
            OutboxMessage.kind.in_((KIND_CARD, KIND_CV)),
            OutboxMessage.status == "pending",
        )
        .values(status="cancelled", last_error="cancelled", claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def announce_withdrawal(
    session: AsyncSession, user_id: int, orgs: Iterable[str], *, cards: LeadCards, now: datetime
) -> int:
    """The student withdrew their contact from `orgs` (or deleted themselves): their cards stop,
    and each active representative is told a lead was withdrawn, with no personal data.
    Returns how many notices were queued."""
    queued = 0
    for org in dict.fromkeys(orgs):
        await forget_cards(session, org, user_id)
        notices = []
        for rep_id, language in await active_representatives(session, org):
            t, lang = cards.t(language)
            text = t("lead-withdrawn-notice", org=org_name(cards.fair.catalogue, lang, org))
            notices.append(Outgoing(rep_id, _message(text)))
        queued += await enqueue(
            session,
            notices,
            kind=KIND_WITHDRAWN,
            ref=org,
            priority=Priority.NOTIFICATION,
            now=now,
        )
    return queued


async def org_counts(session: AsyncSession, org: str) -> OrgCounts:
    """How many students have `org` among their top matches (the ones they are shown, not
    dismissed), and how many shared their contact with it. Counts only, never who."""
    matching = await session.scalar(
        select(func.count())
        .select_from(StudentMatch)
        .where(
            StudentMatch.org_slug == org,
            StudentMatch.rank <= SHOWN,
            StudentMatch.score > 0,
            StudentMatch.dismissed_at.is_(None),
        )
    )
    shared = await session.scalar(
        select(func.count()).select_from(ContactShare).where(ContactShare.org_slug == org)
    )
    return OrgCounts(int(matching or 0), int(shared or 0))
