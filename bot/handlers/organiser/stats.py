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
from bot.services.chart import ChartError, draw_apart
from bot.services.fairdata import FairDataStore
from bot.services.labels import Labels, labels
from bot.services.statistics import FairStats, fair_stats
from bot.services.stats_report import chart_spec, local_time, stats_text

log = logging.getLogger(__name__)

# Charts are drawn after the update's transaction (drawing takes a moment and must not hold the
# database), in a child process (matplotlib would stay in the bot's memory for good); the tasks
# are kept here so they are not garbage-collected half-way.
_drawing: set[asyncio.Task[None]] = set()


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(show_stats, Command("stats"))
    router.shutdown.register(stop_drawing)
    return router


async def stop_drawing() -> None:
    """Charts still being drawn when the bot stops are dropped (their text went out already):
    the bot's HTTP session closes next, and a chart sent after that would open a new one."""
    tasks = list(_drawing)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def show_stats(
    message: Message,
    session: AsyncSession,
    bot: Bot,
    t: Translate,
    clock: Clock,
    settings: Settings,
    fair: FairDataStore | None = None,
) -> None:
    catalogue = fair.current.catalogue if fair is not None else None
    organisations = list(catalogue.exhibitors) if catalogue is not None else []
    stats = await fair_stats(
        session, now=clock.now(), zone=settings.tz, organisations=organisations
    )
    names = labels(catalogue, t.lang)
    await message.answer(stats_text(t, stats, names))
    task = asyncio.create_task(send_chart(bot, message.chat.id, t, stats, names))
    _drawing.add(task)
    task.add_done_callback(_drawing.discard)


async def send_chart(bot: Bot, chat_id: int, t: Translate, stats: FairStats, names: Labels) -> None:
    try:
        png = await draw_apart(chart_spec(t, stats, names))
        await bot.send_photo(
            chat_id,
            BufferedInputFile(png, filename="fair-stats.png"),
            caption=t("stats-chart-caption", when=local_time(stats)),
        )
    except (TelegramAPIError, ChartError, ValueError, OSError) as error:
        log.warning("could not send the statistics chart: %s", error)
