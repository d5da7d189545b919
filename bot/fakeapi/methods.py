"""The Bot API methods of the fake server, validated and answered the way Telegram does."""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from bot.fakeapi.errors import (
    BLOCKED,
    CANT_INITIATE,
    DEACTIVATED,
    ApiError,
    bad_request,
    chat_not_found,
)
from bot.fakeapi.markup import caption_text, message_text
from bot.fakeapi.media import guess_mime, image_size
from bot.fakeapi.recording import Upload
from bot.fakeapi.state import (
    DEFAULT_UPDATE_TYPES,
    BotAccount,
    ChatState,
    StoredFile,
    StoredMessage,
    WebhookConfig,
)

if TYPE_CHECKING:
    from bot.fakeapi.server import FakeTelegramServer

MAX_UPLOAD = 50 * 1024 * 1024
MAX_DOWNLOAD = 20 * 1024 * 1024
MAX_PHOTO = 10 * 1024 * 1024
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
_LOOPBACK_HOSTS = ("localhost", "::1")
_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Message fields that carry its content, copied by copyMessage and forwardMessage.
_CONTENT_KEYS = (
    "text",
    "entities",
    "caption",
    "caption_entities",
    "document",
    "photo",
    "sticker",
    "voice",
    "audio",
    "video",
    "animation",
    "contact",
    "location",
)
_MEDIA_KEYS = ("document", "photo", "voice", "audio", "video", "animation")
_INLINE_ACTIONS = (
    "callback_data",
    "url",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


@dataclass
class Described:
    """A result that Telegram answers with a `description` beside it (setWebhook and friends)."""

    result: Any
    description: str


class Params:
    """Request parameters from a JSON, urlencoded or multipart body, decoded on demand."""

    def __init__(self, values: dict[str, Any], files: dict[str, Upload]) -> None:
        self.values = values
        self.files = files

    def raw(self, name: str) -> Any:
        return self.values.get(name)

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None:
            return None
        return value if isinstance(value, str) else str(value)

    def integer(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return int(value)
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.lower() in ("true", "1")
        return bool(value)

    def json(self, name: str) -> Any:
        value = self.values.get(name)
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
            # Decoded in place: the recorded request then shows objects, not JSON strings.
            self.values[name] = value
        return value

    def file(self, name: str) -> Upload | str | None:
        if name in self.files:
            return self.files[name]
        value = self.text(name)
        if value and value.startswith("attach://"):
            upload = self.files.get(value.removeprefix("attach://"))
            if upload is None:
                raise bad_request(f"wrong file identifier/HTTP URL specified ({name})")
            return upload
        return value


def is_loopback_url(url: str) -> bool:
    """Whether a URL points at this machine (the only place deliveries may go)."""
    host = urlsplit(url).hostname or ""
    return host in _LOOPBACK_HOSTS or host.startswith("127.")


def check_markup(markup: Any) -> dict[str, Any] | None:
    """Validate reply_markup like Telegram; return it as stored, or None when absent."""
    if markup is None or markup == "":
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request("can't parse inline keyboard markup JSON object")
        for row in rows:
            for button in row:
                _check_inline_button(button)
        return {"inline_keyboard": rows}
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request("can't parse keyboard markup JSON object")
        for row in rows:
            for button in row:
                text = button.get("text") if isinstance(button, dict) else button
                if not isinstance(text, str):
                    raise bad_request(
                        'can\'t parse keyboard button: Field "text" must be of type String'
                    )
        return markup
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return markup
    raise bad_request("can't parse reply keyboard markup JSON object")


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict):
        raise bad_request(
            "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
        )
    if not isinstance(button.get("text"), str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    actions = [key for key in _INLINE_ACTIONS if key in button]
    if not actions:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https", "tg") or not parts.netloc:
            raise bad_request("BUTTON_URL_INVALID")


def scope_key(scope: Any) -> str:
    """A BotCommandScope as a dictionary key."""
    if scope is None:
        return "default"
    if not isinstance(scope, dict) or "type" not in scope:
        raise bad_request("can't parse BotCommandScope JSON object")
    kind = scope["type"]
    if kind in ("default", "all_private_chats", "all_group_chats", "all_chat_administrators"):
        return str(kind)
    if kind in ("chat", "chat_administrators"):
        return f"{kind}:{scope.get('chat_id')}"
    if kind == "chat_member":
        return f"chat_member:{scope.get('chat_id')}:{scope.get('user_id')}"
    raise bad_request("unsupported bot command scope type")


class BotApi:
    """One method per Bot API method, named exactly as Telegram names it."""

    METHODS = (
        "getMe",
        "logOut",
        "close",
        "getUpdates",
        "setWebhook",
        "deleteWebhook",
        "getWebhookInfo",
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendChatAction",
        "copyMessage",
        "forwardMessage",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "deleteMessage",
        "deleteMessages",
        "answerCallbackQuery",
        "getFile",
        "setMyCommands",
        "getMyCommands",
        "deleteMyCommands",
        "setMyName",
        "getMyName",
        "setMyDescription",
        "getMyDescription",
        "setMyShortDescription",
        "getMyShortDescription",
        "setChatMenuButton",
        "getChatMenuButton",
        "getChat",
        "getChatMember",
        "getUserProfilePhotos",
    )

    def __init__(self, server: FakeTelegramServer) -> None:
        self.server = server
        self.by_lower = {name.lower(): name for name in self.METHODS}

    # -- bot and updates ----------------------------------------------------------------

    async def getMe(self, a: BotAccount, p: Params) -> Any:
        return {
            **a.user_dict(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def logOut(self, a: BotAccount, p: Params) -> Any:
        return True

    async def close(self, a: BotAccount, p: Params) -> Any:
        return True

    async def getUpdates(self, a: BotAccount, p: Params) -> Any:
        if a.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = p.integer("offset", 0) or 0
        limit = min(max(p.integer("limit", 100) or 100, 1), 100)
        timeout = max(p.integer("timeout", 0) or 0, 0)
        self._set_allowed_updates(a, p.json("allowed_updates"))
        if a.poller is not None and not a.poller.done():
            a.poller.set_exception(
                ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            )
        a.polled.set()
        self._confirm(a, offset)
        batch = self._take(a, limit)
        if batch or timeout == 0:
            return batch
        poller: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        a.poller = poller
        try:
            await asyncio.wait_for(poller, min(timeout, self.server.timings.max_poll_timeout))
        except TimeoutError:
            return []
        finally:
            if a.poller is poller:
                a.poller = None
        return self._take(a, limit)

    def _set_allowed_updates(self, a: BotAccount, allowed: Any) -> None:
        if allowed is None:
            return  # Telegram keeps the previous setting
        if not isinstance(allowed, list):
            raise bad_request("can't parse allowed_updates JSON array")
        a.allowed_updates = frozenset(allowed) if allowed else DEFAULT_UPDATE_TYPES
        a.allowed_updates_list = list(allowed) or None

    @staticmethod
    def _confirm(a: BotAccount, offset: int) -> None:
        pending = a.pending
        if offset < 0:
            keep = list(pending)[offset:]
            for update_id in list(pending):
                if update_id not in keep:
                    del pending[update_id]
            return
        while pending:
            first = next(iter(pending))
            if first >= offset:
                break
            del pending[first]

    def _take(self, a: BotAccount, limit: int) -> list[dict[str, Any]]:
        batch = list(islice(a.pending.values(), limit))
        now = time.monotonic()
        for update in batch:
            self.server.update_log.handed(update.update_id, now)
        return [update.payload for update in batch]

    async def setWebhook(self, a: BotAccount, p: Params) -> Any:
        url = p.text("url") or ""
        if not url:
            return await self.deleteWebhook(a, p)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise bad_request("bad webhook: invalid webhook URL specified")
        # Deliveries must never leave this machine: only loopback hosts resolve here.
        if not is_loopback_url(url):
            raise bad_request(f"bad webhook: Failed to resolve host: {parts.hostname}")
        secret = p.text("secret_token")
        if secret is not None and not _SECRET_TOKEN.fullmatch(secret):
            raise bad_request("bad webhook: secret token contains unallowed characters")
        max_connections = p.integer("max_connections", 40) or 40
        if not 1 <= max_connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        self._set_allowed_updates(a, p.json("allowed_updates"))
        if p.flag("drop_pending_updates"):
            a.pending.clear()
        same = a.webhook is not None and a.webhook.url == url
        a.webhook = WebhookConfig(url, secret, max_connections, a.allowed_updates_list)
        if a.poller is not None and not a.poller.done():
            a.poller.set_exception(ApiError(409, "Conflict: terminated by setWebhook request"))
        self.server.start_webhook(a)
        return Described(True, "Webhook is already set" if same else "Webhook was set")

    async def deleteWebhook(self, a: BotAccount, p: Params) -> Any:
        if p.flag("drop_pending_updates"):
            a.pending.clear()
        if a.webhook is None:
            return Described(True, "Webhook is already deleted")
        a.webhook = None
        a.last_error_date = a.last_error_message = None
        self.server.stop_webhook(a)
        return Described(True, "Webhook was deleted")

    async def getWebhookInfo(self, a: BotAccount, p: Params) -> Any:
        info: dict[str, Any] = {
            "url": a.webhook.url if a.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(a.pending),
        }
        if a.webhook is not None:
            info["max_connections"] = a.webhook.max_connections
            info["ip_address"] = "127.0.0.1"
            if a.webhook.allowed_updates:
                info["allowed_updates"] = a.webhook.allowed_updates
            if a.last_error_date is not None:
                info["last_error_date"] = a.last_error_date
                info["last_error_message"] = a.last_error_message
        return info

    # -- chats and messages -----------------------------------------------------------

    def _chat(self, a: BotAccount, p: Params, name: str = "chat_id") -> ChatState:
        raw = p.raw(name)
        if raw is None or raw == "":
            raise bad_request(f"{name} is empty")
        try:
            chat_id = int(raw)
        except (TypeError, ValueError):
            raise chat_not_found() from None
        chat = a.chats.get(chat_id)
        if chat is None:
            raise chat_not_found()
        return chat

    @staticmethod
    def _writable(chat: ChatState) -> None:
        if chat.deactivated:
            raise ApiError(403, DEACTIVATED)
        if chat.blocked:
            raise ApiError(403, BLOCKED)
        if not chat.started:
            raise ApiError(403, CANT_INITIATE)

    def _reply_to(self, chat: ChatState, p: Params) -> dict[str, Any] | None:
        reply = p.json("reply_parameters")
        message_id = reply.get("message_id") if isinstance(reply, dict) else None
        allow = bool(reply.get("allow_sending_without_reply")) if isinstance(reply, dict) else False
        if message_id is None:
            message_id = p.integer("reply_to_message_id")
            allow = p.flag("allow_sending_without_reply")
        if message_id is None:
            return None
        target = chat.messages.get(int(message_id))
        if target is None:
            if allow:
                return None
            raise bad_request("message to be replied not found")
        return {k: v for k, v in target.data.items() if k != "reply_to_message"}

    def _store(
        self,
        a: BotAccount,
        chat: ChatState,
        content: dict[str, Any],
        *,
        source: str | None,
        parse_mode: str | None,
        markup: dict[str, Any] | None,
        reply_to: dict[str, Any] | None,
    ) -> dict[str, Any]:
        message_id = chat.next_message_id()
        data: dict[str, Any] = {
            "message_id": message_id,
            "from": a.user_dict(),
            "chat": chat.user.chat_dict(),
            "date": int(time.time()),
        }
        if reply_to is not None:
            data["reply_to_message"] = reply_to
        data.update(content)
        if markup is not None and "inline_keyboard" in markup:
            data["reply_markup"] = markup
        stored = StoredMessage(data, True, source, parse_mode, markup)
        chat.messages[message_id] = stored
        if markup is not None:
            if "keyboard" in markup:
                chat.reply_keyboard = markup
            elif markup.get("remove_keyboard"):
                chat.reply_keyboard = None
        self.server.chat_event(chat, "new", stored)
        return data

    async def sendMessage(self, a: BotAccount, p: Params) -> Any:
        chat = self._chat(a, p)
        self._writable(chat)
        source, parse_mode = p.text("text"), p.text("parse_mode")
        parsed = message_text(source, parse_mode, p.json("entities"))
        markup = check_markup(p.json("reply_markup"))
        reply_to = self._reply_to(chat, p)
        content: dict[str, Any] = {"text": parsed.text}
        if parsed.entities:
            content["entities"] = parsed.entities
        preview = p.json("link_preview_options")
        if isinstance(preview, dict) and preview:
            content["link_preview_options"] = preview
        return self._store(
            a, chat, content, source=source, parse_mode=parse_mode, markup=markup, reply_to=reply_to
        )

    def _caption(self, p: Params) -> tuple[dict[str, Any], str | None]:
        source = p.text("caption")
        parsed = caption_text(source, p.text("parse_mode"), p.json("caption_entities"))
        content: dict[str, Any] = {}
        if parsed is not None:
            content["caption"] = parsed.text
            if parsed.entities:
                content["caption_entities"] = parsed.entities
        return content, source

    def _existing_file(self, file_id: str, kind: str) -> StoredFile:
        stored = self.server.files.get(file_id)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request(
                f"can't use file of type {stored.kind.capitalize()} as {kind.capitalize()}"
            )
        return stored

    async def sendDocument(self, a: BotAccount, p: Params) -> Any:
        chat = self._chat(a, p)
        self._writable(chat)
        given = p.file("document")
        caption, source = self._caption(p)
        markup = check_markup(p.json("reply_markup"))
        reply_to = self._reply_to(chat, p)
        if isinstance(given, Upload):
            if given.size > MAX_UPLOAD:
                raise ApiError(413, "Request Entity Too Large")
            if given.size == 0:
                raise bad_request("file must be non-empty")
            name = given.filename or "document"
            stored = self.server.add_file("document", given.content, name, guess_mime(name))
        elif given:
            stored = self._existing_file(given, "document")
        else:
            raise bad_request("there is no document in the request")
        document = {
            "file_name": stored.file_name,
            "mime_type": stored.mime_type,
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
        }
        return self._store(
            a,
            chat,
            {"document": document, **caption},
            source=source,
            parse_mode=p.text("parse_mode"),
            markup=markup,
            reply_to=reply_to,
        )

    async def sendPhoto(self, a: BotAccount, p: Params) -> Any:
        chat = self._chat(a, p)
        self._writable(chat)
        given = p.file("photo")
        caption, source = self._caption(p)
        markup = check_markup(p.json("reply_markup"))
        reply_to = self._reply_to(chat, p)
        if isinstance(given, Upload):
            sizes = self.server.add_photo(given.content)
        elif given:
            stored = self._existing_file(given, "photo")
            sizes = self.server.photo_sizes_of(stored)
        else:
            raise bad_request("there is no photo in the request")
        return self._store(
            a,
            chat,
            {"photo": sizes, **caption},
            source=source,
            parse_mode=p.text("parse_mode"),
            markup=markup,
            reply_to=reply_to,
        )

    async def sendChatAction(self, a: BotAccount, p: Params) -> Any:
        chat = self._chat(a, p)
        self._writable(chat)
        if p.text("action") not in _CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        return True

    def _source_message(self, a: BotAccount, p: Params, what: str) -> StoredMessage:
        source_chat = self._chat(a, p, "from_chat_id")
        message_id = p.integer("message_id")
        stored = source_chat.messages.get(message_id) if message_id is not None else None
        if stored is None:
            raise bad_request(f"message to {what} not found")
        return stored

    async def copyMessage(self, a: BotAccount, p: Params) -> Any:
        chat = self._chat(a, p)
        self._writable(chat)
        original = self._source_message(a, p, "copy")
        content = {k: original.data[k] for k in _CONTENT_KEYS if k in original.data}
        source = original.source
        if p.raw("caption") is not None and any(k in content for k in _MEDIA_KEYS):
            content.pop("caption", None)
            content.pop("caption_entities", None)
            caption, source = self._caption(p)
            content.update(caption)
        markup = check_markup(p.json("reply_markup"))
        reply_to = self._reply_to(chat, p)
        data = self._store(
            a,
            chat,
            content,
            source=source,
            parse_mode=p.text("parse_mode") or original.parse_mode,
            markup=markup,
            reply_to=reply_to,
        )
        return {"message_id": data["message_id"]}

    async def forwardMessage(self, a: BotAccount, p: Params) -> Any:
        chat = self._chat(a, p)
        self._writable(chat)
        original = self._source_message(a, p, "forward")
        content = {k: original.data[k] for k in _CONTENT_KEYS if k in original.data}
        content["forward_origin"] = {
            "type": "user",
            "sender_user": original.data["from"],
            "date": original.data["date"],
        }
        return self._store(
            a,
            chat,
            content,
            source=original.source,
            parse_mode=original.parse_mode,
            markup=None,
            reply_to=None,
        )

    def _message_to_edit(self, a: BotAccount, p: Params) -> tuple[ChatState, StoredMessage]:
        if p.raw("inline_message_id") is not None:
            raise bad_request("MESSAGE_ID_INVALID")
        chat = self._chat(a, p)
        message_id = p.integer("message_id")
        if message_id is None:
            raise bad_request("message identifier is not specified")
        stored = chat.messages.get(message_id)
        if stored is None:
            raise bad_request("message to edit not found")
        if not stored.from_bot:
            raise bad_request("message can't be edited")
        self._writable(chat)
        return chat, stored

    @staticmethod
    def _inline_only(markup: dict[str, Any] | None) -> dict[str, Any] | None:
        if markup is not None and "inline_keyboard" not in markup:
            raise bad_request("inline keyboard expected")
        return markup

    def _apply_edit(
        self, chat: ChatState, stored: StoredMessage, changes: dict[str, Any], keys: tuple[str, ...]
    ) -> dict[str, Any]:
        data = stored.data
        if all(changes.get(k) == data.get(k) for k in keys):
            raise bad_request(_NOT_MODIFIED)
        for key in keys:
            if changes.get(key) is None:
                data.pop(key, None)
            else:
                data[key] = changes[key]
        stored.reply_markup = data.get("reply_markup")
        data["edit_date"] = int(time.time())
        self.server.chat_event(chat, "edited", stored)
        return data

    async def editMessageText(self, a: BotAccount, p: Params) -> Any:
        chat, stored = self._message_to_edit(a, p)
        if "text" not in stored.data:
            raise bad_request("there is no text in the message to edit")
        source, parse_mode = p.text("text"), p.text("parse_mode")
        parsed = message_text(source, parse_mode, p.json("entities"))
        markup = self._inline_only(check_markup(p.json("reply_markup")))
        changes = {"text": parsed.text, "entities": parsed.entities or None, "reply_markup": markup}
        data = self._apply_edit(chat, stored, changes, ("text", "entities", "reply_markup"))
        stored.source, stored.parse_mode = source, parse_mode
        return data

    async def editMessageCaption(self, a: BotAccount, p: Params) -> Any:
        chat, stored = self._message_to_edit(a, p)
        if not any(k in stored.data for k in _MEDIA_KEYS):
            raise bad_request("there is no caption in the message to edit")
        caption, source = self._caption(p)
        markup = self._inline_only(check_markup(p.json("reply_markup")))
        changes = {**caption, "reply_markup": markup}
        keys = ("caption", "caption_entities", "reply_markup")
        data = self._apply_edit(chat, stored, changes, keys)
        stored.source, stored.parse_mode = source, p.text("parse_mode")
        return data

    async def editMessageReplyMarkup(self, a: BotAccount, p: Params) -> Any:
        chat, stored = self._message_to_edit(a, p)
        markup = self._inline_only(check_markup(p.json("reply_markup")))
        return self._apply_edit(chat, stored, {"reply_markup": markup}, ("reply_markup",))

    async def deleteMessage(self, a: BotAccount, p: Params) -> Any:
        chat = self._chat(a, p)
        message_id = p.integer("message_id")
        if message_id is None or message_id not in chat.messages:
            raise bad_request("message to delete not found")
        self.server.chat_event(chat, "deleted", chat.messages.pop(message_id))
        return True

    async def deleteMessages(self, a: BotAccount, p: Params) -> Any:
        chat = self._chat(a, p)
        ids = p.json("message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise bad_request("message_ids must be a list of 1-100 identifiers")
        for message_id in ids:
            stored = chat.messages.pop(int(message_id), None)
            if stored is not None:
                self.server.chat_event(chat, "deleted", stored)
        return True

    async def answerCallbackQuery(self, a: BotAccount, p: Params) -> Any:
        query_id = p.text("callback_query_id") or ""
        query = a.callback_queries.pop(query_id, None)
        if query is None:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        text = p.text("text")
        if text is not None and len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self.server.callback_answered(query, text, p.flag("show_alert"), p.text("url"))
        return True

    # -- files ---------------------------------------------------------------------------

    async def getFile(self, a: BotAccount, p: Params) -> Any:
        stored = self.server.files.get(p.text("file_id") or "")
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.size > MAX_DOWNLOAD:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    # -- commands and profile -------------------------------------------------------------

    @staticmethod
    def _commands_key(p: Params) -> tuple[str, str]:
        language = p.text("language_code") or ""
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise bad_request("invalid language code specified")
        return scope_key(p.json("scope")), language

    async def setMyCommands(self, a: BotAccount, p: Params) -> Any:
        commands = p.json("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON array")
        for command in commands:
            if not isinstance(command, dict) or not _COMMAND.fullmatch(str(command.get("command"))):
                raise bad_request("BOT_COMMAND_INVALID")
            description = command.get("description")
            if not isinstance(description, str) or not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(p)
        stored = [{"command": c["command"], "description": c["description"]} for c in commands]
        if stored:
            a.commands[key] = stored
        else:
            a.commands.pop(key, None)
        return True

    async def getMyCommands(self, a: BotAccount, p: Params) -> Any:
        return a.commands.get(self._commands_key(p), [])

    async def deleteMyCommands(self, a: BotAccount, p: Params) -> Any:
        a.commands.pop(self._commands_key(p), None)
        return True

    def _set_profile(self, a: BotAccount, p: Params, field: str, limit: int) -> Any:
        value = p.text(field) or ""
        if len(value) > limit:
            raise bad_request(f"{field} is too long")
        a.profile[(field, p.text("language_code") or "")] = value
        return True

    def _get_profile(self, a: BotAccount, p: Params, field: str) -> Any:
        language = p.text("language_code") or ""
        value = a.profile.get((field, language), a.profile.get((field, ""), ""))
        if field == "name" and not value:
            value = a.first_name
        return {field: value}

    async def setMyName(self, a: BotAccount, p: Params) -> Any:
        return self._set_profile(a, p, "name", 64)

    async def getMyName(self, a: BotAccount, p: Params) -> Any:
        return self._get_profile(a, p, "name")

    async def setMyDescription(self, a: BotAccount, p: Params) -> Any:
        return self._set_profile(a, p, "description", 512)

    async def getMyDescription(self, a: BotAccount, p: Params) -> Any:
        return self._get_profile(a, p, "description")

    async def setMyShortDescription(self, a: BotAccount, p: Params) -> Any:
        return self._set_profile(a, p, "short_description", 120)

    async def getMyShortDescription(self, a: BotAccount, p: Params) -> Any:
        return self._get_profile(a, p, "short_description")

    async def setChatMenuButton(self, a: BotAccount, p: Params) -> Any:
        button = p.json("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "default",
            "commands",
            "web_app",
        ):
            raise bad_request("can't parse menu button JSON object")
        a.profile[("menu_button", p.text("chat_id") or "")] = button
        return True

    async def getChatMenuButton(self, a: BotAccount, p: Params) -> Any:
        chat = p.text("chat_id") or ""
        return a.profile.get(
            ("menu_button", chat), a.profile.get(("menu_button", ""), {"type": "default"})
        )

    # -- chat information -----------------------------------------------------------------

    async def getChat(self, a: BotAccount, p: Params) -> Any:
        chat = self._chat(a, p)
        return {
            **chat.user.chat_dict(),
            "accent_color_id": chat.id % 7,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": True,
                "limited_gifts": True,
                "unique_gifts": True,
                "premium_subscription": True,
                "gifts_from_channels": True,
            },
        }

    async def getChatMember(self, a: BotAccount, p: Params) -> Any:
        chat = self._chat(a, p)
        user_id = p.integer("user_id")
        if user_id == chat.id:
            return {"status": "member", "user": chat.user.user_dict()}
        if user_id == a.id:
            if chat.blocked:
                return {"status": "kicked", "user": a.user_dict(), "until_date": 0}
            return {"status": "member", "user": a.user_dict()}
        raise bad_request("user not found")

    async def getUserProfilePhotos(self, a: BotAccount, p: Params) -> Any:
        user_id = p.integer("user_id")
        if user_id is None or user_id not in a.chats:
            raise bad_request("user not found")
        return {"total_count": 0, "photos": []}


def photo_limits(content: bytes) -> tuple[int, int]:
    """Check an uploaded photo like Telegram; return its width and height."""
    if len(content) > MAX_PHOTO:
        raise bad_request("PHOTO_INVALID_DIMENSIONS")
    size = image_size(content)
    if size is None:
        raise bad_request("IMAGE_PROCESS_FAILED")
    width, height = size
    if (
        width < 1
        or height < 1
        or width + height > 10000
        or max(width, height) > 20 * min(width, height)
    ):
        raise bad_request("PHOTO_INVALID_DIMENSIONS")
    return width, height
