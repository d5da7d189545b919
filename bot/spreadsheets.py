"""XLSX workbooks, in a separate process (imports nothing of the bot: starting it is cheap).

openpyxl needs ~10 µs of CPU per cell, seconds for thousands of rows; in the bot's process that
would hold the interpreter and slow every other update meanwhile.
"""

from __future__ import annotations

import asyncio
import io
import multiprocessing
import re
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any

_SHEET_UNSAFE = re.compile(r"[\\/?*\[\]:]")


def to_xlsx(headers: list[str], rows: list[list[Any]], *, title: str = "Sheet") -> bytes:
    """One sheet, written in openpyxl's write-only mode (streams rows, fast and lean).

    openpyxl is imported here, in the process that writes (see `build_xlsx`): imported at the top
    it would add ~9 MB to the bot's process for good."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_SHEET_UNSAFE.sub("", title)[:31] or "Sheet")
    sheet.append(headers)
    illegal = ILLEGAL_CHARACTERS_RE.sub
    for row in rows:
        # Control characters a person may have typed are not allowed in XLSX cells.
        sheet.append([illegal("", v) if isinstance(v, str) else v for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def build_xlsx(headers: list[str], rows: list[list[Any]], *, title: str = "Sheet") -> bytes:
    """`to_xlsx` in a fresh process (spawned: safe beside the event loop's threads)."""
    loop = asyncio.get_running_loop()
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
    try:
        return await loop.run_in_executor(pool, partial(to_xlsx, headers, rows, title=title))
    finally:
        pool.shutdown(wait=False)
