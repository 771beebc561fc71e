"""The period report: XLSX, CSV and the rank chart, written from the statistics tables."""

from __future__ import annotations

import csv
import random
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from documents.reports import (
    FONT_PATH,
    matplotlib_shapes_text,
    shape,
    table_rows,
    write_csv,
    write_rank_chart,
    write_xlsx,
)
from scoring.stats import OfficeResult, PeriodStats, period_stats
from texts.i18n import Translator

REGIONS = {"1": ("تهران", "Tehran"), "2": ("شمال غرب", "North-West"), "7": ("جنوب", "South"),
           "8": ("جنوب شرق", "South-East"), "9": ("مرکزی", "Central")}


def make_stats(seed: int = 2, n: int = 800) -> PeriodStats:
    rng = random.Random(seed)
    results = []
    for _ in range(n):
        office_type = "urban" if rng.random() < 0.83 else "rural_ict"
        declared = rng.random() < 0.55
        rank = rng.choices([1, 2, 3], [57, 41, 2])[0] if declared else rng.choice([2, 3, None])
        results.append(OfficeResult(office_type, rng.choice(list(REGIONS)), declared, rank))
    return period_stats(results, REGIONS, "ششماههٔ نخست ۱۴۰۴", "H1 1404")


def test_xlsx_has_one_right_to_left_sheet_per_table_with_persian_headers(tmp_path: Path) -> None:
    stats = make_stats()
    path = write_xlsx(stats, tmp_path / "report.xlsx")
    book = load_workbook(path)
    t = Translator("fa")
    assert book.sheetnames == [t("report-sheet-participation-by-type"),
                               t("report-sheet-participation-by-region"),
                               t("report-sheet-ranks-by-type"), t("report-sheet-ranks-by-region")]
    assert book.sheetnames[0] == "مشارکت به تفکیک نوع دفتر"
    for sheet, (_name, table) in zip(book.worksheets, stats.tables(), strict=True):
        assert sheet.sheet_view.rightToLeft is True
        header, rows = table_rows(table, "fa")
        values = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert values[0] == header
        assert values[-1][0] == "جمع"
        assert len(values) == len(table.rows) + 2
        for written, expected in zip(values[1:], rows, strict=True):
            assert written[0] == expected[0]
            assert [Decimal(str(v)) for v in written[1:]] == [Decimal(v) for v in expected[1:]]
    ranks = book.worksheets[2]
    assert ranks["B1"].value == "رتبهٔ ۱" and ranks["A2"].value.startswith("دفتر پیشخوان")


def test_xlsx_tables_add_up(tmp_path: Path) -> None:
    book = load_workbook(write_xlsx(make_stats(seed=9), tmp_path / "r.xlsx"))
    for sheet in book.worksheets[:2]:
        rows = [r for r in sheet.iter_rows(min_row=2, values_only=True)]
        *body, total = rows
        assert all(declared <= registered for _n, registered, declared, _p in rows)
        assert total[1] == sum(r[1] for r in body) and total[2] == sum(r[2] for r in body)
    for sheet in book.worksheets[2:]:
        rows = [r for r in sheet.iter_rows(min_row=2, values_only=True)]
        *body, total = rows
        for row in rows:
            assert sum(row[1:4]) == row[4]  # ranks sum to the offices ranked
        for column in range(1, 5):
            assert total[column] == sum(r[column] for r in body)


def test_xlsx_in_english_is_left_to_right(tmp_path: Path) -> None:
    book = load_workbook(write_xlsx(make_stats(), tmp_path / "en.xlsx", lang="en"))
    sheet = book["Ranks by office type"]
    assert sheet.sheet_view.rightToLeft is False
    assert [c.value for c in sheet[1]][:5] == ["Office type", "Rank 1", "Rank 2", "Rank 3",
                                               "Offices ranked"]
    assert sheet.cell(row=sheet.max_row, column=1).value == "Total"


@pytest.mark.parametrize("target", ["folder", "report.csv"])
def test_csv_writes_one_file_per_table(tmp_path: Path, target: str) -> None:
    stats = make_stats()
    paths = write_csv(stats, tmp_path / target)
    assert len(paths) == 4 and all(p.exists() for p in paths)
    if target == "folder":
        assert paths[0] == tmp_path / "folder" / "participation_by_type.csv"
    else:
        assert paths[3] == tmp_path / "report-ranks_by_region.csv"
    assert paths[0].read_bytes().startswith(b"\xef\xbb\xbf")  # BOM, for Excel
    with paths[2].open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    header, rows_expected = table_rows(stats.ranks_by_type, "fa")
    assert rows[0] == header
    assert rows[1:] == [[str(v) for v in row] for row in rows_expected]


def test_rank_chart_is_a_png(tmp_path: Path) -> None:
    for lang in ("fa", "en"):
        path = write_rank_chart(make_stats(), tmp_path / f"ranks-{lang}.png", lang=lang)
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        width = int.from_bytes(data[16:20], "big")
        height = int.from_bytes(data[20:24], "big")
        assert width > height > 400


def test_persian_labels_are_shaped_for_this_matplotlib() -> None:
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    word = "تهران"
    if matplotlib_shapes_text():
        assert shape(word) == word  # shaping again would reverse it
    else:
        assert shape(word) != word
        assert all("\ufb50" <= ch <= "\ufeff" for ch in shape(word))  # presentation forms
    # Joined letters are narrower than the same letters drawn one by one.
    font = FontProperties(fname=str(FONT_PATH), size=20)
    measure = TextToPath().get_text_width_height_descent
    joined = measure(shape(word), font, ismath=False)[0]
    apart = sum(measure(shape(ch), font, ismath=False)[0] for ch in word)
    assert joined < apart * 0.9


def test_the_font_is_bundled_with_its_licence() -> None:
    assert FONT_PATH.exists() and FONT_PATH.stat().st_size > 50_000
    licence = (FONT_PATH.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Vazirmatn" in licence
