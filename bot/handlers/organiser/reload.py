"""/reload: re-read the data files; invalid files change nothing and the reply lists why. Valid
ones come into force here once the update committed, and in the other bot processes within
DATA_SYNC_SECONDS (bot.services.datasync)."""

from __future__ import annotations

import math

from aiogram import Router
from aiogram.filters import Command
from aiogram.methods import SendMessage
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.i18n import Translate
from bot.middlewares import AfterCommit
from bot.services.fairdata import FairDataStore
from bot.services.reload import reload_fair_data

PROBLEMS_SHOWN = 20  # the rest is summed up: a Telegram message holds 4096 characters


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(reload_data, Command("reload"))
    return router


async def reload_data(
    message: Message,
    session: AsyncSession,
    settings: Settings,
    fair: FairDataStore,
    t: Translate,
    clock: Clock,
    after_commit: AfterCommit,
) -> SendMessage:
    assert message.from_user is not None
    outcome = await reload_fair_data(
        session, fair, settings.data_dir, actor_id=message.from_user.id, now=clock.now(),
        after_commit=after_commit,
    )  # fmt: skip
    if outcome.ok:
        return message.answer(
            t(
                "reload-done",
                topics=outcome.topics,
                exhibitors=outcome.exhibitors,
                seconds=math.ceil(settings.data_sync_seconds),
            )
        )
    shown = [problem[:300] for problem in outcome.problems[:PROBLEMS_SHOWN]]
    if len(outcome.problems) > PROBLEMS_SHOWN:
        shown.append(t("reload-more", count=len(outcome.problems) - PROBLEMS_SHOWN))
    return message.answer(t("reload-refused", problems="\n".join(shown)))
