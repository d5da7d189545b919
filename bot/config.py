"""Settings of a fairbot process, from the environment and `.env`; one clear line per bad one."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

TELEGRAM_API_URL = "https://api.telegram.org"
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///var/fairbot.sqlite3"
WEBHOOK_PATH = "/telegram/webhook"
FREE_DELIVERY_RATE = 30.0  # messages per second Telegram allows a bot without paid broadcasts

_TOKEN_RE = re.compile(r"\d+:[A-Za-z0-9_-]+")
_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
_BOTFATHER = (
    "create a bot with @BotFather (https://t.me/BotFather), "
    "then put BOT_TOKEN=<token> in .env or the environment"
)


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line meant for the operator."""


class DatabaseSettings(BaseSettings):
    """What the `fairbot db` commands need: only where the database is."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    database_url: str = DEFAULT_DATABASE_URL

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise PydanticCustomError("database_driver", "malformed")
        return value


class ReportSettings(DatabaseSettings):
    """What `fairbot stats` needs: the database, the forum's time zone, the data directory."""

    tz: ZoneInfo = ZoneInfo("Asia/Almaty")
    data_dir: Path = Path("data")


class Settings(DatabaseSettings):
    """Everything a fairbot process needs to know about its surroundings.

    Field names are the environment variable names (case-insensitive).

    Delivery engine (every bulk or scheduled message, see bot/delivery):

    - DELIVERY_RATE: messages per second the bot token may send, all processes together
      (default 25, Telegram allows about 30). Above 30 needs PAID_BROADCAST; at most 1000.
    - PAID_BROADCAST: true to send outbox messages with `allow_paid_broadcast` (Telegram then
      charges Stars for what goes above 30/s, up to 1000/s). Default false.
    - DELIVERY_CONCURRENCY: sends in flight at once per process; 0 (default) picks one from
      the rate (enough to keep the rate with Telegram's round trip, at most 100).
    - DELIVERY_BATCH: outbox rows a worker claims at once; 0 (default) means about one second
      of sending at DELIVERY_RATE. Small batches keep the crash window (messages that may be
      sent twice after a kill -9) small.
    - DELIVERY_LEASE_SECONDS: how long a claim lasts without renewal (default 15): after a
      crash, other (or restarted) processes take over the dead one's rows after this long.
    - DELIVERY_MAX_ATTEMPTS: tries of one message on network errors and 5xx before it is
      marked failed (default 8; the waits between them double from 1 s up to 5 minutes).

    Employers: INVITE_TTL_DAYS, the days an invitation link works (default 7, 1 to 365).
    """

    bot_token: SecretStr
    telegram_api_url: str = TELEGRAM_API_URL
    redis_url: str | None = None
    redis_prefix: str = "fairbot"
    # How long one person's lock (Redis, shared by all processes) lasts at most: after a process
    # died while handling their update, their next update waits this long at worst.
    fsm_lock_seconds: float = Field(default=30.0, ge=1, le=600)
    admin_ids: Annotated[tuple[int, ...], NoDecode] = ()
    webhook_base_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1:8080"
    # host:port of a server for /healthz and /metrics besides the webhook's own (which has both):
    # the way to monitor a polling process. Unset: none.
    metrics_listen: str | None = None
    data_dir: Path = Path("data")
    # How often every process looks whether a /reload on another process raised the data version
    # (then it re-reads its own DATA_DIR): other processes follow a reload within this time.
    data_sync_seconds: float = Field(default=5.0, gt=0, le=3600)
    tz: ZoneInfo = ZoneInfo("Asia/Almaty")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    # Telegram asks for at most 20 messages in 10 s from one person before we slow them down.
    throttle_limit: int = Field(default=20, ge=1)
    throttle_window_seconds: float = Field(default=10.0, gt=0)
    delivery_rate: float = Field(default=25.0, gt=0, le=1000)
    paid_broadcast: bool = False
    delivery_concurrency: int = Field(default=0, ge=0, le=1000)
    delivery_batch: int = Field(default=0, ge=0, le=5000)
    delivery_lease_seconds: float = Field(default=15.0, ge=1, le=3600)
    delivery_max_attempts: int = Field(default=8, ge=1, le=100)
    # Reminders: how often every process looks for due reminders besides its timers (a safety
    # net for timers lost to a crash), and how long before the career fair opens matched
    # students are told their organisations and booths (0: never).
    reminder_sweep_seconds: float = Field(default=30.0, ge=1, le=3600)
    fair_nudge_minutes: int = Field(default=30, ge=0, le=1440)
    # Employer invitations (/invite, `fairbot invite`) stop working after this many days.
    invite_ttl_days: int = Field(default=7, ge=1, le=365)
    # Representatives' morning digest of new leads: the time of day in the forum's zone (TZ).
    digest_time: time = time(9, 0)

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        if not _TOKEN_RE.fullmatch(value.get_secret_value()):
            raise PydanticCustomError("token_shape", "malformed")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        if isinstance(value, int):
            return (value,)
        return value

    @field_validator(
        "redis_url", "webhook_base_url", "webhook_secret", "metrics_listen", mode="before"
    )
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_base_url")
    @classmethod
    def _https_url(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", value):
            raise PydanticCustomError("url_shape", "malformed")
        return value.rstrip("/") if value else value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _SECRET_RE.fullmatch(value.get_secret_value()):
            raise PydanticCustomError("secret_shape", "malformed")
        return value

    @field_validator("webhook_listen", "metrics_listen")
    @classmethod
    def _host_port(cls, value: str | None) -> str | None:
        if value is None:
            return value
        host, sep, port = value.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
            raise PydanticCustomError("listen_shape", "malformed")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_base_url and self.webhook_secret is None:
            raise PydanticCustomError("webhook_secret_missing", "missing")
        return self

    @model_validator(mode="after")
    def _fast_delivery_is_paid(self) -> Settings:
        if self.delivery_rate > FREE_DELIVERY_RATE and not self.paid_broadcast:
            raise PydanticCustomError("delivery_rate_unpaid", "unpaid")
        return self

    @property
    def uses_custom_api_server(self) -> bool:
        return self.telegram_api_url.rstrip("/") != TELEGRAM_API_URL

    @property
    def webhook_url(self) -> str | None:
        return f"{self.webhook_base_url}{WEBHOOK_PATH}" if self.webhook_base_url else None

    @property
    def webhook_host_port(self) -> tuple[str, int]:
        return _host_port(self.webhook_listen)

    @property
    def metrics_host_port(self) -> tuple[str, int] | None:
        return _host_port(self.metrics_listen) if self.metrics_listen else None


def _host_port(listen: str) -> tuple[str, int]:
    host, _, port = listen.rpartition(":")
    return host.strip("[]"), int(port)


# Errors of checks that span several settings, and the setting each one is about.
_MODEL_ERRORS = {
    "webhook_secret_missing": "webhook_secret",
    "delivery_rate_unpaid": "delivery_rate",
}

# One line per setting: what is wrong and how to fix it. Values are never echoed (secrets).
_PROBLEMS: dict[str, dict[str, str]] = {
    "bot_token": {
        "missing": "BOT_TOKEN is not set: " + _BOTFATHER,
        "": "BOT_TOKEN is malformed (expected <digits>:<letters, digits, _ or ->): copy the "
        "token @BotFather gave you (https://t.me/BotFather) into BOT_TOKEN in .env or the "
        "environment",
    },
    "webhook_secret": {
        "webhook_secret_missing": "WEBHOOK_SECRET is not set but WEBHOOK_BASE_URL is: set "
        "WEBHOOK_SECRET to 1-256 characters of A-Z a-z 0-9 _ - (Telegram sends it back with "
        "every update), or unset WEBHOOK_BASE_URL to use long polling",
        "": "WEBHOOK_SECRET is malformed: use 1-256 characters of A-Z a-z 0-9 _ -",
    },
    "webhook_base_url": {
        "": "WEBHOOK_BASE_URL is malformed: give the public https:// address Telegram should "
        "call, e.g. https://bot.example.org",
    },
    "webhook_listen": {
        "": "WEBHOOK_LISTEN is malformed: give host:port, e.g. 127.0.0.1:8080 or 0.0.0.0:8443",
    },
    "metrics_listen": {
        "": "METRICS_LISTEN is malformed: give host:port, e.g. 127.0.0.1:9090 (or leave it unset)",
    },
    "database_url": {
        "": "DATABASE_URL is malformed: use sqlite+aiosqlite:///path/to/file.sqlite3 or "
        "postgresql+asyncpg://user:password@host:5432/dbname",
    },
    "admin_ids": {
        "": "ADMIN_IDS is malformed: give Telegram user ids separated by commas, e.g. "
        "ADMIN_IDS=12345678,87654321",
    },
    "tz": {
        "": "TZ is not a known time zone: use an IANA name such as Asia/Almaty",
    },
    "log_level": {"": "LOG_LEVEL is malformed: use DEBUG, INFO, WARNING or ERROR"},
    "delivery_rate": {
        "delivery_rate_unpaid": "DELIVERY_RATE is above 30 messages per second, which Telegram "
        "allows only for paid broadcasts: set PAID_BROADCAST=true (up to 1000/s, charged in "
        "Stars) or lower DELIVERY_RATE",
        "": "DELIVERY_RATE is malformed: give messages per second, more than 0 and at most 1000",
    },
    "paid_broadcast": {"": "PAID_BROADCAST is malformed: use true or false"},
    "delivery_concurrency": {"": "DELIVERY_CONCURRENCY is malformed: use 0 (auto) to 1000"},
    "delivery_batch": {"": "DELIVERY_BATCH is malformed: use 0 (auto) to 5000"},
    "delivery_lease_seconds": {
        "": "DELIVERY_LEASE_SECONDS is malformed: give seconds, from 1 to 3600"
    },
    "delivery_max_attempts": {"": "DELIVERY_MAX_ATTEMPTS is malformed: use 1 to 100"},
    "log_format": {"": "LOG_FORMAT is malformed: use text or json"},
    "invite_ttl_days": {
        "": "INVITE_TTL_DAYS is malformed: give the days an employer invitation stays valid, "
        "1 to 365"
    },
    "data_sync_seconds": {
        "": "DATA_SYNC_SECONDS is malformed: give seconds, more than 0 and at most 3600"
    },
    "fsm_lock_seconds": {"": "FSM_LOCK_SECONDS is malformed: give seconds, from 1 to 600"},
    "reminder_sweep_seconds": {
        "": "REMINDER_SWEEP_SECONDS is malformed: give seconds, from 1 to 3600"
    },
    "digest_time": {
        "": "DIGEST_TIME is malformed: give the time of day of the leads digest as HH:MM, "
        "e.g. 09:00 (in the forum's zone, TZ)"
    },
    "fair_nudge_minutes": {
        "": "FAIR_NUDGE_MINUTES is malformed: give minutes before the career fair, 0 to 1440 "
        "(0 turns the nudge off)"
    },
}


def _describe(error: ValidationError) -> str:
    first = error.errors(include_input=False, include_url=False)[0]
    loc = first["loc"]
    kind = str(first["type"])
    field = str(loc[0]) if loc else _MODEL_ERRORS.get(kind, "webhook_secret")
    field = _MODEL_ERRORS.get(kind, field)
    problems = _PROBLEMS.get(field, {})
    if kind in problems:
        return problems[kind]
    if kind == "missing":
        return f"{field.upper()} is not set: put {field.upper()}=... in .env or the environment"
    if "" in problems:
        return problems[""]
    return f"{field.upper()} is malformed: {first['msg']}"


def load_settings(**overrides: Any) -> Settings:
    """Read the settings (environment, `.env`, then `overrides`) or raise `SettingsError`.

    `_env_file=None` in `overrides` skips `.env` (tests do this).
    """
    try:
        return Settings(**overrides)
    except ValidationError as error:
        raise SettingsError(_describe(error)) from None


def load_report_settings(**overrides: Any) -> ReportSettings:
    try:
        return ReportSettings(**overrides)
    except ValidationError as error:
        raise SettingsError(_describe(error)) from None


def load_database_settings(**overrides: Any) -> DatabaseSettings:
    try:
        return DatabaseSettings(**overrides)
    except ValidationError as error:
        raise SettingsError(_describe(error)) from None
