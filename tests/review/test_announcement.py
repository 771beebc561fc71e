"""The announcement's statistics after a scripted period on the shared 7,943-office registry
(issue 21, item 3): some offices declared, some carried forward, some without data. For every
office type and region the three parts sum to the ranked offices, the ranks of each part to the
part, and every figure agrees with the per-office export. SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from documents.announcement import office_rows, source_rows, write_source_chart
from documents.tables import write_table
from scoring.sources import SOURCES
from services.accounts import identify
from services.errors import Forbidden
from services.staff import add_staff
from services.statistics import announcement, office_results
from services.uow import UnitOfWork
from storage.ranking import rank_period
from tests.review.test_ranking import NOW, _setup


async def test_the_three_sources_add_up_and_match_the_export(
        sessionmaker: Any, registry_files: Any, tmp_path: Path) -> None:
    world = await _setup(sessionmaker, registry_files)
    code = world["this"].code
    async with sessionmaker() as session:
        await rank_period(session, world["this"].id, NOW)
        await session.commit()
    found = await announcement(UnitOfWork(sessionmaker), code)
    export = await office_results(UnitOfWork(sessionmaker), code)
    lines = export.lines
    assert len(lines) == 7943
    by_source = Counter(line.source for line in lines)
    assert all(by_source[s] > 0 for s in SOURCES), by_source  # the script has all three

    for table, key_of in ((found.sources.by_type, "office_type"),
                          (found.sources.by_region, "region_code")):
        for row in (*table.rows, table.total):
            assert sum(row.counts) == row.ranked <= row.registered
            for s, source in enumerate(SOURCES):
                assert sum(row.ranks[s]) == row.counts[s]
                mine = [x for x in lines if x.source == source and (
                    row.key == "total" or str(getattr(x, key_of)) == row.key)]
                assert row.counts[s] == len(mine), (row.key, source)
                assert list(row.ranks[s]) == [sum(1 for x in mine if x.rank == r)
                                              for r in range(1, table.rank_count + 1)]
        assert table.total.ranked == 7943
    # The announcement's own rank tables count the same offices.
    assert [r.ranked for r in found.stats.ranks_by_region.rows] == [
        r.ranked for r in found.sources.by_region.rows]

    # Files: the export's rows and the sources' sheet; a chart in Persian.
    header, rows = office_rows(export, "fa")
    assert header[0] == "کد دفتر" and len(rows) == 7943
    path = write_table(header, rows, tmp_path / "offices.xlsx", sheet="offices", rtl=True)
    sheet = load_workbook(path, read_only=True).active
    assert sheet.max_row == 7944
    source_header, table_rows = source_rows(found.sources.by_region, "fa")
    assert table_rows[-1][1] == 7943 and len(source_header) == 3 + 4 * 3
    chart = write_source_chart(found.sources.by_region, tmp_path / "sources.png", "fa")
    assert chart.stat().st_size > 10_000


async def test_a_reviewer_exports_their_region_only(sessionmaker: Any, registry_files: Any
                                                   ) -> None:
    world = await _setup(sessionmaker, registry_files)
    async with sessionmaker() as session:
        await rank_period(session, world["this"].id, NOW)
        await session.commit()
    await add_staff(UnitOfWork(sessionmaker), platform="bale", user_id=41, role="reviewer",
                    region=4, name="منطقه")
    reviewer = await identify(UnitOfWork(sessionmaker), "bale", 41)
    mine = await office_results(UnitOfWork(sessionmaker), world["this"].code, reviewer)
    assert mine.lines and {x.region_code for x in mine.lines} == {4}
    assert mine.regions == frozenset({4})
    owner = await identify(UnitOfWork(sessionmaker), "bale", 42)
    with pytest.raises(Forbidden):
        await office_results(UnitOfWork(sessionmaker), world["this"].code, owner)
    with pytest.raises(Forbidden):
        await announcement(UnitOfWork(sessionmaker), world["this"].code, reviewer)
