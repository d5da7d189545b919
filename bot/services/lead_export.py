"""/export: an organisation's leads as CSV (UTF-8 with BOM, so Excel shows Cyrillic) and XLSX.

Only leads that still exist are read: a student who withdrew or erased their data is not there.
Every text cell that a spreadsheet would take for a formula (starting with = + - @, or a tab or
carriage return) is prefixed with an apostrophe, in both files.
"""

from __future__ import annotations

import asyncio
import csv
import io
import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import partial
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
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
_SHEET_UNSAFE = re.compile(r"[\\/?*\[\]:]")


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


async def build_xlsx(headers: list[str], rows: list[list[Any]], *, title: str = "Leads") -> bytes:
    """`to_xlsx` in a separate process: openpyxl needs ~10 µs of CPU per cell (seconds for
    thousands of leads), which would otherwise hold the interpreter and slow every other
    update of this bot process meanwhile."""
    loop = asyncio.get_running_loop()
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    try:
        return await loop.run_in_executor(pool, partial(to_xlsx, headers, rows, title=title))
    finally:
        pool.shutdown(wait=False)


def to_xlsx(headers: list[str], rows: list[list[Any]], *, title: str = "Leads") -> bytes:
    """An XLSX workbook, written in openpyxl's write-only mode (streams rows, fast and lean)."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_SHEET_UNSAFE.sub("", title)[:31] or "Leads")
    sheet.append(headers)
    illegal = ILLEGAL_CHARACTERS_RE.sub
    for row in rows:
        # Control characters a person may have typed are not allowed in XLSX cells.
        sheet.append([illegal("", v) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
