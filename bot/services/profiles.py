"""Student profiles: consent, the onboarding's answers, later edits, and the topics they name.

Nothing about a person is stored before they consent (the user row holds only their Telegram id;
the deep-link payload and language wait in the conversation state). `give_consent` writes them
and opens the profile; every later answer is stored as it comes, so an interrupted onboarding
continues where it stopped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.models import StudentProfile, User
from bot.db.models.students import INTERESTS_MAX, SHORT_FIELD_MAX
from bot.repositories import students as students_repo
from bot.repositories import users as users_repo
from bot.services.answers import Bounded, StudyLevel, bound_text
from bot.services.users import START_PAYLOAD_MAX
from matching.catalogue import OPENING_KINDS, Catalogue
from matching.engine import MatchEngine

PICKED = "picked"
FROM_TEXT = "text"

# Fields a student edits by typing; each is bounded before it is stored.
TEXT_FIELDS: dict[str, int] = {
    "full_name": SHORT_FIELD_MAX,
    "university": SHORT_FIELD_MAX,
    "field_of_study": SHORT_FIELD_MAX,
    "interests": INTERESTS_MAX,
}
CONTACT_FIELDS = ("phone", "email", "cv")


class NotAStudent(Exception):
    """The person has not consented (or has deleted themselves): there is no profile."""


@dataclass(frozen=True)
class ProfileView:
    """A student's profile as the bot shows it back to them."""

    user_id: int
    language: str | None
    full_name: str | None
    university: str | None
    degree: str | None
    study_year: int | None
    field_of_study: str | None
    interests: str | None
    picked_topics: tuple[str, ...]
    text_topics: tuple[str, ...]
    seeking: tuple[str, ...]
    phone: str | None
    email: str | None
    cv_file_id: str | None
    cv_file_name: str | None
    completed: bool


async def give_consent(
    session: AsyncSession,
    user_id: int,
    *,
    language: str,
    start_source: str | None,
    now: datetime,
) -> None:
    """The person agreed: store their language and where they came from, open their profile."""
    user = await users_repo.get_user(session, user_id)
    if user is None:
        user = await users_repo.add_user(session, user_id, now=now)
    user.language = language
    if user.consented_at is None:
        user.consented_at = now
        user.start_source = (start_source or "")[:START_PAYLOAD_MAX] or None
    if await students_repo.get_profile(session, user_id) is None:
        session.add(
            StudentProfile(
                user_id=user_id, seeking=[], languages=[], created_at=now, updated_at=now
            )
        )
        await session.flush()


def is_student(user: User | None) -> bool:
    return user is not None and user.consented_at is not None


async def get_profile(
    session: AsyncSession, user_id: int, *, with_topics: bool = True
) -> ProfileView | None:
    """The profile; `with_topics=False` leaves the topics empty (one query less)."""
    profile = await students_repo.get_profile(session, user_id)
    if profile is None:
        return None
    user = await users_repo.get_user(session, user_id)
    topics = await students_repo.topics(session, user_id) if with_topics else {}
    return ProfileView(
        user_id=user_id,
        language=user.language if user else None,
        full_name=profile.full_name,
        university=profile.university,
        degree=profile.degree,
        study_year=profile.study_year,
        field_of_study=profile.field_of_study,
        interests=profile.interests,
        picked_topics=tuple(t for t, source in topics.items() if source == PICKED),
        text_topics=tuple(t for t, source in topics.items() if source == FROM_TEXT),
        seeking=tuple(k for k in OPENING_KINDS if k in (profile.seeking or [])),
        phone=profile.phone,
        email=profile.email,
        cv_file_id=profile.cv_file_id,
        cv_file_name=profile.cv_file_name,
        completed=profile.completed_at is not None,
    )


async def _profile(session: AsyncSession, user_id: int) -> StudentProfile:
    profile = await students_repo.get_profile(session, user_id)
    if profile is None:
        raise NotAStudent(user_id)
    return profile


async def set_text(
    session: AsyncSession, user_id: int, field: str, text: str, *, now: datetime
) -> Bounded:
    """Store a typed answer (name, university, field of study), cut to its limit."""
    if field not in TEXT_FIELDS or field == "interests":
        raise ValueError(f"not a plain text field: {field}")
    bounded = bound_text(text, TEXT_FIELDS[field])
    profile = await _profile(session, user_id)
    setattr(profile, field, bounded.text or None)
    profile.updated_at = now
    return bounded


async def set_study_level(
    session: AsyncSession, user_id: int, level: StudyLevel, *, now: datetime
) -> None:
    profile = await _profile(session, user_id)
    profile.degree = level.degree
    profile.study_year = level.year
    profile.updated_at = now


@dataclass(frozen=True)
class InterestsSaved:
    text: str
    cut: bool
    found: tuple[str, ...]  # taxonomy topics the engine found in the text, strongest first


async def set_interests(
    session: AsyncSession, user_id: int, text: str, *, engine: MatchEngine, now: datetime
) -> InterestsSaved:
    """Store the interests text (at most 1,000 characters) and the topics it names, as
    StudentTopic rows with source "text" (statistics and broadcast audiences count those)."""
    bounded = bound_text(text, INTERESTS_MAX)
    profile = await _profile(session, user_id)
    profile.interests = bounded.text or None
    profile.updated_at = now
    found = tuple(dict.fromkeys(m.topic for m in engine.topics_in(bounded.text)))
    current = await students_repo.topics(session, user_id)
    picked = [t for t, source in current.items() if source == PICKED]
    await students_repo.replace_topics(session, user_id, current, _topic_rows(picked, found))
    return InterestsSaved(bounded.text, bounded.cut, found)


def _topic_rows(picked: Iterable[str], found: Iterable[str]) -> dict[str, str]:
    rows = dict.fromkeys(found, FROM_TEXT)
    rows.update(dict.fromkeys(picked, PICKED))
    return rows


async def toggle_topic(
    session: AsyncSession,
    user_id: int,
    topic: str,
    *,
    catalogue: Catalogue,
    engine: MatchEngine,
    now: datetime,
) -> tuple[str, ...] | None:
    """Pick or unpick a taxonomy topic; the picked topics after it, or None for an unknown one."""
    if topic not in catalogue.topics:
        return None
    profile = await _profile(session, user_id)
    current = await students_repo.topics(session, user_id)
    picked = [t for t, source in current.items() if source == PICKED]
    if topic in picked:
        picked.remove(topic)
    else:
        picked.append(topic)
    found = [m.topic for m in engine.topics_in(profile.interests or "")]
    await students_repo.replace_topics(session, user_id, current, _topic_rows(picked, found))
    profile.updated_at = now
    return tuple(picked)


async def toggle_seeking(
    session: AsyncSession, user_id: int, kind: str, *, now: datetime
) -> tuple[str, ...] | None:
    """Add or remove an opportunity kind; the kinds after it, or None for an unknown kind."""
    if kind not in OPENING_KINDS:
        return None
    profile = await _profile(session, user_id)
    kinds = set(profile.seeking or [])
    kinds.symmetric_difference_update({kind})
    profile.seeking = [k for k in OPENING_KINDS if k in kinds]
    profile.updated_at = now
    return tuple(profile.seeking)


async def set_seeking(
    session: AsyncSession, user_id: int, kinds: Iterable[str], *, now: datetime
) -> tuple[str, ...]:
    profile = await _profile(session, user_id)
    wanted = set(kinds)
    profile.seeking = [k for k in OPENING_KINDS if k in wanted]
    profile.updated_at = now
    return tuple(profile.seeking)


async def set_phone(
    session: AsyncSession, user_id: int, phone: str | None, *, now: datetime
) -> None:
    profile = await _profile(session, user_id)
    profile.phone = phone
    profile.updated_at = now


async def set_email(
    session: AsyncSession, user_id: int, email: str | None, *, now: datetime
) -> None:
    profile = await _profile(session, user_id)
    profile.email = email
    profile.updated_at = now


@dataclass(frozen=True)
class CvFile:
    """A CV kept on Telegram's servers: the employer side forwards it by file id."""

    file_id: str
    file_name: str
    size: int


async def set_cv(session: AsyncSession, user_id: int, cv: CvFile | None, *, now: datetime) -> None:
    profile = await _profile(session, user_id)
    profile.cv_file_id = cv.file_id if cv else None
    profile.cv_file_name = cv.file_name[:255] if cv else None
    profile.cv_file_size = cv.size if cv else None
    profile.updated_at = now


async def complete_profile(session: AsyncSession, user_id: int, *, now: datetime) -> None:
    profile = await _profile(session, user_id)
    if profile.completed_at is None:
        profile.completed_at = now
    profile.updated_at = now


async def set_language(session: AsyncSession, user_id: int, language: str) -> None:
    user = await users_repo.get_user(session, user_id)
    if user is not None:
        user.language = language
