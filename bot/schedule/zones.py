"""A participant's own time zone: read from what they type, stored as a name, shown as an offset."""

from __future__ import annotations

import functools
import re
import zoneinfo
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

# Zones offered as buttons: the forum's, then those of the countries most participants came from.
COMMON_ZONES: tuple[str, ...] = (
    "Asia/Almaty", "Asia/Tashkent", "Europe/Moscow", "Europe/Minsk", "Europe/Istanbul",
    "Asia/Dubai", "Europe/Bucharest", "Europe/Berlin", "Asia/Ulaanbaatar", "Asia/Shanghai",
    "Asia/Kolkata", "UTC",
)  # fmt: skip

_OFFSET_RE = re.compile(
    r"^(?:utc|gmt)?\s*(?P<sign>[+-−])\s*(?P<hours>\d{1,2})(?:(?::|\.|h)?(?P<minutes>\d{2}))?$"
)
# Cities people of the forum write in Cyrillic (Russian and Kazakh spellings).
_CYRILLIC_CITIES = {
    "алматы": "Asia/Almaty", "алма-ата": "Asia/Almaty", "астана": "Asia/Almaty",
    "шымкент": "Asia/Almaty", "караганда": "Asia/Almaty", "қарағанды": "Asia/Almaty",
    "актобе": "Asia/Aqtobe", "ақтөбе": "Asia/Aqtobe", "атырау": "Asia/Atyrau",
    "актау": "Asia/Aqtau", "ақтау": "Asia/Aqtau", "уральск": "Asia/Oral", "орал": "Asia/Oral",
    "москва": "Europe/Moscow", "мәскеу": "Europe/Moscow", "минск": "Europe/Minsk",
    "ташкент": "Asia/Tashkent", "бишкек": "Asia/Bishkek", "бішкек": "Asia/Bishkek",
    "душанбе": "Asia/Dushanbe", "баку": "Asia/Baku",
    "стамбул": "Europe/Istanbul", "стамбұл": "Europe/Istanbul", "дубай": "Asia/Dubai",
    "бухарест": "Europe/Bucharest", "берлин": "Europe/Berlin", "лондон": "Europe/London",
    "париж": "Europe/Paris", "улан-батор": "Asia/Ulaanbaatar", "улаанбаатар": "Asia/Ulaanbaatar",
    "пекин": "Asia/Shanghai", "бейжің": "Asia/Shanghai", "дели": "Asia/Kolkata",
    "новосибирск": "Asia/Novosibirsk", "екатеринбург": "Asia/Yekaterinburg",
    "омск": "Asia/Omsk", "санкт-петербург": "Europe/Moscow",
}  # fmt: skip
_UTC_NAMES = {"utc", "gmt", "z", "utc+0", "utc-0", "gmt+0", "+0", "-0", "+00:00"}


@functools.cache
def _zone_names() -> dict[str, str]:
    """Lower-case spellings -> IANA name: the full name, and the city alone when unambiguous."""
    names: dict[str, str] = {}
    cities: dict[str, list[str]] = {}
    for name in zoneinfo.available_timezones():
        if name.startswith(("Etc/", "SystemV/", "posix/", "right/")) or "/" not in name:
            continue
        names[name.lower()] = name
        city = name.rsplit("/", 1)[1].lower()
        cities.setdefault(city, []).append(name)
    for city, options in cities.items():
        # America/Buenos_Aires is an old link to America/Argentina/Buenos_Aires: same place.
        if len({option.split("/", 1)[0] for option in options}) == 1:
            names.setdefault(city, max(options, key=len))
    # Kazakhstan has one zone since 2024; its capital has no tz database entry of its own.
    names.setdefault("astana", "Asia/Almaty")
    return names


def parse_time_zone(text: str) -> str | None:
    """The zone a person typed, as we store it, or None when it is not one.

    Accepts IANA names in any case ("europe/berlin"), a city alone when only one zone has it
    ("Tashkent", "new york"), common cities in Cyrillic ("Москва", "Алматы"), and UTC offsets
    ("+3", "UTC+05:30", "GMT-4", "-3:30").
    Offsets are stored as "UTC+05:30"; names as their IANA spelling.
    """
    value = " ".join(text.strip().split())
    if not value or len(value) > 64:
        return None
    lowered = value.lower()
    if lowered in _UTC_NAMES:
        return "UTC"
    match = _OFFSET_RE.match(lowered)
    if match:
        hours, minutes = int(match["hours"]), int(match["minutes"] or 0)
        total = hours * 60 + minutes
        if minutes >= 60 or total > 14 * 60:
            return None
        if total == 0:
            return "UTC"
        sign = "-" if match["sign"] in "-−" else "+"
        if sign == "-" and total > 12 * 60:
            return None
        return f"UTC{sign}{hours:02d}:{minutes:02d}"
    return (
        _CYRILLIC_CITIES.get(lowered)
        or _zone_names().get(lowered.replace(" ", "_"))
        or _zone_names().get(lowered)
    )


def zone_of(name: str | None, default: tzinfo) -> tzinfo:
    """The tzinfo of a stored zone name; `default` (the forum's zone) when unset or unknown."""
    if not name:
        return default
    if name == "UTC":
        return UTC
    if name.startswith("UTC") and len(name) == 9:
        sign = -1 if name[3] == "-" else 1
        return timezone(sign * timedelta(hours=int(name[4:6]), minutes=int(name[7:9])), name)
    try:
        return ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return default


def utc_offset(zone: tzinfo, at: datetime) -> str:
    """ "UTC+05:00" for `zone` at the moment `at` (daylight saving time included)."""
    offset = at.astimezone(zone).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def zone_label(name: str | None, default_name: str, at: datetime) -> str:
    """ "Europe/Berlin (UTC+02:00)" or "UTC+05:30": what a person sees as their zone."""
    shown = name or default_name
    zone = zone_of(shown, ZoneInfo(default_name))
    offset = utc_offset(zone, at)
    return shown if shown in (offset, "UTC") else f"{shown} ({offset})"
