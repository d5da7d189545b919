"""How dates, times, durations and places read in each language (for agendas and reminders)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, tzinfo

from babel.dates import format_date

from bot.i18n import SafeHtml, Translate, safe
from matching.catalogue import LocalizedText

# Day names first in English and Russian, the date first in Kazakh.
_DAY_LONG = {"en": "EEEE, d MMMM", "ru": "EEEE, d MMMM", "kk": "d MMMM, EEEE"}
_DAY_SHORT = {"en": "EEE d MMM", "ru": "EEE, d MMM", "kk": "d MMM, EEE"}


def day_long(day: date, lang: str) -> str:
    """ "Wednesday, 8 September"."""
    return format_date(day, _DAY_LONG.get(lang, _DAY_LONG["en"]), locale=lang)


def day_short(day: date, lang: str) -> str:
    """ "Wed 8 Sep"."""
    return format_date(day, _DAY_SHORT.get(lang, _DAY_SHORT["en"]), locale=lang)


def clock_time(moment: datetime, zone: tzinfo) -> str:
    """ "14:05": 24-hour time, as the forum's countries write it."""
    return moment.astimezone(zone).strftime("%H:%M")


def time_range(starts_at: datetime, ends_at: datetime, zone: tzinfo, lang: str) -> str:
    """ "10:00–13:00", or "22:00 – Thu 9 Sep 01:00" when it ends on another day."""
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    if start.date() == end.date():
        return f"{start:%H:%M}–{end:%H:%M}"
    return f"{start:%H:%M} – {day_short(end.date(), lang)} {end:%H:%M}"


def when(starts_at: datetime, zone: tzinfo, lang: str) -> str:
    """ "Wed 8 Sep, 10:00"."""
    return f"{day_short(starts_at.astimezone(zone).date(), lang)}, {clock_time(starts_at, zone)}"


def localized(text: Mapping[str, str] | LocalizedText, lang: str) -> str:
    """One language of an {en, ru, kk} text (English when the language is missing)."""
    if isinstance(text, LocalizedText):
        value: str = getattr(text, lang, None) or text.en
        return value
    return text.get(lang) or text.get("en") or next(iter(text.values()), "")


def place(venue: Mapping[str, str] | LocalizedText, room: str, lang: str) -> str:
    """ "Main conference hall, A-204"."""
    name = localized(venue, lang)
    return f"{name}, {room}" if room else name


def duration(t: Translate, minutes: int) -> SafeHtml:
    """ "15 minutes", "1 hour", "2 hours 5 minutes", "1 day" in t's language."""
    minutes = max(1, minutes)
    if minutes % 1440 == 0:
        return safe(t("span-days", n=minutes // 1440))
    if minutes < 60:
        return safe(t("span-minutes", n=minutes))
    if minutes % 60 == 0:
        return safe(t("span-hours", n=minutes // 60))
    if minutes > 2 * 1440:
        return safe(t("span-days", n=round(minutes / 1440)))
    return safe(t("span-hours-minutes", hours=minutes // 60, minutes=minutes % 60))


def durations(t: Translate, offsets: Iterable[int]) -> SafeHtml:
    """ "1 day, 15 minutes": several offsets, the earliest first."""
    return safe(", ".join(duration(t, m) for m in sorted(offsets, reverse=True)))


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word with an ellipsis (for buttons)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,:;—-")
    return f"{cut or text[: limit - 1]}…"
