"""/stats: the fair's figures as text, then the same as a chart (PNG)."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.i18n import Translate
from bot.services.statistics import FairStats, fair_stats
from bot.services.stats_report import local_time, stats_chart, stats_text

log = logging.getLogger(__name__)

# Charts are drawn after the update's transaction (drawing takes a moment and must not hold the
# database); the tasks are kept here so they are not garbage-collected half-way.
_drawing: set[asyncio.Task[None]] = set()


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(show_stats, Command("stats"))
    return router


async def show_stats(
    message: Message,
    session: AsyncSession,
    bot: Bot,
    t: Translate,
    clock: Clock,
    settings: Settings,
) -> None:
    stats = await fair_stats(session, now=clock.now(), zone=settings.tz)
    await message.answer(stats_text(t, stats))
    task = asyncio.create_task(send_chart(bot, message.chat.id, t, stats))
    _drawing.add(task)
    task.add_done_callback(_drawing.discard)


async def send_chart(bot: Bot, chat_id: int, t: Translate, stats: FairStats) -> None:
    try:
        png = await asyncio.to_thread(stats_chart, t, stats)
        await bot.send_photo(
            chat_id,
            BufferedInputFile(png, filename="fair-stats.png"),
            caption=t("stats-chart-caption", when=local_time(stats)),
        )
    except (TelegramAPIError, ValueError, OSError) as error:
        log.warning("could not send the statistics chart: %s", error)
