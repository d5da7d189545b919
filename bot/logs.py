"""Logging for fairbot: text or JSON lines, update and user ids on each record, never tokens."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Literal

# Set by the update pipeline for the duration of one update, so every log line of that update says
# which update and which user it is about (and nothing more about the user).
update_id_var: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "update_id", default=None
)
user_id_var: contextvars.ContextVar[int | None] = contextvars.ContextVar("user_id", default=None)

# Anything shaped like a bot token, including inside Bot API URLs (".../bot<token>/sendMessage").
_TOKEN_SHAPE = re.compile(r"\d{3,}:[A-Za-z0-9_-]{20,}")
REDACTED = "<redacted>"
# Loggers that include query parameters (people's data) in their DEBUG lines.
PARAMETER_LOGGERS = ("aiosqlite", "sqlalchemy.engine", "asyncpg")


@contextmanager
def update_context(update_id: int | None, user_id: int | None) -> Iterator[None]:
    """Tag every log record emitted inside the block with this update and user."""
    update_token = update_id_var.set(update_id)
    user_token = user_id_var.set(user_id)
    try:
        yield
    finally:
        user_id_var.reset(user_token)
        update_id_var.reset(update_token)


class ContextFilter(logging.Filter):
    """Copies the update and user ids from the context onto each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.update_id = update_id_var.get()
        record.user_id = user_id_var.get()
        return True


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return _TOKEN_SHAPE.sub(REDACTED, text)


class TextFormatter(logging.Formatter):
    """Human-readable lines; the token never survives formatting, wherever it appeared."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s%(ids)s: %(message)s")
        self._secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        ids = []
        update_id = getattr(record, "update_id", None)
        user_id = getattr(record, "user_id", None)
        if update_id is not None:
            ids.append(f"update={update_id}")
        if user_id is not None:
            ids.append(f"user={user_id}")
        record.ids = f" [{' '.join(ids)}]" if ids else ""
        return redact(super().format(record), self._secrets)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self._secrets = secrets

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("update_id", "user_id"):
            value = getattr(record, key, None)
            if value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return redact(json.dumps(entry, ensure_ascii=False), self._secrets)


def setup_logging(
    level: str = "INFO",
    fmt: Literal["text", "json"] = "text",
    *,
    secrets: tuple[str, ...] = (),
    stream: Any = None,
) -> logging.Handler:
    """Route all logging to one stream handler (stderr by default); returns the handler."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter(secrets) if fmt == "json" else TextFormatter(secrets))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # aiogram logs every update at INFO; keep that for DEBUG runs only.
    quiet = logging.WARNING if level != "DEBUG" else logging.DEBUG
    logging.getLogger("aiogram.event").setLevel(quiet)
    logging.getLogger("alembic.runtime.plugins").setLevel(quiet)
    # These write SQL (aiosqlite with its parameters: phones, e-mails, names) at INFO and
    # DEBUG: never let them. SQLAlchemy echoes every statement once its logger allows INFO.
    for name in PARAMETER_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    return handler
