"""/stats' chart is drawn in a child process: the bot keeps none of matplotlib, and a chart still
being drawn when the bot stops is dropped rather than sent on a closed session."""

from __future__ import annotations

import asyncio
import struct
from collections.abc import Callable
from typing import Any

from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode

from bot.config import Settings
from bot.fakeapi import FakeTelegramServer
from bot.handlers.organiser import stats
from bot.services.chart import Bars, ChartSpec, draw, draw_apart


def _spec() -> ChartSpec:
    return ChartSpec(
        title="Fair statistics as of 2026-11-25 12:00",
        per_day=Bars("Registrations", ["11-24", "11-25"], [3, 5]),
        orgs_title="Organisations",
        org_names=["Ghalam LLP", "Baiterek"],
        matches_label="matches",
        matches=[4, 1],
        contacts_label="contacts",
        contacts=[2, 0],
        topics=Bars("Interests", ["GIS and mapping"], [3]),
        delivery=Bars("Broadcasts", ["sent", "failed", "blocked", "left"], [5, 0, 1, 0]),
    )


async def test_the_child_process_draws_what_this_process_would() -> None:
    spec = _spec()
    assert ChartSpec.from_json(spec.to_json()) == spec
    png = await draw_apart(spec)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert struct.unpack(">II", png[16:24]) == (1200, 800)
    assert struct.unpack(">II", draw(spec)[16:24]) == (1200, 800)


async def test_a_chart_being_drawn_when_the_bot_stops_is_dropped(
    server: FakeTelegramServer,
    make_settings: Callable[..., Settings],
    database_url: str,
    make_dispatcher: Callable[..., Any],
) -> None:
    admin = server.user("Dana", language_code="en", started=True)
    settings = make_settings(
        database_url=database_url, admin_ids=str(admin.id), telegram_api_url=server.base_url
    )
    bot = server.make_bot(default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    try:
        async with server.polling(make_dispatcher(settings=settings), bot):
            await admin.send("/stats")
            assert "Fair statistics" in (await admin.next_message()).text
            for _ in range(200):  # the handler starts drawing right after sending the text
                if stats._drawing:
                    break
                await asyncio.sleep(0.01)
            assert stats._drawing  # the child process takes a while
        assert not stats._drawing  # the dispatcher's shutdown dropped it
        await asyncio.sleep(1.5)
        assert server.calls("sendPhoto") == []
    finally:
        await bot.session.close()
