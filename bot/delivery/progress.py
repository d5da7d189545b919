"""Live progress of broadcasts: the organiser's progress message is edited every few seconds
(sent / failed / blocked / left, rate, ETA, a Stop button), and a final report goes out once.

Runs in every bot process; a broadcast's progress is updated by whichever process takes the
turn first (bot.services.broadcasts.progress_turn). The final edit and the report are put in the
outbox in the same transaction that marks the broadcast finished, so they are not lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.callbacks import BroadcastAction
from bot.clock import Clock
from bot.delivery.limiter import sending_as
from bot.delivery.outbox import Outgoing, Priority, enqueue
from bot.i18n import Translate, Translator
from bot.services import broadcasts
from bot.services.broadcasts import BroadcastState

log = logging.getLogger(__name__)

REPORT_KIND = "broadcast-report"
BAR_WIDTH = 12


def duration(t: Translate, seconds: float) -> str:
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return t("duration-hours", h=hours, m=minutes)
    if minutes:
        return t("duration-minutes", m=minutes, s=secs)
    return t("duration-seconds", s=secs)


def _bar(done: int, total: int) -> tuple[str, int]:
    share = done / total if total else 1.0
    filled = round(share * BAR_WIDTH)
    return "▓" * filled + "░" * (BAR_WIDTH - filled), int(share * 100)


def progress_text(t: Translate, state: BroadcastState) -> str:
    total = state.recipients
    if state.status == "cancelled":
        return t(
            "broadcast-progress-cancelling",
            id=str(state.id),
            sent=state.sent,
            total=total,
            left=state.left,
        )
    bar, percent = _bar(state.counts.done, total)
    rate = state.rate
    if rate and rate > 0:
        shown_rate, eta = f"{rate:.1f}", duration(t, state.left / rate)
    else:
        shown_rate = eta = t("rate-unknown")
    return t(
        "broadcast-progress",
        id=str(state.id),
        bar=bar,
        percent=percent,
        sent=state.sent,
        total=total,
        failed=state.failed,
        blocked=state.blocked,
        left=state.left,
        rate=shown_rate,
        eta=eta,
    )


def report_text(t: Translate, state: BroadcastState) -> str:
    common = {
        "id": str(state.id),
        "sent": state.sent,
        "total": state.recipients,
        "failed": state.failed,
        "blocked": state.blocked,
    }
    if state.status == "cancelled":
        return t("broadcast-report-cancelled", not_sent=state.not_sent, **common)
    took = 0.0
    if state.confirmed_at is not None and state.finished_at is not None:
        took = (state.finished_at - state.confirmed_at).total_seconds()
    rate = f"{state.rate:.1f}" if state.rate else t("rate-unknown")
    return t("broadcast-report-done", took=duration(t, took), rate=rate, **common)


def stop_keyboard(t: Translate, broadcast_id: int) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(
        text=t("broadcast-cancel-button"),
        callback_data=BroadcastAction(action="stop", id=broadcast_id).pack(),
    )
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


class BroadcastProgress:
    """`await progress.run(stop)`: keeps progress messages current until `stop` is set."""

    def __init__(
        self,
        *,
        bot: Bot,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        translator: Translator,
        every: float = 3.0,
        poll: float = 1.0,
    ) -> None:
        self.bot = bot
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.translator = translator
        self.every = timedelta(seconds=every)
        self.poll = poll

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.poll)
            if stop.is_set():
                return
            try:
                await self.tick()
            except Exception as error:  # noqa: BLE001 - progress is best effort; try again
                log.warning("broadcast progress update failed (%s)", type(error).__name__)

    async def tick(self) -> None:
        async with self.sessionmaker() as session:
            ids = await broadcasts.unfinished(session)
        for broadcast_id in ids:
            async with self.sessionmaker() as session, session.begin():
                state = await broadcasts.progress_turn(
                    session, broadcast_id, now=self.clock.now(), every=self.every
                )
                if state is not None and state.finished:
                    await self._enqueue_report(session, state)
            if state is not None and not state.finished:
                await self._show(state)

    async def _show(self, state: BroadcastState) -> None:
        if state.progress_chat_id is None or state.progress_message_id is None:
            return
        t = self.translator.bind(state.lang)
        markup = stop_keyboard(t, state.id) if state.status == "sending" else None
        try:
            # Not a reply to anyone's action: paced with the bulk sends, or frequent progress
            # edits would overdraw the budget and starve the broadcast itself.
            with sending_as(Priority.NOTIFICATION):
                await self.bot.edit_message_text(
                    text=progress_text(t, state),
                    chat_id=state.progress_chat_id,
                    message_id=state.progress_message_id,
                    reply_markup=markup,
                )
        except TelegramBadRequest as error:
            if "not modified" not in error.message:
                log.warning(
                    "broadcast %s: progress message not updated: %s", state.id, error.message
                )
        except TelegramAPIError as error:
            log.warning("broadcast %s: progress message not updated: %s", state.id, error)

    async def _enqueue_report(self, session: AsyncSession, state: BroadcastState) -> None:
        if state.progress_chat_id is None:
            return
        t = self.translator.bind(state.lang)
        text = report_text(t, state)
        messages = [
            Outgoing(
                state.progress_chat_id,
                {"method": "sendMessage", "text": text, "parse_mode": "HTML"},
                dedup_key=f"{REPORT_KIND}:{state.id}",
            )
        ]
        if state.progress_message_id is not None:
            messages.insert(
                0,
                Outgoing(
                    state.progress_chat_id,
                    {
                        "method": "editMessageText",
                        "message_id": state.progress_message_id,
                        "text": text,
                        "parse_mode": "HTML",
                    },
                    dedup_key=f"{REPORT_KIND}-edit:{state.id}",
                ),
            )
        await enqueue(
            session,
            messages,
            kind=REPORT_KIND,
            priority=Priority.NOTIFICATION,
            now=self.clock.now(),
            ref=str(state.id),
        )
