"""Spreadsheet cells that cannot turn into formulas (CSV/formula injection, OWASP).

A recipient called ``=HYPERLINK("http://evil","点我")`` or ``@SUM(1+1)*cmd|' /C calc'!A0``
must open in Excel or WPS as that text, not run. Text starting with = + - @, a tab or a
carriage return gets a leading apostrophe in CSV, and is written as a quoted text cell in
XLSX. Numbers stay numbers: -12.50 yuan of a refund is a number, not text, and so is a plain
numeric string such as "-12.50".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")


def is_risky(value: Any) -> bool:  # noqa: ANN401 - any cell value
    return (isinstance(value, str) and value.startswith(TRIGGERS)
            and _PLAIN_NUMBER.fullmatch(value) is None)


def csv_cell(value: Any) -> Any:  # noqa: ANN401 - any cell value
    return "'" + value if is_risky(value) else value


def csv_row(row: Iterable[Any]) -> list[Any]:
    return [csv_cell(value) for value in row]


def neutralise_sheet(ws: Any) -> int:  # noqa: ANN401 - an openpyxl worksheet
    """Make every risky text cell of ``ws`` plain quoted text; returns how many it changed.
    (openpyxl would store "=…" as a formula.)"""
    changed = 0
    for row in ws.iter_rows():
        for cell in row:
            if is_risky(cell.value):
                cell.data_type = "s"
                cell.quotePrefix = True
                changed += 1
    return changed


def neutralise_workbook(wb: Any) -> int:  # noqa: ANN401 - an openpyxl workbook
    return sum(neutralise_sheet(ws) for ws in wb.worksheets)
