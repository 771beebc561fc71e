"""Registry import on SQLite and PostgreSQL: the clean file, re-import, every kind of bad row."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from services.errors import Invalid
from services.registry import import_offices, import_regions
from services.uow import UnitOfWork
from storage.models import Office, Province, Region
from texts.i18n import Translator

HEADER = "office_code,office_name,office_type,region_code,province,city,holder_name,holder_phone\n"
GOOD = "11110001,دفتر پیشخوان ساری ۱,urban,4,مازندران,ساری,زهرا رضایی,09121234567\n"


async def _load_regions(sessionmaker, regions_csv: Path) -> None:
    report = await import_regions(UnitOfWork(sessionmaker), regions_csv)
    assert not report.rejected


async def test_clean_registry_imports_then_reimports_unchanged(sessionmaker, registry_files):
    regions_csv, offices_csv = registry_files
    await _load_regions(sessionmaker, regions_csv)
    report = await import_offices(UnitOfWork(sessionmaker), offices_csv)
    assert (report.inserted, report.updated, report.unchanged, report.rejected) == (7943, 0, 0, [])
    async with sessionmaker() as session:
        counts = dict((await session.execute(
            select(Office.office_type, func.count()).group_by(Office.office_type))).all())
        assert counts == {"urban": 6630, "rural_ict": 1313}
        assert await session.scalar(select(func.count()).select_from(Region)) == 9
        assert await session.scalar(select(func.count()).select_from(Province)) == 31
        phones = (await session.scalars(select(Office.holder_phone))).all()
        assert all(p.startswith("+989") and len(p) == 13 for p in phones)
    again = await import_offices(UnitOfWork(sessionmaker), offices_csv)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 7943)


async def test_a_changed_row_is_updated(sessionmaker, registry_files, tmp_path):
    await _load_regions(sessionmaker, registry_files[0])
    first = tmp_path / "a.csv"
    first.write_text(HEADER + GOOD, encoding="utf-8")
    assert (await import_offices(UnitOfWork(sessionmaker), first)).inserted == 1
    first.write_text(HEADER + GOOD.replace("زهرا رضایی", "مریم رضایی"), encoding="utf-8")
    report = await import_offices(UnitOfWork(sessionmaker), first)
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 0)
    async with sessionmaker() as session:
        assert await session.scalar(select(Office.holder_name)) == "مریم رضایی"


BAD_ROWS = [
    ("11110002,دفتر,urban,42,مازندران,ساری,علی,09121234567\n", "region_code", "unknown region"),
    ("11110002,دفتر,urban,4,مازندران,ساری,علی,021-88776655\n", "holder_phone", "not a mobile"),
    ("11110002,دفتر,city,4,مازندران,ساری,علی,09121234567\n", "office_type", "unknown type"),
    ("11110001,دفتر دیگر,urban,4,مازندران,ساری,علی,09121234567\n", "office_code", "duplicate"),
    ("11110002,دفتر,urban,4,فارس,شیراز,علی,09121234567\n", "province", "belongs to region 7"),
    ("abc,دفتر,urban,4,مازندران,ساری,علی,09121234567\n", "office_code", "not a numeric code"),
    ("11110002,,urban,4,مازندران,ساری,علی,09121234567\n", "office_name", "empty"),
]


@pytest.mark.parametrize(("row", "column", "reason"), BAD_ROWS)
async def test_each_bad_row_is_reported_and_nothing_is_written(
        sessionmaker, registry_files, tmp_path, row, column, reason):
    await _load_regions(sessionmaker, registry_files[0])
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + GOOD + row, encoding="utf-8")
    report = await import_offices(UnitOfWork(sessionmaker), path)
    assert not report.written
    assert [(e.row, e.column) for e in report.rejected] == [(3, column)]
    assert reason in report.rejected[0].reason
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Office)) == 0
    skipped = await import_offices(UnitOfWork(sessionmaker), path, skip_bad=True)
    assert skipped.written and skipped.inserted == 1
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Office)) == 1


@pytest.mark.parametrize(("content", "message"), [
    (b"", "no rows"),
    (HEADER.encode(), "no data rows"),
    (b"office_code,office_name\n1,x\n", "missing columns"),
    ((HEADER + GOOD).encode("utf-16"), "not UTF-8"),
])
async def test_unreadable_files_are_refused_whole(sessionmaker, registry_files, tmp_path,
                                                 content, message):
    await _load_regions(sessionmaker, registry_files[0])
    path = tmp_path / "broken.csv"
    path.write_bytes(content)
    with pytest.raises(Invalid) as refused:
        await import_offices(UnitOfWork(sessionmaker), path)
    assert message in Translator("en")(refused.value.code, **refused.value.params)


async def test_bom_and_persian_headers_in_xlsx(sessionmaker, registry_files, tmp_path):
    from openpyxl import Workbook

    await _load_regions(sessionmaker, registry_files[0])
    book = Workbook()
    sheet = book.active
    sheet.append(["کد دفتر", "نام دفتر", "نوع دفتر", "کد منطقه", "استان", "شهر",
                  "نام دارنده پروانه", "تلفن همراه دارنده پروانه"])
    sheet.append([11110001, "دفتر پیشخوان شیراز", "شهری", 7, "فارس", "شیراز", "علي كريمي",
                  "۰۰۹۸۹۱۷۱۲۳۴۵۶۷"])
    sheet.append(["11110002", "دفتر ICT روستایی دهکده", "روستایی", "۸", "کرمان", "دهکده",
                  "سارا احمدی", 9131234567])
    path = tmp_path / "registry.xlsx"
    book.save(path)
    report = await import_offices(UnitOfWork(sessionmaker), path)
    assert report.rejected == [] and report.inserted == 2
    async with sessionmaker() as session:
        offices = {o.code: o for o in (await session.scalars(select(Office))).all()}
    assert offices["11110001"].office_type == "urban"
    assert offices["11110001"].holder_name == "علی کریمی"  # Arabic letters normalised
    assert offices["11110001"].holder_phone == "+989171234567"
    assert offices["11110002"].office_type == "rural_ict"
    assert offices["11110002"].holder_phone == "+989131234567"

    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + (HEADER + GOOD.replace("11110001", "11110003")).encode())
    assert (await import_offices(UnitOfWork(sessionmaker), bom, dry_run=True)).inserted == 1


async def test_names_are_stored_as_registered(sessionmaker, registry_files, tmp_path):
    """Normalising is for matching: a name keeps its zero-width non-joiner (خمینی‌شهر, not
    خمینیشهر); a province written with Arabic letters or a stray mark still matches."""
    regions_csv, offices_csv = registry_files
    await _load_regions(sessionmaker, regions_csv)
    path = tmp_path / "zwnj.csv"
    path.write_text(HEADER + "11110001,دفتر پیشخوان خدمات دولت خمینی\u200cشهر 3824,urban,9,"
                    "اصفهان\u200f,خمینی\u200cشهر,علي  كريمی\u200cنژاد,09121234567\n",
                    encoding="utf-8")
    report = await import_offices(UnitOfWork(sessionmaker), path)
    assert report.rejected == [] and report.inserted == 1
    async with sessionmaker() as session:
        office = await session.scalar(select(Office))
    assert office.name == "دفتر پیشخوان خدمات دولت خمینی\u200cشهر 3824"
    assert office.city == "خمینی\u200cشهر"
    assert office.holder_name == "علی کریمی\u200cنژاد"
    assert office.province == "اصفهان"  # the registered province, as the regions file has it

    await import_offices(UnitOfWork(sessionmaker), offices_csv)
    with offices_csv.open(encoding="utf-8-sig") as handle:
        joined = sum("\u200c" in line.split(",")[1] for line in handle.readlines()[1:])
    async with sessionmaker() as session:
        names = (await session.scalars(select(Office.name))).all()
    assert joined == 458 and sum("\u200c" in name for name in names) == joined + 1
