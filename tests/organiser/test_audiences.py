"""Audience filters select exactly the right people (never anyone who blocked the bot), and only
values the registry offers are accepted."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.db.models import (
    Representative,
    StudentMatch,
    StudentProfile,
    StudentTopic,
    User,
)
from bot.services.audiences import Choice, count, default_audiences, recipients


class Person(NamedTuple):
    language: str | None
    active: bool
    name: str | None  # a student (with this name, or none on file) when name or topics are set
    topics: tuple[str, ...]
    matches: tuple[tuple[str, bool], ...]  # (organisation, dismissed)
    employer_of: str | None


PEOPLE: dict[int, Person] = {
    1: Person("kk", True, "Aruzhan", ("gis", "satcom"), (("ghalam", False), ("rcsc", False)), None),
    2: Person("ru", True, "Илья", ("gis",), (("ghalam", True),), None),
    3: Person("en", True, None, ("rockets",), (("baiterek", False),), None),
    4: Person("ru", False, "Blocked", ("gis",), (("ghalam", False),), None),
    5: Person("en", True, None, (), (), "ghalam"),
    6: Person("kk", False, None, (), (), "rcsc"),
    7: Person(None, True, None, (), (), None),
}


async def _seed(sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock) -> None:
    now = clock.now()
    async with sessionmaker() as session, session.begin():
        for user_id, (lang, active, name, topics, matches, employer) in PEOPLE.items():
            session.add(User(id=user_id, language=lang, created_at=now, is_active=active))
            await session.flush()
            if name is not None or topics:
                session.add(
                    StudentProfile(
                        user_id=user_id,
                        full_name=name,
                        created_at=now,
                        updated_at=now,
                        seeking=[],
                        languages=[],
                    )
                )
            session.add_all(
                StudentTopic(user_id=user_id, topic_id=t, source="picked") for t in topics
            )
            session.add_all(
                StudentMatch(
                    user_id=user_id,
                    org_slug=slug,
                    rank=n,
                    score=0.5,
                    computed_at=now,
                    reasons=[],
                    openings=[],
                    dismissed_at=now if dismissed else None,
                )
                for n, (slug, dismissed) in enumerate(matches)
            )
            if employer:
                session.add(Representative(user_id=user_id, org_slug=employer, created_at=now))


async def test_each_audience_selects_exactly_its_people(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    await _seed(sessionmaker, clock)
    registry = default_audiences()
    expected = {
        ("all", None): [1, 2, 3, 5, 7],
        ("students", None): [1, 2, 3],
        ("employers", None): [5],
        ("lang", "ru"): [2],
        ("lang", "kk"): [1],
        ("topic", "gis"): [1, 2],
        ("topic", "rockets"): [3],
        ("org", "ghalam"): [1],  # 2 dismissed the match, 4 blocked the bot
        ("org", "baiterek"): [3],
    }
    async with sessionmaker() as session:
        for (key, value), ids in expected.items():
            audience = await registry.resolve(session, key, value)
            assert audience is not None, (key, value)
            people = await recipients(session, audience)
            assert [p.user_id for p in people] == ids, (key, value)
            assert await count(session, audience) == len(ids), (key, value)
        names = {p.user_id: (p.name, p.language) for p in people}
    assert names == {3: (None, "en")}
    async with sessionmaker() as session:
        students = await recipients(session, await registry.resolve(session, "students", None))  # type: ignore[arg-type]
    assert [(p.name, p.language) for p in students] == [
        ("Aruzhan", "kk"),
        ("Илья", "ru"),
        (None, "en"),
    ]


async def test_choices_count_reachable_people_and_forged_values_are_refused(
    sessionmaker: async_sessionmaker[AsyncSession], clock: FakeClock
) -> None:
    await _seed(sessionmaker, clock)
    registry = default_audiences()
    async with sessionmaker() as session:
        assert await registry.choices(session, "lang") == [
            Choice("kk", 1),
            Choice("ru", 1),
            Choice("en", 2),
        ]
        assert await registry.choices(session, "topic") == [
            Choice("gis", 2),
            Choice("rockets", 1),
            Choice("satcom", 1),
        ]
        assert await registry.choices(session, "org") == [
            Choice("baiterek", 1),
            Choice("ghalam", 1),
            Choice("rcsc", 1),
        ]
        assert await registry.choices(session, "students") == []
        for key, value in [
            ("lang", "de"),
            ("topic", "cooking"),
            ("org", "acme"),
            ("topic", None),
            ("all", "x"),
            ("nobody", None),
        ]:
            assert await registry.resolve(session, key, value) is None, (key, value)
