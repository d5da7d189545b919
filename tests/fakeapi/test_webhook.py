"""Webhook delivery: secret token, re-delivery after errors, load-balanced targets, redeliver()."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.methods import SendMessage
from aiogram.types import Message
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.fakeapi import FakeTelegramServer

from .conftest import Receiver

MakeReceiver = Callable[..., Awaitable[Receiver]]


@pytest.fixture
async def bot_app(bot: Bot, echo_dp: Dispatcher) -> AsyncIterator[Callable[..., Awaitable[str]]]:
    """Serve the echo bot through aiogram's own webhook handler; returns its URL."""
    runners: list[web.AppRunner] = []

    async def serve(
        secret: str, *, in_background: bool = True, dp: Dispatcher | None = None
    ) -> str:
        app = web.Application()
        SimpleRequestHandler(
            dispatcher=dp or echo_dp,
            bot=bot,
            secret_token=secret,
            handle_in_background=in_background,
        ).register(app, path="/webhook")
        runner = web.AppRunner(app, shutdown_timeout=0.1)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        return f"http://127.0.0.1:{site.port}/webhook"

    yield serve
    for runner in runners:
        await runner.cleanup()


@pytest.mark.parametrize("in_background", [True, False])
async def test_echo_bot_in_webhook_mode(
    server: FakeTelegramServer,
    bot: Bot,
    bot_app: Callable[..., Awaitable[str]],
    in_background: bool,
) -> None:
    dp = Dispatcher()
    router = Router()

    @router.message()
    async def echo(message: Message) -> SendMessage:
        # Returned, not awaited: aiogram puts the call into the webhook answer when it can.
        return message.answer(message.text or "")

    dp.include_router(router)
    url = await bot_app("s3cret_token-1", in_background=in_background, dp=dp)
    student = server.user("Kamila")
    await student.send("before the webhook")  # pending updates are delivered too
    await bot.set_webhook(url, secret_token="s3cret_token-1")
    await student.send("after")
    first = await student.next_message()
    second = await student.next_message()
    assert [first.text, second.text] == ["before the webhook", "after"]
    source = "http" if in_background else "webhook-response"
    assert {c.source for c in server.calls("sendMessage")} == {source}
    info = await bot.get_webhook_info()
    assert info.url == url
    assert info.pending_update_count == 0
    assert info.last_error_message is None


async def test_wrong_secret_is_refused_and_retried(
    server: FakeTelegramServer, bot: Bot, bot_app: Callable[..., Awaitable[str]]
) -> None:
    url = await bot_app("right")
    student = server.user("Rustem")
    await bot.set_webhook(url, secret_token="wrong")
    await student.send("hello?")
    await server.wait_until(lambda: server.stats.webhook_failures > 0)
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 1
    assert info.last_error_message == "Wrong response from the webhook: 401 Unauthorized"
    await bot.set_webhook(url, secret_token="right")
    reply = await student.next_message()
    assert reply.text == "hello?"


async def test_failed_delivery_is_retried(
    server: FakeTelegramServer, bot: Bot, receivers: MakeReceiver
) -> None:
    receiver = await receivers([500, 500])
    student = server.user("Zarina")
    await bot.set_webhook(receiver.url, secret_token="abc")
    sent = await student.send("hi")
    [update] = await receiver.wait_for(1)
    await server.wait_delivered()
    assert update["update_id"] == sent.update_id
    assert update["message"]["text"] == "hi"
    assert receiver.secrets == ["abc", "abc", "abc"]
    assert server.stats.webhook_failures == 2
    assert server.stats.webhook_deliveries == 1
    info = await bot.get_webhook_info()
    assert info.pending_update_count == 0
    assert info.last_error_message == "Wrong response from the webhook: 500 Internal Server Error"


async def test_updates_of_one_chat_keep_their_order(
    server: FakeTelegramServer, bot: Bot, receivers: MakeReceiver
) -> None:
    receiver = await receivers([500])
    student = server.user("Askar")
    for text in ("1", "2", "3"):
        await student.send(text)
    await bot.set_webhook(receiver.url, max_connections=10)
    received = await receiver.wait_for(3)
    assert [u["message"]["text"] for u in received] == ["1", "2", "3"]


async def test_load_balanced_targets_fail_over_and_redeliver(
    server: FakeTelegramServer, bot: Bot, receivers: MakeReceiver
) -> None:
    first, second = await receivers(), await receivers()
    server.webhook_targets = [first.url, second.url]
    await bot.set_webhook("http://127.0.0.1:9/unused")
    students = [server.user(f"Student {i}") for i in range(4)]
    for student in students:
        await student.send("hi")
    await first.wait_for(2)
    await second.wait_for(2)
    await second.stop()  # one bot process goes down: the balancer sends everything to the other
    for student in students:
        await student.send("again")
    await first.wait_for(6)
    assert len(second.received) == 2
    update_id = first.received[0]["update_id"]
    assert await server.redeliver(update_id)
    received = await first.wait_for(7)
    assert received[-1]["update_id"] == update_id
    assert server.stats.redeliveries == 1


async def test_drop_pending_updates(server: FakeTelegramServer, bot: Bot) -> None:
    student = server.user("Nazym")
    await student.send("lost")
    assert server.pending_updates() == 1
    await bot.delete_webhook(drop_pending_updates=True)
    assert server.pending_updates() == 0
    assert await bot.get_updates() == []


async def test_webhook_urls_stay_on_this_machine(server: FakeTelegramServer, bot: Bot) -> None:
    from aiogram.exceptions import TelegramBadRequest

    with pytest.raises(TelegramBadRequest, match="bad webhook"):
        await bot.set_webhook("https://example.org/hook")
    with pytest.raises(ValueError, match="loopback"):
        server.webhook_targets = ["http://127.0.0.1:8080/a", "http://10.0.0.5/b"]
