"""FakeTelegramServer: a Telegram Bot API on loopback for tests, benchmarks and the sandbox."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import math
import re
import secrets
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from bot.fakeapi.errors import ApiError, not_found, too_many_requests
from bot.fakeapi.faults import SENDING_METHODS, FaultPlan
from bot.fakeapi.methods import (
    MAX_UPLOAD,
    BotApi,
    Described,
    Params,
    is_loopback_url,
    photo_limits,
)
from bot.fakeapi.recording import RecordedRequest, RequestLog, ServerStats, Upload
from bot.fakeapi.state import (
    BotAccount,
    CallbackQuery,
    ChatEvent,
    ChatState,
    PendingUpdate,
    StoredFile,
    StoredMessage,
    UpdateLog,
    WebhookConfig,
)
from bot.fakeapi.users import BotMessage, CallbackAnswer, SimUser

if TYPE_CHECKING:
    from aiogram import Bot, Dispatcher
    from aiogram.client.telegram import TelegramAPIServer

log = logging.getLogger(__name__)

TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]+")
_FILE_PREFIX = {
    "document": "BQACAgIAAxk",
    "photo": "AgACAgIAAxk",
    "sticker": "CAACAgIAAxk",
    "voice": "AwACAgIAAxk",
}
_FILE_EXT = {"photo": ".jpg", "sticker": ".webp", "voice": ".oga"}
_PHOTO_SIDES = (90, 320, 800, 1280)


@dataclass
class Timings:
    """Every wait of the fake server, so tests can make them short."""

    reply_timeout: float = 5.0  # SimUser.wait_for_message / next_message
    callback_answer_timeout: float = 5.0  # SimUser.press waiting for answerCallbackQuery
    max_poll_timeout: float = 50.0  # getUpdates long polling is capped like Telegram's
    webhook_timeout: float = 10.0  # how long a webhook POST may take
    webhook_retry_initial: float = 0.05  # first re-delivery delay; doubles per failure
    webhook_retry_max: float = 2.0
    hold_timeout: float = 300.0  # "timeout" faults hold the request this long at most


class _ConnectionDropped(Exception):
    """A "reset" fault: close the connection without an answer."""


class FakeTelegramServer:
    """A fake Telegram Bot API over real HTTP on 127.0.0.1.

    Start it with ``async with FakeTelegramServer() as server`` (or ``await start()`` /
    ``await stop()``); point aiogram at ``server.base_url`` (``server.make_bot()`` does it).
    Any well-formed token is a bot; ``server.token`` is a ready-made one.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str = "7000000001:FAKE-fairbot-token",
        bot_username: str = "fairbot_test_bot",
        bot_first_name: str = "FairBot",
        timings: Timings | None = None,
        rate_limit: int | None = None,
        seed: int = 0,
    ) -> None:
        if not TOKEN.fullmatch(token):
            raise ValueError("a bot token looks like 123456:ABC-def")
        self.host = host
        self.port = port
        self.token = token
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.timings = timings or Timings()
        self.rate_limit = rate_limit
        """Messages per second per bot token (sending methods); above it 429 and a ban."""
        self.faults = FaultPlan(seed=seed)
        self.requests = RequestLog()
        self.stats = ServerStats()
        self.files: dict[str, StoredFile] = {}
        self._webhook_targets: list[str] | None = None
        self.update_log = UpdateLog()
        self.api = BotApi(self)
        self._accounts: dict[str, BotAccount] = {}
        self._users: dict[int, SimUser] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._photo_sizes: dict[str, list[dict[str, Any]]] = {}
        self._update_ids = itertools.count(500_000_001)
        self._user_ids = itertools.count(700_000_001)
        self._file_numbers = itertools.count(1)
        self._query_ids = itertools.count(4_500_000_000_000_000_001)
        self._round_robin = itertools.count()
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None
        self._closing = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._change_waiters: list[asyncio.Future[None]] = []

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> FakeTelegramServer:
        app = web.Application(client_max_size=MAX_UPLOAD + 5 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
        # handler_cancellation: a client that gives up (long poll, held request) frees its handler.
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=0.5
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = site.port
        self._http = aiohttp.ClientSession()
        self._closing.clear()
        return self

    async def stop(self) -> None:
        self._closing.set()
        for account in self._accounts.values():
            account.wake_poller()
            account.webhook = None
            account.webhook_wakeup.set()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._http is not None:
            await self._http.close()
            self._http = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegramServer:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def webhook_targets(self) -> list[str] | None:
        """Where webhook deliveries go instead of the URL the bot set (round-robin, failover).

        Like a load balancer in front of several bot processes: each delivery goes to the next
        target; a target that refuses the connection is skipped for the next one.
        """
        return self._webhook_targets

    @webhook_targets.setter
    def webhook_targets(self, targets: list[str] | None) -> None:
        if targets is not None:
            outside = [url for url in targets if not is_loopback_url(url)]
            if outside:
                raise ValueError(f"webhook targets must be on this machine (loopback): {outside}")
            targets = list(targets)
        self._webhook_targets = targets

    def revoke(self, token: str | None = None) -> None:
        """Make a token invalid, as @BotFather's /revoke does: every call answers 401."""
        self.account(token).revoked = True

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def api_server(self) -> TelegramAPIServer:
        """aiogram's TelegramAPIServer pointing here."""
        from aiogram.client.telegram import TelegramAPIServer

        return TelegramAPIServer.from_base(self.base_url)

    def make_bot(self, token: str | None = None, **bot_kwargs: Any) -> Bot:
        """A real aiogram Bot with aiogram's own AiohttpSession talking to this server.

        The session only skips the 250 ms pause aiogram makes on close for TLS connections to
        wind down: there are none on loopback, and tests close many sessions.
        """
        from aiogram import Bot
        from aiogram.client.session.aiohttp import AiohttpSession

        class LoopbackSession(AiohttpSession):
            async def close(self) -> None:
                if self._session is not None and not self._session.closed:
                    await self._session.close()

        session = LoopbackSession(api=self.api_server(), timeout=bot_kwargs.pop("timeout", 60.0))
        return Bot(token or self.token, session=session, **bot_kwargs)

    @contextlib.asynccontextmanager
    async def polling(
        self, dispatcher: Dispatcher, bot: Bot, **polling_kwargs: Any
    ) -> AsyncIterator[asyncio.Task[None]]:
        """Run ``dispatcher.start_polling(bot)`` in a task until the block ends.

        Entering returns once the bot has asked for updates, so users can write right away.
        """
        account = self.account(bot.token)
        account.polled.clear()
        polling_kwargs.setdefault("handle_signals", False)
        polling_kwargs.setdefault("close_bot_session", False)
        task = asyncio.create_task(dispatcher.start_polling(bot, **polling_kwargs))
        polled = asyncio.create_task(account.polled.wait())
        try:
            await asyncio.wait({task, polled}, return_when=asyncio.FIRST_COMPLETED)
            if task.done():
                task.result()  # polling died at start: show why
                raise RuntimeError("polling ended before asking for updates")
            yield task
        finally:
            polled.cancel()
            if not task.done():
                with contextlib.suppress(RuntimeError):  # "Polling is not started"
                    await dispatcher.stop_polling()
            await task

    # -- bots, users, files ----------------------------------------------------------------

    def account(self, token: str | None = None) -> BotAccount:
        """The server's state for a bot token (created on first use)."""
        token = token or self.token
        account = self._accounts.get(token)
        if account is None:
            account = BotAccount(token, self.bot_username, self.bot_first_name)
            self._accounts[token] = account
        return account

    def user(
        self,
        first_name: str = "Test",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        user_id: int | None = None,
        *,
        token: str | None = None,
        started: bool = False,
    ) -> SimUser:
        """A simulated user in a private chat with the bot of `token` (default: server.token).

        Until the user writes (or `started=True`), the bot cannot message them: Telegram answers
        403 "bot can't initiate conversation with a user".
        """
        account = self.account(token)
        if user_id is None:
            user_id = next(self._user_ids)
        if user_id in account.chats:
            raise ValueError(f"user {user_id} already exists")
        user = SimUser(
            self, account, user_id, first_name, last_name, username, language_code, started=started
        )
        account.chats[user_id] = user.chat
        return user

    def add_file(
        self, kind: str, content: bytes, file_name: str | None, mime_type: str | None
    ) -> StoredFile:
        number = next(self._file_numbers)
        extension = ""
        if file_name and "." in file_name:
            extension = "." + file_name.rsplit(".", 1)[1]
        extension = extension or _FILE_EXT.get(kind, "")
        stored = StoredFile(
            file_id=f"{_FILE_PREFIX.get(kind, 'BQAC')}{number:06d}{secrets.token_urlsafe(24)}",
            file_unique_id=f"AgAD{number:06d}",
            kind=kind,
            content=content,
            file_path=f"{kind}s/file_{number}{extension}",
            file_name=file_name,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def add_photo(self, content: bytes) -> list[dict[str, Any]]:
        """Store a photo like Telegram: several PhotoSize entries, the largest last."""
        width, height = photo_limits(content)
        longest = max(width, height)
        sides = [side for side in _PHOTO_SIDES if side < longest] + [longest]
        sizes: list[dict[str, Any]] = []
        for side in sides:
            stored = self.add_file("photo", content, None, "image/jpeg")
            stored.width = max(1, round(width * side / longest))
            stored.height = max(1, round(height * side / longest))
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "file_size": stored.size,
                    "width": stored.width,
                    "height": stored.height,
                }
            )
        for size in sizes:
            self._photo_sizes[size["file_id"]] = sizes
        return sizes

    def photo_sizes_of(self, stored: StoredFile) -> list[dict[str, Any]]:
        return self._photo_sizes[stored.file_id]

    def commands(
        self, scope: str = "default", language_code: str = "", *, token: str | None = None
    ) -> list[dict[str, Any]]:
        """Commands set for a scope key ("default", "all_private_chats", "chat:ID") and language."""
        return list(self.account(token).commands.get((scope, language_code), []))

    def commands_for(self, user: SimUser) -> list[dict[str, Any]]:
        """The command menu this user sees, resolved through scopes the way Telegram does."""
        commands = user.account.commands
        language = user.language_code or ""
        for scope in (f"chat:{user.id}", "all_private_chats", "default"):
            for lang in (language, ""):
                if (scope, lang) in commands:
                    return list(commands[(scope, lang)])
        return []

    # -- inspection ------------------------------------------------------------------------

    def calls(self, method: str, *, ok: bool | None = None) -> list[RecordedRequest]:
        """Recorded requests of one method (optionally only successful or failed ones)."""
        found = self.requests.by_method.get(method, [])
        if ok is None:
            return list(found)
        return [r for r in found if r.ok == ok]

    async def wait_until(
        self, predicate: Callable[[], bool], *, timeout: float = 5.0, what: str = "the condition"
    ) -> None:
        """Wait until `predicate()` holds; it is checked after every request and delivery."""
        deadline = time.monotonic() + timeout
        while not predicate():
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"timed out after {timeout} s waiting for {what}")
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._change_waiters.append(waiter)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(waiter, left)

    async def wait_for_calls(
        self, method: str, count: int = 1, *, ok: bool | None = None, timeout: float = 5.0
    ) -> list[RecordedRequest]:
        """Wait until `count` requests of `method` were answered; return them all."""
        answered = self.requests.answered

        # Checked after every request, so it must be O(1): a broadcast makes thousands.
        def enough() -> bool:
            if ok is None:
                return answered[(method, True)] + answered[(method, False)] >= count
            return answered[(method, ok)] >= count

        await self.wait_until(enough, timeout=timeout, what=f"{count} {method} call(s)")
        return self.calls(method, ok=ok)

    async def wait_delivered(self, token: str | None = None, *, timeout: float = 5.0) -> None:
        """Wait until the bot has every update (webhook deliveries done or updates confirmed)."""
        account = self.account(token)
        await self.wait_until(
            lambda: not account.pending and account.webhook_in_flight == 0,
            timeout=timeout,
            what="pending updates to be delivered",
        )

    def _changed(self) -> None:
        if self._change_waiters:
            waiters, self._change_waiters = self._change_waiters, []
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)

    def pending_updates(self, token: str | None = None) -> int:
        return len(self.account(token).pending)

    def handed_at(self, update_id: int) -> float | None:
        """time.monotonic() when the update first reached a bot (getUpdates or webhook POST)."""
        return self.update_log.handed_at.get(update_id)

    # -- updates -----------------------------------------------------------------------------

    def enqueue(
        self, account: BotAccount, kind: str, payload: dict[str, Any], chat: ChatState | None
    ) -> int | None:
        """Create an update for the bot; None when its allowed_updates exclude this kind."""
        if kind not in account.allowed_updates:
            return None
        update_id = next(self._update_ids)
        update = PendingUpdate(
            update_id,
            kind,
            {"update_id": update_id, kind: payload},
            chat.id if chat else None,
            token=account.token,
        )
        account.pending[update_id] = update
        self.update_log.add(update)
        self.stats.updates_created += 1
        self._changed()
        if chat is not None:
            chat.last_update_id = update_id
        if account.webhook is not None:
            account.webhook_wakeup.set()
        else:
            account.wake_poller()
        return update_id

    def chat_event(self, chat: ChatState, kind: str, stored: StoredMessage) -> None:
        now = time.monotonic()
        message = BotMessage.of(stored, self.files, now)
        chat.add_event(ChatEvent(kind, message.message_id, now, message=message))

    def new_callback_query(self, user: SimUser, message: BotMessage, data: str) -> CallbackQuery:
        account = user.account
        query_id = str(next(self._query_ids))
        future: asyncio.Future[CallbackAnswer] = asyncio.get_running_loop().create_future()
        query = CallbackQuery(query_id, user.chat, future)
        account.callback_queries[query_id] = query
        stored = user.chat.messages.get(message.message_id)
        payload = {
            "id": query_id,
            "from": user.user_dict(),
            "message": stored.data if stored else message.raw,
            "chat_instance": str(-(user.id * 7919 + account.id) % 10**19),
            "data": data,
        }
        update_id = self.enqueue(account, "callback_query", payload, user.chat)
        if update_id is None:
            account.callback_queries.pop(query_id, None)
            raise AssertionError("the bot's allowed_updates exclude callback_query")
        query.update_id = update_id
        return query

    def callback_answered(
        self, query: CallbackQuery, text: str | None, show_alert: bool, url: str | None
    ) -> None:
        answer = CallbackAnswer(text, show_alert, url)
        if not query.answer.done():
            query.answer.set_result(answer)
        query.chat.add_event(ChatEvent("callback_answer", None, time.monotonic(), answer=answer))

    # -- webhooks ----------------------------------------------------------------------------

    def start_webhook(self, account: BotAccount) -> None:
        account.webhook_wakeup.set()
        if account.webhook_task is None or account.webhook_task.done():
            account.webhook_task = self._spawn(self._webhook_loop(account))

    def stop_webhook(self, account: BotAccount) -> None:
        account.webhook_wakeup.set()

    def _spawn(self, coro: Any) -> asyncio.Task[Any]:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _webhook_loop(self, account: BotAccount) -> None:
        while account.webhook is not None:
            account.webhook_wakeup.clear()
            config = account.webhook
            now = time.monotonic()
            next_due: float | None = None
            held: set[int] = set()  # chats with an earlier update in flight or waiting to retry
            for update in account.pending.values():
                if account.webhook_in_flight >= config.max_connections:
                    break
                chat = update.chat_id
                if chat is not None and chat in held:
                    continue
                if update.in_flight or update.next_attempt_at > now:
                    if not update.in_flight:
                        next_due = min(next_due or math.inf, update.next_attempt_at)
                    if chat is not None:
                        held.add(chat)
                    continue
                if chat is not None:
                    held.add(chat)
                update.in_flight = True
                account.webhook_in_flight += 1
                self._spawn(self._deliver(account, update, config))
            timeout = None if next_due is None else max(next_due - time.monotonic(), 0.0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(account.webhook_wakeup.wait(), timeout)

    async def _deliver(
        self, account: BotAccount, update: PendingUpdate, config: WebhookConfig
    ) -> None:
        try:
            error = await self._post_update(account, update, config)
        finally:
            update.in_flight = False
            account.webhook_in_flight -= 1
            account.webhook_wakeup.set()
        if error is None:
            account.pending.pop(update.update_id, None)
            self.stats.webhook_deliveries += 1
            self._changed()
            return
        update.attempts += 1
        delay = self.timings.webhook_retry_initial * 2 ** (update.attempts - 1)
        update.next_attempt_at = time.monotonic() + min(delay, self.timings.webhook_retry_max)
        account.last_error_date = int(time.time())
        account.last_error_message = error
        self.stats.webhook_failures += 1
        log.debug("webhook delivery of update %s failed: %s", update.update_id, error)
        self._changed()

    async def _post_update(
        self, account: BotAccount, update: PendingUpdate, config: WebhookConfig
    ) -> str | None:
        """POST one update; None when delivered (2xx), else Telegram's last_error_message."""
        assert self._http is not None
        targets = self.webhook_targets or [config.url]
        first = next(self._round_robin)
        headers = (
            {"X-Telegram-Bot-Api-Secret-Token": config.secret_token} if config.secret_token else {}
        )
        error = "Connection refused"
        for step in range(len(targets)):
            url = targets[(first + step) % len(targets)]
            self.update_log.handed(update.update_id, time.monotonic())
            try:
                async with self._http.post(
                    url,
                    json=update.payload,
                    headers=headers,
                    timeout=aiohttp.ClientTimeout(total=self.timings.webhook_timeout),
                ) as response:
                    if not 200 <= response.status < 300:
                        return (
                            f"Wrong response from the webhook: {response.status} {response.reason}"
                        )
                    await self._webhook_reply(account, response)
                    return None
            except aiohttp.ClientConnectorError:
                continue  # a load balancer skips a target that is down
            except TimeoutError:
                return "Read timeout expired"
            except aiohttp.ClientError as exc:
                return f"Connection error: {type(exc).__name__}"
        return error

    async def _webhook_reply(self, account: BotAccount, response: aiohttp.ClientResponse) -> None:
        """A webhook may answer with a method call, which Telegram then executes."""
        values: dict[str, Any] = {}
        files: dict[str, Upload] = {}
        if response.content_type == "multipart/form-data":
            multipart = aiohttp.MultipartReader(response.headers, response.content)
            while True:
                part = await multipart.next()
                if part is None:
                    break
                assert isinstance(part, aiohttp.BodyPartReader)
                if part.filename:
                    files[part.name or ""] = Upload(
                        part.filename, part.headers.get("Content-Type"), bytes(await part.read())
                    )
                else:
                    values[part.name or ""] = await part.text()
        elif response.content_type == "application/json":
            with contextlib.suppress(ValueError):
                body = json.loads(await response.read() or b"{}")
                if isinstance(body, dict):
                    values = body
        name = values.pop("method", None)
        if not isinstance(name, str):
            return
        method = self.api.by_lower.get(name.lower())
        if method is None:
            return
        await self._dispatch(account, method, values, files, source="webhook-response")

    async def redeliver(self, update_id: int) -> bool:
        """Send an already delivered update again, as Telegram sometimes does; True if 2xx."""
        update = self.update_log.updates.get(update_id)
        if update is None:
            raise KeyError(f"no update {update_id}")
        account = self.account(update.token)
        if account.webhook is None:
            raise RuntimeError("redeliver needs a webhook: Telegram re-sends webhook updates only")
        self.stats.redeliveries += 1
        return await self._post_update(account, update, account.webhook) is None

    # -- HTTP ----------------------------------------------------------------------------------

    @staticmethod
    def _response(status: int, body: dict[str, Any]) -> web.Response:
        return web.Response(
            body=json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(),
            status=status,
            content_type="application/json",
        )

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        if not TOKEN.fullmatch(token):
            return self._response(404, not_found().body())
        account = self.account(token)
        if account.revoked:
            return self._response(401, ApiError(401, "Unauthorized").body())
        try:
            values, files = await self._read_params(request)
        except ApiError as error:
            return self._response(error.code, error.body())
        method = self.api.by_lower.get(request.match_info["method"].lower())
        if method is None:
            name = request.match_info["method"]
            self.requests.record(
                RecordedRequest(
                    name, values, account.id, time.time(), time.monotonic(), 404, "Not Found"
                )
            )
            self.stats.requests[name] += 1
            self.stats.errors[404] += 1
            return self._response(404, not_found().body())
        try:
            content_type = request.content_type if request.body_exists else ""
            status, body = await self._dispatch(
                account, method, values, files, content_type=content_type
            )
        except _ConnectionDropped:
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError from None
        return self._response(status, body)

    async def _read_params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
        values: dict[str, Any] = dict(request.query)
        files: dict[str, Upload] = {}
        if request.method != "POST" or not request.body_exists:
            return values, files
        try:
            if request.content_type == "application/json":
                body = await request.json()
                if not isinstance(body, dict):
                    raise ApiError(400, "Bad Request: JSON object expected")
                values.update(body)
            else:
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        files[key] = Upload(value.filename, value.content_type, value.file.read())
                    else:
                        values[key] = value
        except web.HTTPRequestEntityTooLarge:
            raise ApiError(413, "Request Entity Too Large") from None
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse request body") from None
        return values, files

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        stored = self._files_by_path.get(request.match_info["path"])
        if not TOKEN.fullmatch(request.match_info["token"]) or stored is None:
            return self._response(404, not_found().body())
        return web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )

    async def _dispatch(
        self,
        account: BotAccount,
        method: str,
        values: dict[str, Any],
        files: dict[str, Upload],
        *,
        source: str = "http",
        content_type: str = "",
    ) -> tuple[int, dict[str, Any]]:
        record = RecordedRequest(
            method,
            values,
            account.id,
            time.time(),
            time.monotonic(),
            source=source,
            content_type=content_type,
        )
        self.requests.record(record)
        self.stats.requests[method] += 1
        try:
            result = await self._call(account, method, Params(values, files), record)
        except ApiError as error:
            record.status, record.description = error.code, error.description
            self.stats.errors[error.code] += 1
            if error.code == 429:
                self.stats.retry_after_given += 1
            return error.code, error.body()
        except asyncio.CancelledError:
            # The client went away (a cancelled long poll, a held request it gave up on).
            record.status, record.description = 499, "client closed the request"
            raise
        finally:
            self.requests.answered[(method, record.ok)] += 1
            self._changed()
            if files:
                for key, value in list(values.items()):
                    if isinstance(value, str) and value.startswith("attach://"):
                        values[key] = files.get(value.removeprefix("attach://"), value)
                for key, upload in files.items():
                    values.setdefault(key, upload)
        if isinstance(result, Described):
            record.result = result.result
            return 200, {"ok": True, "result": result.result, "description": result.description}
        record.result = result
        return 200, {"ok": True, "result": result}

    async def _call(
        self, account: BotAccount, method: str, params: Params, record: RecordedRequest
    ) -> Any:
        sending = method in SENDING_METHODS
        now = time.monotonic()
        if sending and account.ban_until > now:
            record.during_ban = True
            self.stats.requests_during_ban += 1
            raise too_many_requests(max(1, math.ceil(account.ban_until - now)))
        fault = self.faults.take(method, params.raw("chat_id")) if self.faults.faults else None
        if fault is not None:
            record.fault = fault.error
            if fault.error == "timeout":
                hold = self.timings.hold_timeout if fault.hold is None else fault.hold
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._closing.wait(), hold)
                raise ApiError(504, "Gateway Timeout")
            if fault.error == "reset":
                record.status, record.description = 0, "connection reset"
                raise _ConnectionDropped
            error = fault.to_error()
            if error.retry_after is not None and sending:
                account.ban_until = now + error.retry_after
            raise error
        if sending and self.rate_limit is not None:
            wait = account.window.retry_after(now, self.rate_limit)
            if wait is not None:
                account.ban_until = now + wait
                raise too_many_requests(wait)
        result = await getattr(self.api, method)(account, params)
        if sending:
            account.window.record(now)
            self.stats.sent[method] += 1
        return result
