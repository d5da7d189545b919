"""The fake clock moves only by hand; log lines carry ids and never a token."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock, SystemClock
from bot.logs import setup_logging, update_context

TOKEN = "123456789:AAE_secret-token-value-abcdef"


def test_clocks_are_aware_utc() -> None:
    assert SystemClock().now().tzinfo is UTC
    clock = FakeClock(datetime(2025, 10, 1, 12, 0, tzinfo=UTC))
    assert clock.now() == datetime(2025, 10, 1, 12, 0, tzinfo=UTC)
    clock.advance(minutes=5)
    clock.advance(timedelta(seconds=1))
    assert clock.now() == datetime(2025, 10, 1, 12, 5, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(datetime(2025, 10, 1))


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("restore_logging")
def test_json_lines_carry_ids_and_hide_the_token() -> None:
    stream = io.StringIO()
    setup_logging("INFO", "json", secrets=(TOKEN,), stream=stream)
    log = logging.getLogger("fairbot.test")
    with update_context(42, 7):
        log.info("calling https://api.telegram.org/bot%s/sendMessage", TOKEN)
    log.info("outside")
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["update_id"] == 42
    assert first["user_id"] == 7
    assert TOKEN not in first["message"]
    assert "<redacted>" in first["message"]
    assert "update_id" not in second


@pytest.mark.usefixtures("restore_logging")
def test_text_lines_redact_token_shaped_strings_in_tracebacks() -> None:
    stream = io.StringIO()
    setup_logging("INFO", "text", stream=stream)
    try:
        raise RuntimeError(f"bad url /bot{TOKEN}/getMe")
    except RuntimeError:
        with update_context(5, None):
            logging.getLogger("fairbot.test").exception("failed")
    output = stream.getvalue()
    assert "[update=5]" in output
    assert TOKEN not in output
    assert "RuntimeError" in output
