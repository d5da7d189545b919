"""Simulated Telegram users: they write to the bot, press its buttons and see what it sends."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.fakeapi.markup import command_entities
from bot.fakeapi.media import guess_mime, make_png
from bot.fakeapi.state import BotAccount, ChatState, StoredFile, StoredMessage

if TYPE_CHECKING:
    from bot.fakeapi.server import FakeTelegramServer


class NoReplyError(AssertionError):
    """The bot did not answer in time; the message says what the chat holds."""


@dataclass(frozen=True)
class InlineButton:
    text: str
    callback_data: str | None = None
    url: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class ReplyButton:
    text: str
    request_contact: bool = False
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class Attachment:
    """A file in a bot message, with its bytes."""

    kind: str  # document or photo
    file_id: str
    file_name: str | None
    mime_type: str | None
    content: bytes = field(repr=False)
    width: int | None = None
    height: int | None = None

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass(frozen=True)
class BotMessage:
    """A message from the bot as the user sees it at one moment (a snapshot)."""

    message_id: int
    chat_id: int
    kind: str  # text, document, photo, sticker, ...
    text: str | None  # plain text, entities removed
    caption: str | None
    entities: tuple[dict[str, Any], ...]
    source: str | None  # text or caption exactly as sent (HTML when parse_mode is HTML)
    parse_mode: str | None
    inline_keyboard: tuple[tuple[InlineButton, ...], ...]
    reply_markup: dict[str, Any] | None = field(repr=False)
    attachment: Attachment | None = field(repr=False)
    edited: bool
    raw: dict[str, Any] = field(repr=False)
    at: float = field(default=0.0, repr=False, compare=False)  # monotonic time it was seen

    @property
    def body(self) -> str:
        """Text or caption, whichever the message has."""
        return self.text if self.text is not None else (self.caption or "")

    @property
    def buttons(self) -> list[InlineButton]:
        return [button for row in self.inline_keyboard for button in row]

    @property
    def button_texts(self) -> list[str]:
        return [button.text for button in self.buttons]

    @property
    def document(self) -> Attachment | None:
        return self.attachment if self.kind == "document" else None

    @property
    def photo(self) -> Attachment | None:
        return self.attachment if self.kind == "photo" else None

    def __str__(self) -> str:
        shown = self.body if len(self.body) <= 60 else self.body[:57] + "..."
        extra = f" [{' | '.join(self.button_texts)}]" if self.inline_keyboard else ""
        if self.attachment is not None:
            extra += f" <{self.kind} {self.attachment.file_name or ''} {self.attachment.size} B>"
        return f"#{self.message_id}{' (edited)' if self.edited else ''}: {shown!r}{extra}"

    @classmethod
    def of(cls, stored: StoredMessage, files: dict[str, StoredFile], at: float = 0.0) -> BotMessage:
        data = stored.data
        kind = next(
            (k for k in ("text", "document", "photo", "sticker", "voice", "contact") if k in data),
            "other",
        )
        markup = data.get("reply_markup") or {}
        keyboard = tuple(
            tuple(InlineButton(b["text"], b.get("callback_data"), b.get("url"), b) for b in row)
            for row in markup.get("inline_keyboard", [])
        )
        attachment = None
        if kind in ("document", "photo"):
            info = data["document"] if kind == "document" else data["photo"][-1]
            file = files.get(info["file_id"])
            attachment = Attachment(
                kind,
                info["file_id"],
                info.get("file_name"),
                info.get("mime_type") or ("image/jpeg" if kind == "photo" else None),
                file.content if file else b"",
                info.get("width"),
                info.get("height"),
            )
        entities = data.get("entities") or data.get("caption_entities") or []
        return cls(
            message_id=data["message_id"],
            chat_id=data["chat"]["id"],
            kind=kind,
            text=data.get("text"),
            caption=data.get("caption"),
            entities=tuple(entities),
            source=stored.source,
            parse_mode=stored.parse_mode,
            inline_keyboard=keyboard,
            reply_markup=stored.reply_markup,
            attachment=attachment,
            edited="edit_date" in data,
            raw=dict(data),  # edits replace top-level keys: a shallow copy is a snapshot
            at=at,
        )


@dataclass(frozen=True)
class CallbackAnswer:
    """What the bot answered to a button press (answerCallbackQuery)."""

    text: str | None
    show_alert: bool
    url: str | None = None


@dataclass(frozen=True)
class Sent:
    """What a simulated user's action produced: the update and, for messages, its id."""

    update_id: int | None
    message_id: int | None = None


class SimUser:
    """A Telegram user in a private chat with the bot. Create with `server.user(...)`."""

    def __init__(
        self,
        server: FakeTelegramServer,
        account: BotAccount,
        user_id: int,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
        *,
        started: bool,
    ) -> None:
        self.server = server
        self.account = account
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.chat = ChatState(self, started=started)
        self._cursor = 0  # index into chat.events: what next_message() has consumed

    def __repr__(self) -> str:
        return f"SimUser({self.first_name!r}, id={self.id})"

    # -- Telegram objects ------------------------------------------------------------------

    def user_dict(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    def chat_dict(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name:
            chat["last_name"] = self.last_name
        if self.username:
            chat["username"] = self.username
        return chat

    # -- actions ---------------------------------------------------------------------------

    def _message(self, content: dict[str, Any]) -> Sent:
        chat = self.chat
        if chat.blocked:
            # Writing to a bot you blocked means pressing "Restart": Telegram unblocks it first.
            self._set_blocked(False)
        chat.started = True
        message_id = chat.next_message_id()
        data = {
            "message_id": message_id,
            "from": self.user_dict(),
            "chat": self.chat_dict(),
            "date": int(time.time()),
            **content,
        }
        chat.messages[message_id] = StoredMessage(data, from_bot=False)
        update_id = self.server.enqueue(self.account, "message", data, chat)
        return Sent(update_id, message_id)

    async def send(self, text: str) -> Sent:
        """Write `text` (commands too: "/start payload")."""
        content: dict[str, Any] = {"text": text}
        entities = command_entities(text)
        if entities:
            content["entities"] = entities
        return self._message(content)

    async def tap_reply_button(self, text: str) -> Sent:
        """Tap a reply-keyboard button (a request_contact button shares the contact)."""
        keyboard = self.reply_keyboard
        if keyboard is None:
            raise AssertionError(f"{self} has no reply keyboard to tap {text!r} on")
        for button in (b for row in keyboard for b in row):
            if button.text == text:
                if button.request_contact:
                    return await self.share_contact()
                return await self.send(text)
        texts = [b.text for row in keyboard for b in row]
        raise AssertionError(f"no reply button {text!r}; the keyboard has {texts}")

    async def share_contact(
        self, phone_number: str | None = None, *, first_name: str | None = None
    ) -> Sent:
        """Share the user's own contact, as the request_contact button does."""
        contact: dict[str, Any] = {
            "phone_number": phone_number or f"7701{self.id % 10_000_000:07d}",
            "first_name": first_name or self.first_name,
            "user_id": self.id,
        }
        if self.last_name:
            contact["last_name"] = self.last_name
        return self._message({"contact": contact})

    async def send_document(
        self,
        content: bytes,
        file_name: str = "document.pdf",
        mime_type: str | None = None,
        *,
        caption: str | None = None,
    ) -> Sent:
        stored = self.server.add_file(
            "document", content, file_name, mime_type or guess_mime(file_name)
        )
        message: dict[str, Any] = {
            "document": {
                "file_name": file_name,
                "mime_type": stored.mime_type,
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": stored.size,
            }
        }
        if caption:
            message["caption"] = caption
        return self._message(message)

    async def send_photo(self, content: bytes | None = None, *, caption: str | None = None) -> Sent:
        sizes = self.server.add_photo(content if content is not None else make_png())
        message: dict[str, Any] = {"photo": sizes}
        if caption:
            message["caption"] = caption
        return self._message(message)

    async def send_sticker(self, emoji: str = "👍") -> Sent:
        stored = self.server.add_file("sticker", make_png(512, 512), None, "image/webp")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": stored.size,
        }
        return self._message({"sticker": sticker})

    async def send_voice(self, duration: int = 3) -> Sent:
        stored = self.server.add_file("voice", b"OggS" + bytes(200), None, "audio/ogg")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": stored.size,
        }
        return self._message({"voice": voice})

    async def press(
        self,
        button: str | int | InlineButton | None = None,
        *,
        data: str | None = None,
        message: BotMessage | int | None = None,
        timeout: float | None = None,
    ) -> CallbackAnswer:
        """Press an inline button and return the bot's answerCallbackQuery.

        `button` is the visible text, a 0-based index into the message's buttons (row by row)
        or an InlineButton; `data=` sends raw callback data instead (to forge it). The message is
        the newest bot message with an inline keyboard unless `message` says which.
        """
        target = self._keyboard_message(message, need_keyboard=data is None)
        if data is None:
            chosen = self._find_button(target, button)
            if chosen.callback_data is None:
                raise AssertionError(f"button {chosen.text!r} has no callback_data: {chosen.raw}")
            data = chosen.callback_data
        if self.chat.blocked:
            self._set_blocked(False)
        query = self.server.new_callback_query(self, target, data)
        wait = self.server.timings.callback_answer_timeout if timeout is None else timeout
        try:
            return await asyncio.wait_for(asyncio.shield(query.answer), wait)
        except TimeoutError:
            raise NoReplyError(
                f"the bot did not answer callback query {query.id} (data={data!r}) within "
                f"{wait} s; Telegram would keep showing a spinner\n{self.describe_chat()}"
            ) from None

    def _keyboard_message(
        self, message: BotMessage | int | None, *, need_keyboard: bool
    ) -> BotMessage:
        if isinstance(message, BotMessage):
            message = message.message_id
        current = self.messages
        if message is not None:
            for candidate in current:
                if candidate.message_id == message:
                    return candidate
            raise AssertionError(f"message #{message} is not in the chat (deleted?)")
        for candidate in reversed(current):
            if candidate.inline_keyboard:
                return candidate
        if not need_keyboard and current:
            return current[-1]
        raise AssertionError(f"no bot message with inline buttons\n{self.describe_chat()}")

    @staticmethod
    def _find_button(message: BotMessage, button: str | int | InlineButton | None) -> InlineButton:
        buttons = message.buttons
        if isinstance(button, InlineButton):
            return button
        if isinstance(button, int):
            if not 0 <= button < len(buttons):
                raise AssertionError(f"no button #{button} in {message}")
            return buttons[button]
        for candidate in buttons:
            if candidate.text == button:
                return candidate
        raise AssertionError(f"no button {button!r} in message {message}")

    def _set_blocked(self, blocked: bool) -> None:
        chat = self.chat
        if chat.blocked == blocked:
            return
        chat.blocked = blocked
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        bot = self.account.user_dict()
        old_member: dict[str, Any] = {"user": bot, "status": old}
        new_member: dict[str, Any] = {"user": bot, "status": new}
        for member in (old_member, new_member):
            if member["status"] == "kicked":
                member["until_date"] = 0
        update = {
            "chat": self.chat_dict(),
            "from": self.user_dict(),
            "date": int(time.time()),
            "old_chat_member": old_member,
            "new_chat_member": new_member,
        }
        self.server.enqueue(self.account, "my_chat_member", update, chat)

    async def block(self) -> None:
        """Block the bot: its sends answer 403 and it gets a my_chat_member update (kicked)."""
        self._set_blocked(True)

    async def unblock(self) -> None:
        """Unblock the bot (my_chat_member: member)."""
        self._set_blocked(False)

    async def deactivate(self) -> None:
        """Delete the account: the bot's sends answer 403 "user is deactivated"."""
        self.chat.deactivated = True

    # -- what the user sees --------------------------------------------------------------

    @property
    def messages(self) -> list[BotMessage]:
        """The bot's messages in this chat as they are now (after edits and deletions)."""
        files = self.server.files
        return [BotMessage.of(m, files) for m in self.chat.messages.values() if m.from_bot]

    @property
    def last_message(self) -> BotMessage | None:
        for stored in reversed(self.chat.messages.values()):
            if stored.from_bot:
                return BotMessage.of(stored, self.server.files)
        return None

    @property
    def reply_keyboard(self) -> list[list[ReplyButton]] | None:
        markup = self.chat.reply_keyboard
        if markup is None:
            return None
        return [
            [
                ReplyButton(b, False, {"text": b})
                if isinstance(b, str)
                else ReplyButton(b["text"], bool(b.get("request_contact")), b)
                for b in row
            ]
            for row in markup["keyboard"]
        ]

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return [e.answer for e in self.chat.events if e.answer is not None]

    async def wait_for_message(
        self,
        predicate: Callable[[BotMessage], bool] | None = None,
        *,
        timeout: float | None = None,
    ) -> BotMessage:
        """The next new or edited bot message not yet consumed (matching `predicate`).

        Messages are consumed in order, like reading a stream: ones that do not match the
        predicate are skipped for good.
        """
        wait = self.server.timings.reply_timeout if timeout is None else timeout
        deadline = time.monotonic() + wait
        events = self.chat.events
        while True:
            while self._cursor < len(events):
                event = events[self._cursor]
                self._cursor += 1
                message = event.message if event.kind in ("new", "edited") else None
                if message is not None and (predicate is None or predicate(message)):
                    return message
            left = deadline - time.monotonic()
            if left <= 0:
                what = "matching message" if predicate else "message"
                raise NoReplyError(
                    f"{self} got no new bot {what} within {wait} s\n{self.describe_chat()}"
                )
            await self.chat.changed(left)

    async def next_message(self, *, timeout: float | None = None) -> BotMessage:
        return await self.wait_for_message(timeout=timeout)

    def drain(self) -> list[BotMessage]:
        """Consume and return the bot messages that arrived so far."""
        out = []
        events = self.chat.events
        while self._cursor < len(events):
            event = events[self._cursor]
            self._cursor += 1
            if event.kind in ("new", "edited") and event.message is not None:
                out.append(event.message)
        return out

    def describe_chat(self, last: int = 8) -> str:
        """The end of the chat, both sides, for error messages."""
        lines = [f"chat with {self.first_name} (id {self.id}), last {last} messages:"]
        stored = list(self.chat.messages.values())[-last:]
        if not stored:
            lines.append("  (empty)")
        for message in stored:
            if message.from_bot:
                lines.append(f"  bot  {BotMessage.of(message, self.server.files)}")
            else:
                data = message.data
                shown = data.get("text") or next(
                    (
                        f"<{k}>"
                        for k in ("contact", "document", "photo", "sticker", "voice")
                        if k in data
                    ),
                    "<message>",
                )
                lines.append(f"  user #{data['message_id']}: {shown!r}")
        flags = [name for name in ("blocked", "deactivated") if getattr(self.chat, name)]
        if flags:
            lines.append(f"  ({', '.join(flags)})")
        return "\n".join(lines)
