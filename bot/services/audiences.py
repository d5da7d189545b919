"""Who a broadcast reaches: a registry of audience kinds, each a SQL query of user ids.

A kind has a short key ("students"), a query of the user ids it covers, and, when it takes a
parameter (a language, a topic, an organisation), a query of the values that parameter can take
with how many people each would reach. People who blocked the bot are never in an audience.

Adding a kind (e.g. the schedule's subscribers of one session):

    def _session_subscribers(value: str | None) -> Select[Any]:
        return select(Subscription.user_id).where(Subscription.session_id == value)

    registry.register(AudienceKind("session", _session_subscribers, choices=_sessions))

in `default_audiences()` below, plus the button text `audience-<key>` in every
`bot/i18n/locales/*/organiser.ftl`. Keys go into callback data: keep them under 12 characters,
and parameter values under 40 bytes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import (
    Representative,
    ScheduledSession,
    SessionSubscription,
    StudentMatch,
    StudentProfile,
    StudentTopic,
    User,
)
from bot.i18n import LANGUAGES

MemberQuery = Callable[[str | None], Select[Any]]  # one column: user ids
ChoiceQuery = Callable[[AsyncSession], Awaitable[list["Choice"]]]

CHOICES_SHOWN = 24  # parameter values offered as buttons, the largest audiences first


@dataclass(frozen=True)
class Choice:
    """One value an audience's parameter can take, and how many people it reaches now."""

    value: str
    count: int


@dataclass(frozen=True)
class Recipient:
    user_id: int
    language: str | None
    name: str | None


@dataclass(frozen=True)
class AudienceKind:
    key: str
    members: MemberQuery
    choices: ChoiceQuery | None = None

    @property
    def takes_value(self) -> bool:
        return self.choices is not None


@dataclass(frozen=True)
class Audience:
    """A kind with its parameter, checked against the registry."""

    kind: AudienceKind
    value: str | None

    @property
    def key(self) -> str:
        return self.kind.key


def _reachable(members: Select[Any]) -> list[ColumnElement[bool]]:
    return [User.is_active.is_(True), User.id.in_(members.scalar_subquery())]


class AudienceRegistry:
    def __init__(self) -> None:
        self._kinds: dict[str, AudienceKind] = {}

    def register(self, kind: AudienceKind) -> None:
        if kind.key in self._kinds:
            raise ValueError(f"audience kind {kind.key!r} is registered already")
        self._kinds[kind.key] = kind

    def __iter__(self) -> Iterator[AudienceKind]:
        return iter(self._kinds.values())

    def get(self, key: str) -> AudienceKind | None:
        return self._kinds.get(key)

    async def resolve(self, session: AsyncSession, key: str, value: str | None) -> Audience | None:
        """The audience for `key` and `value`, or None when either is not a valid choice (stale
        or forged buttons)."""
        kind = self._kinds.get(key)
        if kind is None:
            return None
        if kind.choices is None:
            return Audience(kind, None) if value is None else None
        if value is None or value not in {c.value for c in await kind.choices(session)}:
            return None
        return Audience(kind, value)

    async def choices(self, session: AsyncSession, key: str) -> list[Choice]:
        kind = self._kinds.get(key)
        if kind is None or kind.choices is None:
            return []
        return await kind.choices(session)


async def count(session: AsyncSession, audience: Audience) -> int:
    """How many reachable people the audience covers now."""
    members = audience.kind.members(audience.value)
    total = await session.scalar(select(func.count()).select_from(User).where(*_reachable(members)))
    return int(total or 0)


async def recipients(session: AsyncSession, audience: Audience) -> list[Recipient]:
    """The reachable people of the audience with their language and name, by user id."""
    members = audience.kind.members(audience.value)
    rows = await session.execute(
        select(User.id, User.language, StudentProfile.full_name)
        .outerjoin(StudentProfile, StudentProfile.user_id == User.id)
        .where(*_reachable(members))
        .order_by(User.id)
    )
    return [Recipient(user_id, language, name) for user_id, language, name in rows.all()]


# -- the kinds ---------------------------------------------------------------------------------


def _everyone(_: str | None) -> Select[Any]:
    return select(User.id)


def _students(_: str | None) -> Select[Any]:
    return select(StudentProfile.user_id)


def _employers(_: str | None) -> Select[Any]:
    return select(Representative.user_id)


def _language(value: str | None) -> Select[Any]:
    return select(User.id).where(User.language == value)


async def _languages(session: AsyncSession) -> list[Choice]:
    rows = await session.execute(
        select(User.language, func.count())
        .where(User.is_active.is_(True), User.language.in_(LANGUAGES))
        .group_by(User.language)
    )
    counts = {str(lang): int(n) for lang, n in rows.all()}
    return [Choice(lang, counts.get(lang, 0)) for lang in LANGUAGES]


def _topic(value: str | None) -> Select[Any]:
    return select(StudentTopic.user_id).where(StudentTopic.topic_id == value)


async def _topics(session: AsyncSession) -> list[Choice]:
    people = func.count(func.distinct(StudentTopic.user_id))
    rows = await session.execute(
        select(StudentTopic.topic_id, people)
        .join(User, User.id == StudentTopic.user_id)
        .where(User.is_active.is_(True))
        .group_by(StudentTopic.topic_id)
        .order_by(people.desc(), StudentTopic.topic_id)
        .limit(CHOICES_SHOWN)
    )
    return [Choice(str(topic), int(n)) for topic, n in rows.all()]


def _matched(value: str | None) -> Select[Any]:
    return select(StudentMatch.user_id).where(
        StudentMatch.org_slug == value, StudentMatch.dismissed_at.is_(None)
    )


async def _organisations(session: AsyncSession) -> list[Choice]:
    people = func.count(func.distinct(StudentMatch.user_id))
    rows = await session.execute(
        select(StudentMatch.org_slug, people)
        .join(User, User.id == StudentMatch.user_id)
        .where(User.is_active.is_(True), StudentMatch.dismissed_at.is_(None))
        .group_by(StudentMatch.org_slug)
        .order_by(people.desc(), StudentMatch.org_slug)
        .limit(CHOICES_SHOWN)
    )
    return [Choice(str(slug), int(n)) for slug, n in rows.all()]


def _session_subscribers(value: str | None) -> Select[Any]:
    return select(SessionSubscription.user_id).where(SessionSubscription.session_id == value)


async def _sessions(session: AsyncSession) -> list[Choice]:
    """Sessions on the schedule (not cancelled), in order of start, with their subscribers."""
    people = func.count(User.id)
    rows = await session.execute(
        select(ScheduledSession.id, people)
        .outerjoin(SessionSubscription, SessionSubscription.session_id == ScheduledSession.id)
        .outerjoin(User, (User.id == SessionSubscription.user_id) & User.is_active.is_(True))
        .where(ScheduledSession.status == "scheduled")
        .group_by(ScheduledSession.id, ScheduledSession.starts_at)
        .order_by(ScheduledSession.starts_at, ScheduledSession.id)
        .limit(CHOICES_SHOWN)
    )
    return [Choice(str(session_id), int(n)) for session_id, n in rows.all()]


def default_audiences() -> AudienceRegistry:
    """Every audience kind the organiser console offers, in the order of its buttons."""
    registry = AudienceRegistry()
    registry.register(AudienceKind("all", _everyone))
    registry.register(AudienceKind("students", _students))
    registry.register(AudienceKind("employers", _employers))
    registry.register(AudienceKind("lang", _language, choices=_languages))
    registry.register(AudienceKind("topic", _topic, choices=_topics))
    registry.register(AudienceKind("org", _matched, choices=_organisations))
    registry.register(AudienceKind("session", _session_subscribers, choices=_sessions))
    return registry
