"""Bot API errors as Telegram answers them: HTTP status equals error_code."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error answer of the fake Bot API; `retry_after` adds Telegram's `parameters` object."""

    def __init__(self, code: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


def chat_not_found() -> ApiError:
    return ApiError(400, "Bad Request: chat not found")


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


BLOCKED = "Forbidden: bot was blocked by the user"
DEACTIVATED = "Forbidden: user is deactivated"
CANT_INITIATE = "Forbidden: bot can't initiate conversation with a user"


def not_found() -> ApiError:
    return ApiError(404, "Not Found")
