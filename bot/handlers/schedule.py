"""The schedule for every participant: /schedule by day with Remind me toggles, /my_schedule,
/reminders (when to be reminded) and /timezone."""

from __future__ import annotations

import contextlib
import html
from collections.abc import Iterator
from datetime import date, datetime, tzinfo

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.config import Settings
from bot.db.models import User
from bot.i18n import Translate
from bot.schedule import render
from bot.schedule.plan import OFFSET_CHOICES
from bot.schedule.zones import COMMON_ZONES, zone_label, zone_of
from bot.services import agenda
from bot.services.agenda import AgendaDay, Moment, MyAgenda, Toggle
from bot.services.fairdata import FairDataStore

MESSAGE_LIMIT = 4096
BUTTON_TITLE = 32  # characters of a session title on its button


class ScheduleState(StatesGroup):
    time_zone = State()


class AgendaPage(CallbackData, prefix="ag"):
    day: str  # YYYYMMDD in the person's zone


class RemindToggle(CallbackData, prefix="rt"):
    session: str
    day: str


class OffsetToggle(CallbackData, prefix="ro"):
    minutes: int


class ZoneChoice(CallbackData, prefix="tz"):
    zone: str


class ScheduleView(CallbackData, prefix="sv"):
    view: str  # agenda | mine | reminders | zone


def create_router() -> Router:
    """Participants of every audience use the schedule: no role filter, private chats only."""
    router = Router(name=__name__)
    router.message.filter(F.chat.type == "private")
    router.message.register(show_schedule, Command("schedule"))
    router.message.register(show_my_schedule, Command("my_schedule"))
    router.message.register(show_reminder_times, Command("reminders"))
    router.message.register(ask_time_zone, Command("timezone"))
    router.message.register(
        typed_time_zone, ScheduleState.time_zone, F.text, ~F.text.startswith("/")
    )
    router.callback_query.register(turn_page, AgendaPage.filter())
    router.callback_query.register(toggle_session, RemindToggle.filter())
    router.callback_query.register(toggle_offset, OffsetToggle.filter())
    router.callback_query.register(choose_zone, ZoneChoice.filter())
    router.callback_query.register(open_view, ScheduleView.filter())
    return router


# -- handlers -----------------------------------------------------------------------------------


async def show_schedule(
    message: Message, session: AsyncSession, user: User, fair: FairDataStore, settings: Settings,
    clock: Clock, t: Translate,
) -> SendMessage:  # fmt: skip
    text, markup = await _agenda(session, user, fair, settings, clock.now(), t, None)
    return message.answer(text, reply_markup=markup)


async def turn_page(
    callback: CallbackQuery, callback_data: AgendaPage, session: AsyncSession, user: User,
    fair: FairDataStore, settings: Settings, clock: Clock, t: Translate, bot: Bot,
) -> AnswerCallbackQuery:  # fmt: skip
    day = _parse_day(callback_data.day)
    text, markup = await _agenda(session, user, fair, settings, clock.now(), t, day)
    await _show(callback, bot, text, markup)
    return callback.answer()


async def toggle_session(
    callback: CallbackQuery, callback_data: RemindToggle, session: AsyncSession, user: User,
    fair: FairDataStore, settings: Settings, clock: Clock, t: Translate, bot: Bot,
) -> AnswerCallbackQuery:  # fmt: skip
    now = clock.now()
    outcome = await agenda.toggle_subscription(
        session, user_id=user.id, session_id=callback_data.session, language=t.lang, now=now
    )
    text, markup = await _agenda(
        session, user, fair, settings, now, t, _parse_day(callback_data.day)
    )
    await _show(callback, bot, text, markup)
    return callback.answer(
        await _toggle_answer(session, user, fair, callback_data.session, outcome, t),
        show_alert=outcome not in (Toggle.ON, Toggle.OFF),
    )


async def show_my_schedule(
    message: Message, session: AsyncSession, user: User, fair: FairDataStore, settings: Settings,
    clock: Clock, t: Translate,
) -> SendMessage:  # fmt: skip
    mine = await agenda.my_agenda(session, user.id, fair.current.schedule, now=clock.now())
    text, markup = _my_schedule(mine, user, settings, clock.now(), t)
    return message.answer(text, reply_markup=markup)


async def show_reminder_times(
    message: Message, session: AsyncSession, user: User, t: Translate
) -> SendMessage:
    offsets = await agenda.reminder_offsets(session, user.id)
    text, markup = _reminder_times(offsets, t)
    return message.answer(text, reply_markup=markup)


async def toggle_offset(
    callback: CallbackQuery, callback_data: OffsetToggle, session: AsyncSession, user: User,
    clock: Clock, t: Translate, bot: Bot,
) -> AnswerCallbackQuery:  # fmt: skip
    offsets = await agenda.toggle_offset(session, user.id, callback_data.minutes, now=clock.now())
    if offsets is None:
        return callback.answer(t("reminders-unknown"), show_alert=True)
    await _show(callback, bot, *_reminder_times(offsets, t))
    return callback.answer()


async def ask_time_zone(
    message: Message, command: CommandObject, session: AsyncSession, user: User,
    state: FSMContext, settings: Settings, clock: Clock, t: Translate,
) -> SendMessage:  # fmt: skip
    if command.args:  # /timezone Europe/Berlin
        return message.answer(
            await _set_zone(session, user, command.args, state, settings, clock, t)
        )
    await state.set_state(ScheduleState.time_zone)
    text, markup = _zone_prompt(user, settings, clock.now(), t)
    return message.answer(text, reply_markup=markup)


async def typed_time_zone(
    message: Message, session: AsyncSession, user: User, state: FSMContext, settings: Settings,
    clock: Clock, t: Translate,
) -> SendMessage:  # fmt: skip
    return message.answer(
        await _set_zone(session, user, message.text or "", state, settings, clock, t)
    )


async def choose_zone(
    callback: CallbackQuery, callback_data: ZoneChoice, session: AsyncSession, user: User,
    state: FSMContext, settings: Settings, clock: Clock, t: Translate, bot: Bot,
) -> AnswerCallbackQuery:  # fmt: skip
    answer = await _set_zone(session, user, callback_data.zone, state, settings, clock, t)
    await _show(callback, bot, answer, None)
    return callback.answer()


async def open_view(
    callback: CallbackQuery, callback_data: ScheduleView, session: AsyncSession, user: User,
    fair: FairDataStore, settings: Settings, clock: Clock, t: Translate, bot: Bot,
    state: FSMContext,
) -> AnswerCallbackQuery:  # fmt: skip
    now = clock.now()
    if callback_data.view == "mine":
        mine = await agenda.my_agenda(session, user.id, fair.current.schedule, now=now)
        await _show(callback, bot, *_my_schedule(mine, user, settings, now, t))
    elif callback_data.view == "reminders":
        await _show(
            callback, bot, *_reminder_times(await agenda.reminder_offsets(session, user.id), t)
        )
    elif callback_data.view == "zone":
        await state.set_state(ScheduleState.time_zone)
        await _show(callback, bot, *_zone_prompt(user, settings, now, t))
    else:
        await _show(callback, bot, *await _agenda(session, user, fair, settings, now, t, None))
    return callback.answer()


# -- rendering ----------------------------------------------------------------------------------


def _zone(user: User, settings: Settings) -> tzinfo:
    return zone_of(user.time_zone, settings.tz)


def _zone_text(user: User, settings: Settings, now: datetime) -> str:
    return zone_label(user.time_zone, settings.tz.key, now)


def _parse_day(value: str) -> date | None:
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        return None


def _plain(text: str) -> str:
    """Button labels and callback answers are not HTML: undo the translator's escaping."""
    return html.unescape(text)


async def _show(
    callback: CallbackQuery, bot: Bot, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """Replace the message the button belongs to (or send a new one if it is too old to edit)."""
    if isinstance(callback.message, Message):
        # Tapping the page already shown changes nothing: Telegram refuses an identical edit.
        with contextlib.suppress(TelegramBadRequest):
            await callback.message.edit_text(text, reply_markup=markup)
        return
    await bot.send_message(callback.from_user.id, text, reply_markup=markup)


async def _agenda(
    session: AsyncSession, user: User, fair: FairDataStore, settings: Settings, now: datetime,
    t: Translate, day: date | None,
) -> tuple[str, InlineKeyboardMarkup | None]:  # fmt: skip
    zone = _zone(user, settings)
    page = await agenda.agenda_day(
        session, user.id, fair.current.schedule, zone=zone, now=now, day=day
    )
    if page is None:
        return t("schedule-empty"), None
    header = t(
        "schedule-header",
        day=render.day_long(page.day, t.lang),
        zone=_zone_text(user, settings, now),
    )
    footer = (
        t("schedule-footer", offsets=render.durations(t, page.offsets))
        if page.offsets
        else t("schedule-footer-none")
    )
    for with_descriptions in (True, False):
        text = "\n\n".join([header, *_agenda_items(page, zone, t, with_descriptions), footer])
        if len(text) <= MESSAGE_LIMIT:
            break
    return text[:MESSAGE_LIMIT], _agenda_keyboard(page, zone, t)


def _agenda_items(page: AgendaDay, zone: tzinfo, t: Translate, descriptions: bool) -> Iterator[str]:
    lang = t.lang
    for item in page.items:
        s = item.session
        time = render.time_range(s.starts_at, s.ends_at, zone, lang)
        title = render.localized(s.title, lang)
        if s.cancelled:
            yield t("schedule-item-cancelled", time=time, title=title)
            continue
        key = "schedule-item-following" if item.subscribed else "schedule-item"
        block = t(
            key, time=time, title=title, kind=t(f"session-kind-{s.kind}"),
            place=render.place(s.venue, s.room, lang),
        )  # fmt: skip
        if descriptions:
            block += "\n" + t(
                "schedule-item-description", description=render.localized(s.description, lang)
            )
        yield block


def _agenda_keyboard(page: AgendaDay, zone: tzinfo, t: Translate) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    day = page.day.strftime("%Y%m%d")
    for item in page.items:
        if not item.open:
            continue
        s = item.session
        key = "schedule-button-following" if item.subscribed else "schedule-button-remind"
        label = t(
            key, time=render.clock_time(s.starts_at, zone),
            title=render.shorten(render.localized(s.title, t.lang), BUTTON_TITLE),
        )  # fmt: skip
        builder.button(text=_plain(label), callback_data=RemindToggle(session=s.id, day=day))
    rows = [1] * sum(1 for item in page.items if item.open)
    if len(page.days) > 1:
        for other in page.days:
            label = render.day_short(other, t.lang)
            builder.button(
                text=f"• {label} •" if other == page.day else label,
                callback_data=AgendaPage(day=other.strftime("%Y%m%d")),
            )
        rows.append(len(page.days))
    for view, key in (("reminders", "schedule-button-reminders"), ("zone", "schedule-button-zone"),
                      ("mine", "schedule-button-mine")):  # fmt: skip
        builder.button(text=_plain(t(key)), callback_data=ScheduleView(view=view))
    rows += [2, 1]
    builder.adjust(*rows)
    return builder.as_markup()


async def _toggle_answer(
    session: AsyncSession, user: User, fair: FairDataStore, session_id: str, outcome: Toggle,
    t: Translate,
) -> str:  # fmt: skip
    forum_session = fair.current.schedule.get(session_id)
    title = render.localized(forum_session.title, t.lang) if forum_session else ""
    if outcome is Toggle.ON:
        offsets = await agenda.reminder_offsets(session, user.id)
        if not offsets:
            return _plain(t("remind-on-silent", title=title))
        return _plain(t("remind-on", title=title, offsets=render.durations(t, offsets)))
    if outcome is Toggle.OFF:
        return _plain(t("remind-off", title=title))
    return _plain(t(f"remind-{outcome.value}"))


def _my_schedule(
    mine: MyAgenda, user: User, settings: Settings, now: datetime, t: Translate
) -> tuple[str, InlineKeyboardMarkup]:
    zone, lang = _zone(user, settings), t.lang
    builder = InlineKeyboardBuilder()
    builder.button(
        text=_plain(t("schedule-button-agenda")), callback_data=ScheduleView(view="agenda")
    )
    builder.button(
        text=_plain(t("schedule-button-reminders")), callback_data=ScheduleView(view="reminders")
    )
    builder.button(text=_plain(t("schedule-button-zone")), callback_data=ScheduleView(view="zone"))
    builder.adjust(1, 2)
    if not mine.items:
        return t("my-schedule-empty"), builder.as_markup()
    status = [
        t("my-schedule-now", title=render.localized(item.session.title, lang),
          until=render.clock_time(item.session.ends_at, zone))
        for item in mine.items
        if item.moment is Moment.NOW
    ]  # fmt: skip
    if mine.next is not None:
        minutes = round((mine.next.starts_at - now).total_seconds() / 60)
        status.append(
            t("my-schedule-next", title=render.localized(mine.next.title, lang),
              when=render.when(mine.next.starts_at, zone, lang),
              duration=render.duration(t, minutes))
        )  # fmt: skip
    elif not status:
        status.append(t("my-schedule-done"))
    items = [
        t(f"my-schedule-item-{item.moment.value}",
          when=render.when(item.session.starts_at, zone, lang),
          title=render.localized(item.session.title, lang),
          place=render.place(item.session.venue, item.session.room, lang))
        for item in mine.items
    ]  # fmt: skip
    footer = (
        t("my-schedule-footer", offsets=render.durations(t, mine.offsets))
        if mine.offsets
        else t("my-schedule-footer-none")
    )
    parts = [t("my-schedule-header", zone=_zone_text(user, settings, now)), "\n".join(status)]
    parts += [*items, footer]
    return "\n\n".join(parts)[:MESSAGE_LIMIT], builder.as_markup()


def _reminder_times(offsets: tuple[int, ...], t: Translate) -> tuple[str, InlineKeyboardMarkup]:
    text = (
        t("reminders-header", offsets=render.durations(t, offsets))
        if offsets
        else t("reminders-header-none")
    )
    builder = InlineKeyboardBuilder()
    for minutes in OFFSET_CHOICES:
        key = "reminders-button-on" if minutes in offsets else "reminders-button-off"
        builder.button(
            text=_plain(t(key, duration=render.duration(t, minutes))),
            callback_data=OffsetToggle(minutes=minutes),
        )
    builder.button(text=_plain(t("schedule-button-mine")), callback_data=ScheduleView(view="mine"))
    builder.button(
        text=_plain(t("schedule-button-agenda")), callback_data=ScheduleView(view="agenda")
    )
    builder.adjust(*([2] * ((len(OFFSET_CHOICES) + 1) // 2)), 2)
    return text, builder.as_markup()


def _zone_prompt(
    user: User, settings: Settings, now: datetime, t: Translate
) -> tuple[str, InlineKeyboardMarkup]:
    zone = _zone(user, settings)
    text = t(
        "timezone-prompt", zone=_zone_text(user, settings, now), time=render.clock_time(now, zone)
    )
    builder = InlineKeyboardBuilder()
    forum = settings.tz.key
    builder.button(
        text=_plain(t("timezone-button-forum", zone=zone_label(None, forum, now))),
        callback_data=ZoneChoice(zone=forum),
    )
    others = [name for name in COMMON_ZONES if name != forum]
    for name in others:
        builder.button(text=zone_label(name, forum, now), callback_data=ZoneChoice(zone=name))
    builder.adjust(1, *([2] * ((len(others) + 1) // 2)))
    return text, builder.as_markup()


async def _set_zone(
    session: AsyncSession, user: User, typed: str, state: FSMContext, settings: Settings,
    clock: Clock, t: Translate,
) -> str:  # fmt: skip
    name = await agenda.set_time_zone(session, user.id, typed)
    if name is None:
        return t("timezone-unknown", text=typed.strip()[:64])
    if await state.get_state() == ScheduleState.time_zone.state:
        await state.clear()
    now = clock.now()
    zone = zone_of(name, settings.tz)
    return t(
        "timezone-set",
        zone=zone_label(name, settings.tz.key, now),
        time=render.clock_time(now, zone),
    )
