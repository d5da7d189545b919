"""/export: two documents, CSV with a BOM and XLSX, Cyrillic intact, formulas neutralised."""

from __future__ import annotations

import csv
import io

from aiogram import Bot
from openpyxl import load_workbook

from bot.services.lead_export import guard
from tests.leads.conftest import Fair


def test_guard_prefixes_what_a_spreadsheet_would_run() -> None:
    for value in ("=1+1", "+7701", "-2", "@SUM(A1)", "\t=x", "\r=x"):
        assert guard(value) == "'" + value
    for value in ("Айгерим", "1+1", "a=b", ""):
        assert guard(value) == value


async def test_export_sends_csv_and_xlsx(fair: Fair, running: Bot) -> None:
    await fair.student(
        "Айгерім Сәрсенова", phone="+77011234567", email="a@example.kz",
        university="ҚазҰУ", field_of_study="Информатика", interests="=HYPERLINK(\"x\")",
        seeking=["internship", "job"], language="kk",
    )  # fmt: skip
    await fair.student("@boss", university="-KBTU")
    rep = await fair.rep("Rep", language="ru")
    await rep.send("/export")
    preparing = await rep.next_message()
    assert "Готовлю выгрузку" in preparing.text
    csv_message = await rep.next_message()
    xlsx_message = await rep.next_message()
    assert csv_message.document is not None
    assert xlsx_message.document is not None
    assert csv_message.document.file_name == "leads-ghalam.csv"
    assert xlsx_message.document.file_name == "leads-ghalam.xlsx"
    assert "Контакты" in (csv_message.caption or "")

    raw = csv_message.document.content
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel reads the file as UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [
        "Имя", "Telegram", "Телефон", "E-mail", "Университет", "Курс и ступень", "Специальность",
        "Интересы", "Ищет", "Совпадение, %", "Статус", "Заметка", "Дата",
    ]  # fmt: skip
    newest, older = rows[1], rows[2]
    assert newest[0] == "'@boss"
    assert newest[4] == "'-KBTU"
    assert older[0] == "Айгерім Сәрсенова"
    assert older[1].startswith("tg://user?id=")
    assert older[2] == "'+77011234567"
    assert older[4] == "ҚазҰУ"
    assert older[5] == "Бакалавриат, 3 курс"
    assert older[7] == '\'=HYPERLINK("x")'
    assert older[9] == "80"
    assert older[10] == "Новый"
    assert older[12] == "2025-10-01 11:00"  # 06:00 UTC in Almaty

    book = load_workbook(io.BytesIO(xlsx_message.document.content), read_only=True)
    sheet = book.worksheets[0]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Имя"
    assert values[2][0] == "Айгерім Сәрсенова"
    assert values[2][7] == '\'=HYPERLINK("x")'
    assert values[1][0] == "'@boss"
    assert values[2][9] == 80
    assert len(values) == 3
    book.close()


async def test_export_of_nothing_says_so(fair: Fair, running: Bot) -> None:
    rep = await fair.rep("Rep")
    await rep.send("/export")
    assert "no leads to export" in (await rep.next_message()).text
