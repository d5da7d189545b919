"""Settings come from the environment and .env; a bad one stops start-up with one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import SettingsError, load_settings

TOKEN = "123456789:AAE_valid-token"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name in {"BOT_TOKEN", "DATABASE_URL", "REDIS_URL", "ADMIN_IDS", "TZ", "LOG_FORMAT"}:
            monkeypatch.delenv(name)
        if name.startswith("WEBHOOK_") or name.startswith("TELEGRAM_"):
            monkeypatch.delenv(name)


def test_defaults() -> None:
    settings = load_settings(bot_token=TOKEN, _env_file=None)
    assert settings.bot_token.get_secret_value() == TOKEN
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert not settings.uses_custom_api_server
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.redis_url is None
    assert settings.admin_ids == ()
    assert settings.webhook_url is None
    assert settings.data_dir == Path("data")
    assert settings.tz == ZoneInfo("Asia/Almaty")
    assert settings.log_format == "text"
    assert TOKEN not in repr(settings)


def test_environment_and_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"BOT_TOKEN={TOKEN}\nADMIN_IDS=11, 22,33\nTZ=Europe/Berlin\n")
    monkeypatch.setenv("WEBHOOK_BASE_URL", "https://bot.example.org/")
    monkeypatch.setenv("WEBHOOK_SECRET", "s3cret_-X")
    monkeypatch.setenv("WEBHOOK_LISTEN", "0.0.0.0:8443")
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:8081")
    settings = load_settings(_env_file=env_file)
    assert settings.admin_ids == (11, 22, 33)
    assert settings.tz == ZoneInfo("Europe/Berlin")
    assert settings.webhook_url == "https://bot.example.org/telegram/webhook"
    assert settings.webhook_host_port == ("0.0.0.0", 8443)
    assert settings.uses_custom_api_server


@pytest.mark.parametrize(
    ("overrides", "starts_with"),
    [
        ({}, "BOT_TOKEN is not set: create a bot with @BotFather"),
        ({"bot_token": "not-a-token"}, "BOT_TOKEN is malformed"),
        ({"bot_token": TOKEN, "admin_ids": "12,abc"}, "ADMIN_IDS is malformed"),
        ({"bot_token": TOKEN, "tz": "Mars/Olympus"}, "TZ is not a known time zone"),
        ({"bot_token": TOKEN, "webhook_base_url": "https://x.org"}, "WEBHOOK_SECRET is not set"),
        (
            {"bot_token": TOKEN, "webhook_base_url": "https://x.org", "webhook_secret": "a b"},
            "WEBHOOK_SECRET is malformed",
        ),
        ({"bot_token": TOKEN, "webhook_secret": "x" * 257}, "WEBHOOK_SECRET is malformed"),
        ({"bot_token": TOKEN, "webhook_listen": "8080"}, "WEBHOOK_LISTEN is malformed"),
        ({"bot_token": TOKEN, "database_url": "mysql://db"}, "DATABASE_URL is malformed"),
        ({"bot_token": TOKEN, "log_format": "xml"}, "LOG_FORMAT is malformed"),
    ],
)
def test_bad_settings_give_one_line(overrides: dict[str, str], starts_with: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, **overrides)
    message = str(caught.value)
    assert message.startswith(starts_with)
    assert "\n" not in message


def test_malformed_token_is_not_echoed() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(_env_file=None, bot_token="12345:has spaces and secret")
    assert "secret" not in str(caught.value)


def test_run_without_token_exits_2_with_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "BOT_TOKEN"}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "BOT_TOKEN is not set" in lines[0]
    assert "https://t.me/BotFather" in lines[0]
    assert "Traceback" not in result.stderr
