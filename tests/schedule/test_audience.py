"""Organisers can broadcast to the subscribers of one session (the delivery engine's audiences)."""

from __future__ import annotations

from sqlalchemy import update

from bot.db.models import User
from bot.i18n import Translator
from bot.services.audiences import Choice, count, default_audiences, recipients
from bot.services.labels import labels
from tests.schedule.conftest import DEFAULT_SESSIONS, Forum


async def test_subscribers_of_one_session(forum: Forum, translator: Translator) -> None:
    for user_id in (1, 2, 3):
        await forum.person(user_id)
    await forum.subscribe(1, "workshop", "plenary")
    await forum.subscribe(2, "workshop")
    await forum.subscribe(3, "workshop")
    async with forum.sessionmaker() as session, session.begin():
        await session.execute(update(User).where(User.id == 3).values(is_active=False))
    await forum.reload([{**DEFAULT_SESSIONS[1], "cancelled": True}, DEFAULT_SESSIONS[0],
                        *DEFAULT_SESSIONS[2:]])  # fmt: skip

    registry = default_audiences()
    async with forum.sessionmaker() as session:
        assert await registry.choices(session, "session") == [
            Choice("workshop", 2),
            Choice("career-fair", 0),
            Choice("plenary", 1),
        ]  # fmt: skip (in order of start; the cancelled symposium is not offered)
        audience = await registry.resolve(session, "session", "workshop")
        assert audience is not None
        assert await count(session, audience) == 2  # 3 blocked the bot
        assert [r.user_id for r in await recipients(session, audience)] == [1, 2]
        assert await registry.resolve(session, "session", "symposium") is None
        assert await registry.resolve(session, "session", "no-such-session") is None

    names = labels(forum.store.current.catalogue, "ru", forum.store.current.schedule)
    assert names.session("plenary") == "09.09 10:00 Plenary (ru)"
    assert translator.get("kk", "audience-session") == "Іс-шараға жазылғандарға"
