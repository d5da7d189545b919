"""/export: an organisation's leads as CSV (UTF-8 with BOM, so Excel shows Cyrillic) and XLSX.

Only leads that still exist are read: a student who withdrew or erased their data is not there.
The XLSX is written by `bot.spreadsheets` in another process. Every text cell that a
spreadsheet would take for a formula (starting with = + - @, or a tab or
carriage return) is prefixed with an apostrophe, in both files.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import Translate
from bot.repositories import leads as repo
from bot.services.leads import RepresentativeView

COLUMNS = (
    "name", "telegram", "phone", "email", "university", "year", "field", "interests", "seeks",
    "score", "status", "note", "shared-at",
)  # fmt: skip
"""Column ids; their headers are `leads-export-col-<id>` in the reader's language."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


@dataclass(frozen=True)
class ExportLead:
    id: int
    user_id: int
    created_at: datetime
    score: float
    status: str
    note: str | None
    name: str | None
    phone: str | None
    email: str | None
    university: str | None
    degree: str | None
    study_year: int | None
    field: str | None
    interests: str | None
    seeking: tuple[str, ...]


async def export_leads(session: AsyncSession, rep: RepresentativeView) -> list[ExportLead]:
    """Every lead of the representative's organisation, newest first."""
    return [ExportLead(*_fields(row)) for row in await repo.export_rows(session, rep.org)]


def _fields(row: Any) -> tuple[Any, ...]:
    *columns, seeking = row
    return (*columns, tuple(seeking or ()))


def guard(value: str) -> str:
    """A text a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _level(t: Translate, degree: str | None, year: int | None) -> str:
    if degree is None:
        return ""
    return t(f"level-{degree}", year=year) if year else t(f"level-{degree}-any")


def table(leads: list[ExportLead], t: Translate, zone: tzinfo) -> tuple[list[str], list[list[Any]]]:
    """Headers and rows in the reader's language; shared-at in the forum's zone."""
    headers = [t(f"leads-export-col-{column}") for column in COLUMNS]
    statuses = {status: t(f"lead-status-{status}") for status in _statuses(leads)}
    kinds: dict[str, str] = {}
    levels: dict[tuple[str | None, int | None], str] = {}
    rows = []
    for lead in leads:
        for kind in lead.seeking:
            if kind not in kinds:
                kinds[kind] = t(f"kind-{kind}")
        key = (lead.degree, lead.study_year)
        if key not in levels:
            levels[key] = _level(t, *key)
        rows.append(
            [
                guard(lead.name or ""),
                f"tg://user?id={lead.user_id}",
                guard(lead.phone or ""),
                guard(lead.email or ""),
                guard(lead.university or ""),
                levels[key],
                guard(lead.field or ""),
                guard(lead.interests or ""),
                ", ".join(kinds[kind] for kind in lead.seeking),
                round(lead.score),
                statuses[lead.status],
                guard(lead.note or ""),
                lead.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    return headers, rows


def _statuses(leads: list[ExportLead]) -> set[str]:
    return {lead.status for lead in leads}


def to_csv(headers: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")
