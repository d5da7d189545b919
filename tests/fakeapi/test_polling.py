"""Long polling through a real aiogram Bot: the echo bot answers simulated users."""

from __future__ import annotations

from aiogram import Bot, Dispatcher

from bot.fakeapi import FakeTelegramServer


async def test_echo_bot_answers_a_user(
    server: FakeTelegramServer, bot: Bot, echo_dp: Dispatcher
) -> None:
    aigerim = server.user("Aigerim", language_code="kk")
    async with server.polling(echo_dp, bot):
        await aigerim.send("Сәлем!")
        reply = await aigerim.next_message()
    assert reply.text == "Сәлем!"
    assert server.calls("sendMessage")[0].params["chat_id"] == str(aigerim.id)
