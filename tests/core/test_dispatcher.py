"""The real dispatcher with its middlewares: commands, fallbacks, language, users, throttling."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import Message
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FakeClock
from bot.db.models import FsmRecord, ProcessedUpdate, User
from bot.i18n import Translate, Translator
from bot.middlewares import DUPLICATE, FSM_LANGUAGE_KEY, AfterCommit
from bot.routing import thread_pool_callbacks
from tests.updates import UpdateFactory


class Onboarding(StatesGroup):
    interests = State()


def probe_router(seen: list[dict[str, object]]) -> Router:
    """Handlers that record what they were given instead of calling Telegram."""
    router = Router(name="probe")

    @router.message(Command("probe"))
    async def probe(message: Message, lang: str, t: Translate, user: User | None) -> None:
        seen.append({"lang": lang, "t": t("cancel-nothing"), "user": user})

    @router.message(Command("onboard"))
    async def onboard(message: Message, state: FSMContext) -> SendMessage:
        await state.set_state(Onboarding.interests)
        await state.update_data({FSM_LANGUAGE_KEY: "kk"})
        return message.answer("ok")

    @router.message(Onboarding.interests, F.text)
    async def interests(message: Message, state: FSMContext) -> None:
        seen.append({"interests": message.text, "data": await state.get_data()})

    @router.message(Command("boom"))
    async def boom(message: Message, session: AsyncSession) -> None:
        session.add(User(id=999, created_at=FakeClock().now()))
        await session.flush()
        raise RuntimeError("handler bug")

    @router.message(Command("later"))
    async def later(
        message: Message,
        session: AsyncSession,
        sessionmaker: async_sessionmaker[AsyncSession],
        after_commit: AfterCommit,
    ) -> None:
        session.add(User(id=998, created_at=FakeClock().now()))
        await session.flush()

        async def fails() -> None:
            raise RuntimeError("after-commit bug")

        async def look() -> None:
            # A transaction of its own: on SQLite (one connection) it could not even start
            # before the update's had committed and given the connection back.
            async with asyncio.timeout(5), sessionmaker() as own, own.begin():
                seen.append({"after_commit": await own.get(User, 998) is not None})

        after_commit.add(fails)  # logged; the next still runs
        after_commit.add(look)
        if message.text == "/later boom":
            raise RuntimeError("handler bug")

    return router


@pytest.fixture
def seen() -> list[dict[str, object]]:
    return []


@pytest.fixture
def dp(make_dispatcher: Callable[..., Dispatcher], seen: list[dict[str, object]]) -> Dispatcher:
    return make_dispatcher(routers=[probe_router(seen)])


async def test_help_in_each_language(
    dp: Dispatcher, bot: Bot, updates: UpdateFactory, translator: Translator
) -> None:
    for code, lang in [("kk", "kk"), ("ru", "ru"), ("en-GB", "en"), ("de", "en")]:
        answer = await dp.feed_update(bot, updates.message("/help", language_code=code))
        assert isinstance(answer, SendMessage)
        assert answer.text == translator.get(lang, "help")
        assert answer.chat_id == updates.user_id


async def test_unknown_command_answers_with_help(
    dp: Dispatcher, bot: Bot, updates: UpdateFactory, translator: Translator
) -> None:
    answer = await dp.feed_update(bot, updates.message("/frobnicate now", language_code="ru"))
    assert isinstance(answer, SendMessage)
    assert answer.text.startswith("Я не знаю команду /frobnicate.")
    assert answer.text.endswith(translator.get("ru", "help"))


async def test_unknown_command_is_escaped(dp: Dispatcher, bot: Bot, updates: UpdateFactory) -> None:
    answer = await dp.feed_update(bot, updates.message("/<b>x</b>"))
    assert isinstance(answer, SendMessage)
    assert "&lt;b&gt;x&lt;/b&gt;" in answer.text


async def test_other_messages_are_not_understood(
    dp: Dispatcher, bot: Bot, updates: UpdateFactory, translator: Translator
) -> None:
    answer = await dp.feed_update(bot, updates.message("hello?", language_code="kk"))
    assert isinstance(answer, SendMessage)
    assert answer.text == translator.get("kk", "not-understood")


async def test_group_chats_get_no_fallback(
    dp: Dispatcher, bot: Bot, updates: UpdateFactory
) -> None:
    answer = await dp.feed_update(bot, updates.message("hello all", chat_type="supergroup"))
    assert not isinstance(answer, SendMessage)


@pytest.mark.parametrize("data", ["stale:1", "x" * 64, "", "match:not-a-number"])
async def test_stale_or_forged_buttons_get_an_alert(
    dp: Dispatcher, bot: Bot, updates: UpdateFactory, translator: Translator, data: str
) -> None:
    update = updates.callback(data, language_code="ru")
    answer = await dp.feed_update(bot, update)
    assert isinstance(answer, AnswerCallbackQuery)
    assert answer.callback_query_id == update.callback_query.id  # type: ignore[union-attr]
    assert answer.show_alert is True
    assert answer.text == translator.get("ru", "callback-stale")


async def test_cancel_clears_the_state(
    dp: Dispatcher, bot: Bot, updates: UpdateFactory, translator: Translator
) -> None:
    nothing = await dp.feed_update(bot, updates.message("/cancel"))
    assert isinstance(nothing, SendMessage)
    assert nothing.text == translator.get("en", "cancel-nothing")
    await dp.feed_update(bot, updates.message("/onboard"))
    done = await dp.feed_update(bot, updates.message("/cancel"))
    assert isinstance(done, SendMessage)
    # The language picked in the flow (kk) is used until it is stored on the user.
    assert done.text == translator.get("kk", "cancel-done")
    again = await dp.feed_update(bot, updates.message("/cancel"))
    assert isinstance(again, SendMessage)
    assert again.text == translator.get("en", "cancel-nothing")


async def test_state_survives_a_restart(
    make_dispatcher: Callable[..., Dispatcher],
    bot: Bot,
    updates: UpdateFactory,
    seen: list[dict[str, object]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    first = make_dispatcher(routers=[probe_router(seen)])
    await first.feed_update(bot, updates.message("/onboard"))
    await first.emit_shutdown()
    async with sessionmaker() as session:
        assert await session.scalar(select(FsmRecord.state)) == "Onboarding:interests"
    restarted = make_dispatcher(routers=[probe_router(seen)])
    await restarted.feed_update(bot, updates.message("rockets, satellites"))
    assert seen == [{"interests": "rockets, satellites", "data": {FSM_LANGUAGE_KEY: "kk"}}]


async def test_first_contact_creates_the_user(
    dp: Dispatcher,
    bot: Bot,
    updates: UpdateFactory,
    seen: list[dict[str, object]],
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    await dp.feed_update(bot, updates.message("/start fair2025-stand7", language_code="ru"))
    await dp.feed_update(bot, updates.message("/probe"))
    async with sessionmaker() as session:
        user = await session.get(User, updates.user_id)
        assert user is not None
        assert user.start_source is None  # kept in the conversation until consent
        assert user.created_at == clock.now()
        assert user.language is None
        assert user.is_active
    probed = seen[0]["user"]
    assert isinstance(probed, User)
    assert probed.id == updates.user_id


async def test_stored_language_wins(
    dp: Dispatcher,
    bot: Bot,
    updates: UpdateFactory,
    seen: list[dict[str, object]],
    sessionmaker: async_sessionmaker[AsyncSession],
    translator: Translator,
) -> None:
    await dp.feed_update(bot, updates.message("/probe", language_code="en"))
    async with sessionmaker() as session:
        user = await session.get(User, updates.user_id)
        assert user is not None
        user.language = "kk"
        await session.commit()
    await dp.feed_update(bot, updates.message("/probe", language_code="en"))
    assert [entry["lang"] for entry in seen] == ["en", "kk"]
    assert seen[1]["t"] == translator.get("kk", "cancel-nothing")


async def test_blocking_and_unblocking_the_bot(
    dp: Dispatcher,
    bot: Bot,
    updates: UpdateFactory,
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
) -> None:
    await dp.feed_update(bot, updates.message("/help"))
    await dp.feed_update(bot, updates.chat_member("member", "kicked"))
    async with sessionmaker() as session:
        user = await session.get(User, updates.user_id)
        assert user is not None
        assert not user.is_active
        assert user.blocked_at == clock.now()
    await dp.feed_update(bot, updates.chat_member("kicked", "member"))
    async with sessionmaker() as session:
        user = await session.get(User, updates.user_id)
        assert user is not None
        assert user.is_active
        assert user.blocked_at is None


async def test_a_handler_bug_rolls_back_and_apologises(
    dp: Dispatcher,
    bot: Bot,
    updates: UpdateFactory,
    sessionmaker: async_sessionmaker[AsyncSession],
    translator: Translator,
    caplog: pytest.LogCaptureFixture,
) -> None:
    update = updates.message("/boom", language_code="ru")
    answer = await dp.feed_update(bot, update)
    assert isinstance(answer, SendMessage)
    assert answer.text == translator.get("ru", "error-generic")
    async with sessionmaker() as session:
        assert await session.get(User, 999) is None
    failure = next(r for r in caplog.records if r.name == "bot.handlers.errors")
    assert f"update {update.update_id} of user {updates.user_id} failed" in failure.getMessage()
    assert "/boom" not in caplog.text


async def test_work_after_the_commit_runs_after_it_and_only_then(
    dp: Dispatcher,
    bot: Bot,
    updates: UpdateFactory,
    seen: list[dict[str, object]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    await dp.feed_update(bot, updates.message("/later"))
    assert seen == [{"after_commit": True}]  # the update's row, committed, seen from outside
    assert "work after the commit failed" in caplog.text
    await dp.feed_update(bot, updates.message("/later boom"))
    assert seen == [{"after_commit": True}]  # rolled back: nothing ran


async def test_the_same_update_is_handled_once(
    dp: Dispatcher,
    bot: Bot,
    updates: UpdateFactory,
    seen: list[dict[str, object]],
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    update = updates.message("/probe")
    await dp.feed_update(bot, update)
    assert await dp.feed_update(bot, update) is DUPLICATE
    assert len(seen) == 1
    async with sessionmaker() as session:
        assert await session.get(ProcessedUpdate, update.update_id) is not None


async def test_a_flood_is_throttled_politely(
    dp: Dispatcher,
    bot: Bot,
    updates: UpdateFactory,
    seen: list[dict[str, object]],
    clock: FakeClock,
    translator: Translator,
) -> None:
    answers = [await dp.feed_update(bot, updates.message("/probe")) for _ in range(25)]
    assert len(seen) == 19
    notices = [a for a in answers if isinstance(a, SendMessage)]
    assert [n.text for n in notices] == [translator.get("en", "throttled")]
    # Another person is not affected.
    await dp.feed_update(bot, updates.message("/probe", user_id=42))
    assert len(seen) == 20
    clock.advance(seconds=10)
    await dp.feed_update(bot, updates.message("/probe"))
    assert len(seen) == 21


@pytest.mark.redis
async def test_flood_counters_in_redis(
    make_dispatcher: Callable[..., Dispatcher],
    make_settings: Callable[..., object],
    database_url: str,
    redis_url: str,
    redis_prefix: str,
    bot: Bot,
    updates: UpdateFactory,
    seen: list[dict[str, object]],
) -> None:
    settings = make_settings(database_url=database_url, redis_prefix=redis_prefix, throttle_limit=3)
    redis = Redis.from_url(redis_url)
    try:
        dp = make_dispatcher(settings=settings, redis=redis, routers=[probe_router(seen)])
        answers = [await dp.feed_update(bot, updates.message("/probe")) for _ in range(5)]
        assert len(seen) == 2
        assert sum(isinstance(a, SendMessage) for a in answers) == 1
        ttl = await redis.pttl(f"{redis_prefix}:flood:{updates.user_id}")
        assert 0 < ttl <= 10_000
    finally:
        await redis.aclose()


class _CountingExecutor(ThreadPoolExecutor):
    def __init__(self) -> None:
        super().__init__(max_workers=1)
        self.submitted = 0

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.submitted += 1
        return super().submit(fn, *args, **kwargs)


async def test_filters_run_in_the_event_loop_not_in_threads(
    make_dispatcher: Callable[..., Dispatcher], bot: Bot, updates: UpdateFactory
) -> None:
    dp = make_dispatcher()  # every router of the bot
    assert thread_pool_callbacks(dp) == []
    executor = _CountingExecutor()
    asyncio.get_running_loop().set_default_executor(executor)
    try:
        for text in ("/help", "hello", "/frobnicate"):  # answers returned, not sent
            await dp.feed_update(bot, updates.message(text))
    finally:
        executor.shutdown()
    # Magic filters and FSM states would otherwise each cost a thread-pool round trip.
    assert executor.submitted == 0
