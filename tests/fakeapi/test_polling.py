"""Long polling through a real aiogram Bot: offsets, long waits, conflicts, allowed_updates."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.exceptions import TelegramConflictError
from aiogram.types import ChatMemberUpdated, Message

from bot.fakeapi import FakeTelegramServer


async def test_echo_bot_answers_a_user(
    server: FakeTelegramServer, bot: Bot, echo_dp: Dispatcher
) -> None:
    aigerim = server.user("Aigerim", language_code="kk")
    async with server.polling(echo_dp, bot):
        await aigerim.send("Сәлем!")
        reply = await aigerim.next_message()
    assert reply.text == "Сәлем!"
    [call] = server.calls("sendMessage")
    assert call.chat_id == aigerim.id
    assert call.params["text"] == "Сәлем!"
    assert server.pending_updates() == 0


async def test_updates_look_like_telegrams(server: FakeTelegramServer, bot: Bot) -> None:
    student = server.user("Dana", "Serikova", username="dana_s", language_code="ru")
    first = await student.send("/start fair2026")
    second = await student.send("hello")
    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == [first.update_id, second.update_id]
    assert first.update_id is not None
    assert second.update_id == first.update_id + 1
    message = updates[0].message
    assert message is not None
    assert message.from_user is not None
    assert message.text == "/start fair2026"
    assert message.from_user.language_code == "ru"
    assert message.from_user.username == "dana_s"
    assert message.chat.type == "private"
    assert message.chat.id == student.id
    assert message.entities is not None
    assert message.entities[0].type == "bot_command"
    assert message.entities[0].length == len("/start")
    assert updates[1].message is not None
    assert updates[1].message.message_id == 2


async def test_offset_confirms_earlier_updates(server: FakeTelegramServer, bot: Bot) -> None:
    student = server.user("Arman")
    for text in ("one", "two", "three"):
        await student.send(text)
    updates = await bot.get_updates(limit=2)
    assert [u.message.text for u in updates if u.message] == ["one", "two"]
    again = await bot.get_updates()  # nothing confirmed yet: the same updates come back
    assert len(again) == 3
    rest = await bot.get_updates(offset=updates[-1].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["three"]
    assert await bot.get_updates(offset=rest[-1].update_id + 1) == []
    assert server.pending_updates() == 0


async def test_long_poll_returns_as_soon_as_an_update_arrives(
    server: FakeTelegramServer, bot: Bot
) -> None:
    student = server.user("Aliya")
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.05)
    assert not poll.done()
    await student.send("are you there?")
    updates = await asyncio.wait_for(poll, 2)
    assert updates[0].message is not None
    assert updates[0].message.text == "are you there?"


async def test_long_poll_times_out_empty(server: FakeTelegramServer, bot: Bot) -> None:
    server.timings.max_poll_timeout = 0.1
    assert await bot.get_updates(timeout=30) == []


async def test_second_poller_terminates_the_first(server: FakeTelegramServer, bot: Bot) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(bot.get_updates(timeout=10))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates request"):
        await asyncio.wait_for(first, 2)
    second.cancel()
    with pytest.raises(asyncio.CancelledError):
        await second


async def test_get_updates_conflicts_with_a_webhook(server: FakeTelegramServer, bot: Bot) -> None:
    await bot.set_webhook("http://127.0.0.1:9/hook")
    with pytest.raises(TelegramConflictError, match="can't use getUpdates method while webhook"):
        await bot.get_updates()
    await bot.delete_webhook()
    assert await bot.get_updates() == []


async def test_allowed_updates_decide_which_updates_exist(
    server: FakeTelegramServer, bot: Bot
) -> None:
    student = server.user("Timur")
    await student.send("hi")
    await bot.get_updates(allowed_updates=["message"])
    await student.block()  # my_chat_member is not allowed: Telegram does not create it
    updates = await bot.get_updates()
    assert [u.event_type for u in updates] == ["message"]
    await bot.get_updates(allowed_updates=[])  # back to Telegram's default set
    await student.unblock()
    updates = await bot.get_updates(offset=updates[-1].update_id + 1)
    assert [u.event_type for u in updates] == ["my_chat_member"]


async def test_blocking_sends_my_chat_member_to_the_bot(
    server: FakeTelegramServer, bot: Bot
) -> None:
    seen: list[tuple[str, str]] = []
    all_seen = asyncio.Event()
    router = Router()

    @router.my_chat_member()
    async def member(update: ChatMemberUpdated) -> None:
        seen.append((update.old_chat_member.status, update.new_chat_member.status))
        if len(seen) == 3:
            all_seen.set()

    @router.message()
    async def any_message(message: Message) -> None:
        await message.answer("hi")

    dp = Dispatcher()
    dp.include_router(router)
    student = server.user("Madina")
    async with server.polling(dp, bot):
        await student.send("/start")
        await student.next_message()
        await student.block()
        await student.unblock()
        await student.block()
        await asyncio.wait_for(all_seen.wait(), 3)
    assert seen == [("member", "kicked"), ("kicked", "member"), ("member", "kicked")]
