"""Delivery settings: defaults, the paid-broadcast rule, one clear line per mistake."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.config import Settings, SettingsError
from bot.delivery.worker import DeliveryConfig


def test_defaults_and_what_the_worker_makes_of_them(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings()
    assert (settings.delivery_rate, settings.paid_broadcast) == (25.0, False)
    config = DeliveryConfig.from_settings(settings)
    assert (config.senders, config.batch_size, config.lease_seconds) == (7, 13, 15.0)
    fast = DeliveryConfig.from_settings(make_settings(delivery_rate=1000, paid_broadcast=True))
    assert (fast.senders, fast.batch_size) == (100, 500)
    assert DeliveryConfig(rate=25, concurrency=3, batch=9).senders == 3


@pytest.mark.parametrize(
    ("overrides", "starts_with"),
    [
        ({"delivery_rate": 31}, "DELIVERY_RATE is above 30 messages per second"),
        ({"delivery_rate": 1001, "paid_broadcast": True}, "DELIVERY_RATE is malformed"),
        ({"delivery_rate": 0}, "DELIVERY_RATE is malformed"),
        ({"paid_broadcast": "maybe"}, "PAID_BROADCAST is malformed"),
        ({"delivery_lease_seconds": 0}, "DELIVERY_LEASE_SECONDS is malformed"),
        ({"delivery_max_attempts": 0}, "DELIVERY_MAX_ATTEMPTS is malformed"),
    ],
)
def test_bad_delivery_settings_give_one_line(
    make_settings: Callable[..., Settings], overrides: dict[str, Any], starts_with: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        make_settings(**overrides)
    assert str(caught.value).startswith(starts_with)
    assert "\n" not in str(caught.value)


def test_paid_broadcasts_allow_up_to_a_thousand(make_settings: Callable[..., Settings]) -> None:
    assert make_settings(delivery_rate=1000, paid_broadcast="true").delivery_rate == 1000


def test_backoff_doubles_up_to_the_cap() -> None:
    config = DeliveryConfig(backoff_base=1, backoff_cap=300)
    assert 0.8 <= config.backoff(1) <= 1.2
    assert 6.4 <= config.backoff(4) <= 9.6
    assert 240 <= config.backoff(30) <= 360
