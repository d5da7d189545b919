"""Builds realistic Telegram updates for tests that feed the dispatcher directly."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from aiogram.types import Update


class UpdateFactory:
    """Update ids increase across calls, like Telegram's. Users are private chats by default."""

    def __init__(self, first_update_id: int = 100_000, user_id: int = 5_000_001) -> None:
        self._ids = itertools.count(first_update_id)
        self._message_ids = itertools.count(1)
        self.user_id = user_id

    def _user(self, user_id: int | None, language_code: str | None) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": user_id or self.user_id,
            "is_bot": False,
            "first_name": "Aigerim",
        }
        if language_code:
            user["language_code"] = language_code
        return user

    def message(
        self,
        text: str,
        *,
        user_id: int | None = None,
        language_code: str | None = "en",
        chat_type: str = "private",
        update_id: int | None = None,
    ) -> Update:
        user = self._user(user_id, language_code)
        chat = {"id": user["id"], "type": chat_type}
        if chat_type != "private":
            chat = {"id": -1000 - user["id"], "type": chat_type, "title": "Fair chat"}
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(datetime(2025, 10, 1, tzinfo=UTC).timestamp()),
            "chat": chat,
            "from": user,
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return Update.model_validate(
            {"update_id": update_id or next(self._ids), "message": message}
        )

    def callback(
        self,
        data: str,
        *,
        user_id: int | None = None,
        language_code: str | None = "en",
        update_id: int | None = None,
    ) -> Update:
        user = self._user(user_id, language_code)
        return Update.model_validate(
            {
                "update_id": update_id or next(self._ids),
                "callback_query": {
                    "id": f"cb{next(self._message_ids)}",
                    "from": user,
                    "chat_instance": "ci-1",
                    "data": data,
                    "message": {
                        "message_id": next(self._message_ids),
                        "date": int(datetime(2025, 10, 1, tzinfo=UTC).timestamp()),
                        "chat": {"id": user["id"], "type": "private"},
                        "text": "an earlier message",
                    },
                },
            }
        )

    def chat_member(
        self, old: str, new: str, *, user_id: int | None = None, update_id: int | None = None
    ) -> Update:
        user = self._user(user_id, "en")
        bot_user = {"id": 123456789, "is_bot": True, "first_name": "Fairbot"}

        def member(status: str) -> dict[str, Any]:
            extra = {"until_date": 0} if status == "kicked" else {}
            return {"status": status, "user": bot_user, **extra}

        return Update.model_validate(
            {
                "update_id": update_id or next(self._ids),
                "my_chat_member": {
                    "chat": {"id": user["id"], "type": "private"},
                    "from": user,
                    "date": int(datetime(2025, 10, 1, tzinfo=UTC).timestamp()),
                    "old_chat_member": member(old),
                    "new_chat_member": member(new),
                },
            }
        )
