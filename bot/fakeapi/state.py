"""What the fake Bot API remembers: bot accounts, chats, messages, files, pending updates."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.fakeapi.faults import SendWindow

if TYPE_CHECKING:
    from bot.fakeapi.users import BotMessage, CallbackAnswer, SimUser

# Telegram sends these unless allowed_updates says otherwise.
DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "business_connection",
        "business_message",
        "edited_business_message",
        "deleted_business_messages",
        "inline_query",
        "chosen_inline_result",
        "callback_query",
        "shipping_query",
        "pre_checkout_query",
        "purchased_paid_media",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "chat_boost",
        "removed_chat_boost",
    }
)


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str  # document, photo, sticker, voice
    content: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass
class StoredMessage:
    data: dict[str, Any]  # the Message object as Telegram returns it
    from_bot: bool
    source: str | None = None  # text or caption exactly as the bot sent it (e.g. HTML)
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None  # any kind, including reply keyboards


@dataclass
class ChatEvent:
    """Something the user sees happen in the chat, in order."""

    kind: str  # "new", "edited", "deleted", "callback_answer"
    message_id: int | None
    at: float  # time.monotonic()
    message: BotMessage | None = None
    answer: CallbackAnswer | None = None


class ChatState:
    """A private chat between one bot and one simulated user."""

    def __init__(self, user: SimUser, *, started: bool) -> None:
        self.user = user
        self.id = user.id
        self.messages: dict[int, StoredMessage] = {}
        self.last_message_id = 0
        self.started = started
        self.blocked = False
        self.deactivated = False
        self.reply_keyboard: dict[str, Any] | None = None
        self.events: list[ChatEvent] = []
        self.last_update_id: int | None = None
        self._waiters: list[asyncio.Future[None]] = []

    def next_message_id(self) -> int:
        self.last_message_id += 1
        return self.last_message_id

    def add_event(self, event: ChatEvent) -> None:
        self.events.append(event)
        if self._waiters:
            waiters, self._waiters = self._waiters, []
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_result(None)

    async def changed(self, timeout: float) -> None:
        """Wait until the next event in this chat, or `timeout` seconds."""
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(waiter, timeout)


@dataclass
class PendingUpdate:
    update_id: int
    kind: str
    payload: dict[str, Any]
    chat_id: int | None
    created_at: float = field(default_factory=time.monotonic)
    attempts: int = 0
    next_attempt_at: float = 0.0
    in_flight: bool = False
    token: str = ""


@dataclass
class WebhookConfig:
    url: str
    secret_token: str | None
    max_connections: int
    allowed_updates: list[str] | None


@dataclass
class CallbackQuery:
    id: str
    chat: ChatState
    answer: asyncio.Future[CallbackAnswer]
    update_id: int | None = None


class BotAccount:
    """Everything the fake server keeps for one bot token."""

    def __init__(self, token: str, username: str, first_name: str) -> None:
        self.token = token
        self.id = int(token.split(":", 1)[0])
        self.username = username
        self.first_name = first_name
        self.pending: dict[int, PendingUpdate] = {}  # insertion order == update_id order
        self.allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
        self.allowed_updates_list: list[str] | None = None
        self.poller: asyncio.Future[None] | None = None
        self.polled = asyncio.Event()
        self.webhook: WebhookConfig | None = None
        self.webhook_wakeup = asyncio.Event()
        self.webhook_task: asyncio.Task[None] | None = None
        self.webhook_in_flight = 0
        self.webhook_busy_chats: set[int] = set()
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self.chats: dict[int, ChatState] = {}
        self.callback_queries: dict[str, CallbackQuery] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        # name, description, short description, menu button; by (field, language or chat)
        self.profile: dict[tuple[str, str], Any] = {}
        self.ban_until = 0.0
        self.window = SendWindow()
        self.revoked = False

    def user_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    def wake_poller(self) -> None:
        if self.poller is not None and not self.poller.done():
            self.poller.set_result(None)


class UpdateLog:
    """Recent updates by id with the moment each was first handed to a bot (for latency)."""

    def __init__(self, keep: int = 200_000) -> None:
        self.keep = keep
        self.updates: dict[int, PendingUpdate] = {}
        self.handed_at: dict[int, float] = {}
        self._order: deque[int] = deque()

    def add(self, update: PendingUpdate) -> None:
        self.updates[update.update_id] = update
        self._order.append(update.update_id)
        if len(self._order) > self.keep:
            old = self._order.popleft()
            self.updates.pop(old, None)
            self.handed_at.pop(old, None)

    def handed(self, update_id: int, at: float) -> None:
        self.handed_at.setdefault(update_id, at)
