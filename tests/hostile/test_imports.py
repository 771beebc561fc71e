"""Hostile imports: a registry or scores file with a huge field, a NUL byte or a broken quote is
answered with one short line per bad row, never a traceback, and nothing is written."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from services import registry
from services.association import import_scores
from services.errors import ServiceError
from services.uow import UnitOfWork
from storage.models import ExternalScore, Office, Region
from tests.admin.conftest import DATA, count

BIG = "۱" * 200_000  # a 200 KB field (Persian digits: the code, region and phone parse them)
HEADER = ["office_code", "office_name", "office_type", "region_code", "province", "city",
          "holder_name", "holder_phone"]
GOOD = ["16598444", "دفتر پیشخوان خدمات دولت ساری ۸۴۴۴", "urban", "4", "مازندران", "ساری",
        "زهرا رضایی", "09382413657"]
LONGEST_LINE = 300


def _write(path: Path, rows: list[list[str]]) -> Path:
    if path.suffix == ".xlsx":
        book = Workbook()
        for row in rows:
            book.active.append(row)
        book.save(path)
    else:
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    return path


def _bad(column: int, value: str) -> list[str]:
    row = list(GOOD)
    row[column] = value
    row[0] = "16598499" if column != 0 else value
    return row


# (column of the bad row, its value): every column, 200 KB or hostile in another way
OFFICE_CASES = [(i, BIG) for i in range(len(HEADER))] + [
    (1, "دفتر\x00پیشخوان"), (6, "\x00"), (1, "x" * 5000), (3, "9" * 5000), (0, "1" * 5000),
    (7, "0912" + "1" * 4996),
]


@pytest.mark.parametrize(("suffix", "column", "value"), [
    (suffix, column, value) for column, value in OFFICE_CASES for suffix in (".csv", ".xlsx")
    if suffix == ".csv" or "\x00" not in value])  # an XLSX cannot hold a NUL
async def test_an_office_row_with_a_hostile_field_is_one_line_and_nothing_is_written(
        sessionmaker: Any, tmp_path: Path, suffix: str, column: int, value: str) -> None:
    await registry.import_regions(UnitOfWork(sessionmaker), DATA / "demo_regions.csv")
    path = _write(tmp_path / f"offices{suffix}", [HEADER, GOOD, _bad(column, value), GOOD[:1]
                                                 + ["دفتر دوم", *GOOD[2:]]])
    report = await registry.import_offices(UnitOfWork(sessionmaker), path)
    assert report.rejected and {e.row for e in report.rejected} >= {3}
    assert all(len(f"{e.row} {e.column} {e.reason}") < LONGEST_LINE for e in report.rejected)
    assert not report.written and await count(sessionmaker, Office) == 0


async def test_a_broken_quote_over_a_huge_field_is_reported_and_nothing_is_written(
        sessionmaker: Any, tmp_path: Path) -> None:
    await registry.import_regions(UnitOfWork(sessionmaker), DATA / "demo_regions.csv")
    path = tmp_path / "offices.csv"
    path.write_text(",".join(HEADER) + "\n" + ",".join(GOOD) + '\n16598499,"' + "x" * 200_000
                    + "\nmore\",urban\n", encoding="utf-8")
    report = await registry.import_offices(UnitOfWork(sessionmaker), path)
    assert report.rejected and not report.written
    assert all(len(e.reason) < LONGEST_LINE for e in report.rejected)
    assert await count(sessionmaker, Office) == 0


@pytest.mark.parametrize("column", range(5))
async def test_a_regions_row_with_a_200_kb_field_is_one_line_and_nothing_is_written(
        sessionmaker: Any, tmp_path: Path, column: int) -> None:
    row = ["1", "تهران", "Tehran", "تهران", "تهران"]
    row[column] = BIG
    path = _write(tmp_path / "regions.csv", [
        ["region_code", "region_name", "region_name_en", "seat", "province"],
        ["2", "شمال غرب", "North-West", "تبریز", "آذربایجان شرقی"], row])
    report = await registry.import_regions(UnitOfWork(sessionmaker), path)
    assert [e.row for e in report.rejected] == [3]
    assert all(len(e.reason) < LONGEST_LINE for e in report.rejected)
    assert not report.written and await count(sessionmaker, Region) == 0


@pytest.mark.parametrize("value", [BIG, "9" * 5000, "۸۰\x00"])
@pytest.mark.parametrize("where", ["code", "score"])
async def test_a_scores_row_with_a_hostile_field_is_one_line_and_nothing_is_written(
        world: Any, tmp_path: Path, value: str, where: str) -> None:
    row = ["16598444", "80"]
    row[0 if where == "code" else 1] = value
    path = _write(tmp_path / "scores.csv", [["office_code", "score"], ["16598445", "70"], row])
    try:
        report = await import_scores(world.uow(), None, path, "association",
                                     period_code=world.period.code)
    except ServiceError as error:  # refused whole, as a catalog code: also one line
        assert len(str(error.params)) < LONGEST_LINE
    else:
        assert [e.row for e in report.rejected] == [3] and not report.written
        assert all(len(e.reason) < LONGEST_LINE for e in report.rejected)
    assert await count(world.sessionmaker, ExternalScore) == 0
