"""Report exports never turn a name into a formula (issue: CSV/formula injection): a clerk or
carrier called "=HYPERLINK(…)" or "@SUM(…)" opens as that text in Excel/WPS; amounts stay
numbers, negative ones too."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from openpyxl import Workbook, load_workbook

from station.audit import Actor
from station.domain.cells import csv_cell, csv_row, neutralise_workbook
from station.services import reports, staff

from .helpers import take_in

EVIL = '=HYPERLINK("http://evil.example","点我")'


def test_cells_that_start_like_formulas_become_text_numbers_do_not() -> None:
    assert csv_row([EVIL, "@SUM(1+1)", "+86 cmd", "-2+3", "\tx", "\r=1"]) == [
        "'" + EVIL, "'@SUM(1+1)", "'+86 cmd", "'-2+3", "'\tx", "'\r=1"]
    assert csv_row([-1250, -12.5, "-12.50", "+3", "王芳", "", None]) == [
        -1250, -12.5, "-12.50", "+3", "王芳", "", None]
    assert csv_cell("a=b") == "a=b"  # only a leading trigger is dangerous


def test_xlsx_cells_are_text_not_formulas(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append([EVIL, "@SUM(1)", -12.5, "-12.50"])
    assert ws["A1"].data_type == "f"  # what openpyxl would have written
    assert neutralise_workbook(wb) == 2
    wb.save(tmp_path / "x.xlsx")
    cells = load_workbook(tmp_path / "x.xlsx").active
    assert cells["A1"].data_type == "s" and cells["A1"].value == EVIL
    assert cells["B1"].data_type == "s"
    assert cells["C1"].value == -12.5 and cells["C1"].data_type == "n"


def test_daily_report_exports_neutralise_a_clerk_named_like_a_formula(owner: Actor,
                                                                     tmp_path: Path) -> None:
    staff.add_staff(owner, EVIL, "clerk", "2468")
    evil = staff.authenticate(EVIL, "2468", "test")
    take_in(evil)
    report = reports.daily(owner, date.today())
    rows = list(csv.reader((reports.write_csv(report, tmp_path / "r.csv"))
                           .read_text(encoding="utf-8-sig").splitlines()))
    clerk_cells = [row[1] for row in rows if row[0] == "clerk"]
    assert "'" + EVIL in clerk_cells and EVIL not in clerk_cells
    assert all(not cell.startswith(("=", "@")) for row in rows for cell in row)
    reports.write_xlsx(report, tmp_path / "r.xlsx")
    book = load_workbook(tmp_path / "r.xlsx")
    texts = [c for ws in book.worksheets for row in ws.iter_rows() for c in row
             if c.value == EVIL]
    assert texts and all(c.data_type == "s" for c in texts)
    assert not [c for ws in book.worksheets for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
