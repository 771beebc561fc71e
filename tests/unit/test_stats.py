"""Period statistics: the announcement's tables, and that they add up."""

from __future__ import annotations

import csv
import functools
import random
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.population import synthetic_office
from scoring.rubric import load_sample_rubric
from scoring.score import score_period
from scoring.stats import (
    TOTAL_KEY,
    OfficeResult,
    ParticipationTable,
    PeriodStats,
    RankTable,
    participation_by_type,
    percent,
    period_stats,
)

REGIONS = {str(i): (f"منطقه {i}", f"Region {i}") for i in range(1, 10)}


def load_regions(path: Path) -> dict[str, tuple[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return {row["region_code"]: (row["region_name"], row["region_name_en"])
                for row in csv.DictReader(handle)}


@functools.cache
def synthetic_period(offices: Path, seed: int = 1, limit: int | None = None,
                     ) -> tuple[OfficeResult, ...]:
    """Rank the shared registry with synthetic answers: some declare, some carry forward."""
    rubric = load_sample_rubric()
    rng = random.Random(seed)
    results = []
    with offices.open(encoding="utf-8") as handle:
        for i, row in enumerate(csv.DictReader(handle)):
            if limit is not None and i >= limit:
                break
            office = synthetic_office(rubric, row["office_type"], rng)
            declared = rng.random() < (0.58 if row["office_type"] == "urban" else 0.23)
            carried = None if declared or rng.random() < 0.3 else office.answers
            b = score_period(rubric, row["office_type"], office.answers if declared else None,
                             carried, office.external, office.negatives)
            results.append(OfficeResult(row["office_type"], row["region_code"], declared, b.rank))
    return tuple(results)


def assert_adds_up(stats: PeriodStats, results: Sequence[OfficeResult]) -> None:
    for _name, table in stats.tables():
        if isinstance(table, ParticipationTable):
            for row in (*table.rows, table.total):
                assert 0 <= row.declared <= row.registered
                assert row.percent == percent(row.declared, row.registered)
            assert table.total.registered == sum(r.registered for r in table.rows) == len(results)
            assert table.total.declared == sum(r.declared for r in table.rows) == sum(
                r.declared for r in results)
        else:
            assert isinstance(table, RankTable)
            for row in (*table.rows, table.total):
                assert sum(row.counts) == row.ranked
                assert all(p == percent(n, row.ranked) for n, p in zip(row.counts, row.percents,
                                                                       strict=True))
            for i in range(table.ranks):
                assert table.total.counts[i] == sum(r.counts[i] for r in table.rows)
            assert table.total.ranked == sum(1 for r in results if r.rank is not None)
    assert stats.participation_by_type.total == stats.participation_by_region.total
    assert stats.ranks_by_type.total == stats.ranks_by_region.total
    assert stats.ranks_by_type.total.key == TOTAL_KEY


def test_tables_of_a_synthetic_period_add_up(registry_files: tuple[Path, Path]) -> None:
    regions, offices = registry_files
    period = synthetic_period(offices, limit=3000)
    stats = period_stats(period, load_regions(regions), "ششماههٔ نخست ۱۴۰۴", "H1 1404")
    assert_adds_up(stats, period)
    assert [r.key for r in stats.participation_by_type.rows] == ["urban", "rural_ict"]
    assert [r.key for r in stats.ranks_by_region.rows] == [str(i) for i in range(1, 10)]
    assert stats.ranks_by_region.rows[0].name_fa == "تهران"
    assert stats.ranks_by_region.rows[0].name("en") == "Tehran"
    # Every office is ranked: declared, carried forward or given the minimum.
    assert stats.ranks_by_type.total.ranked == len(period)


def test_the_h1_1399_figures() -> None:
    # Participation as announced: 3,860 of 6,630 urban (58 %), 296 of 1,313 rural ICT (23 %).
    results = ([OfficeResult("urban", "1", True, None)] * 3860
               + [OfficeResult("urban", "1", False, None)] * (6630 - 3860)
               + [OfficeResult("rural_ict", "2", True, None)] * 296
               + [OfficeResult("rural_ict", "2", False, None)] * (1313 - 296))
    table = participation_by_type(results)
    urban, rural = table.rows
    assert (urban.registered, urban.declared, urban.percent) == (6630, 3860, Decimal("58.2"))
    assert (rural.registered, rural.declared, rural.percent) == (1313, 296, Decimal("22.5"))
    assert (table.total.registered, table.total.declared) == (7943, 4156)
    ranked = ([OfficeResult("urban", "1", True, r) for r, n in ((1, 2070), (2, 1600), (3, 202))
               for _ in range(n)])
    stats = period_stats(ranked, REGIONS)
    assert stats.ranks_by_type.rows[0].counts == (2070, 1600, 202)
    assert stats.ranks_by_type.rows[0].percents == (Decimal("53.5"), Decimal("41.3"),
                                                    Decimal("5.2"))
    assert stats.ranks_by_type.rows[1].ranked == 0
    assert stats.ranks_by_type.rows[1].percents == (Decimal("0.0"),) * 3


def test_regions_unknown_to_the_mapping_are_still_counted() -> None:
    results = [OfficeResult("urban", "1", True, 1), OfficeResult("urban", "12", True, 2),
               OfficeResult("urban", "x", False, None)]
    stats = period_stats(results, {"1": ("تهران", "Tehran")})
    assert [r.key for r in stats.participation_by_region.rows] == ["1", "12", "x"]
    assert stats.participation_by_region.rows[1].name_fa == "12"
    assert_adds_up(stats, results)


def test_a_rank_outside_the_rubric_is_an_error() -> None:
    with pytest.raises(ValueError, match="rank 4"):
        period_stats([OfficeResult("urban", "1", True, 4)], REGIONS)


def test_percent_rounds_half_up_to_one_place() -> None:
    assert percent(1, 8) == Decimal("12.5")
    assert percent(1, 3) == Decimal("33.3")
    assert percent(2, 3) == Decimal("66.7")
    assert percent(1, 16) == Decimal("6.3")  # 6.25 → 6.3, half up
    assert percent(0, 0) == Decimal("0.0")


RESULTS = st.lists(st.builds(
    OfficeResult, st.sampled_from(["urban", "rural_ict"]), st.sampled_from(list(REGIONS)),
    st.booleans(), st.none() | st.integers(1, 3)), max_size=200)


@settings(max_examples=60, deadline=None)
@given(RESULTS)
def test_any_period_adds_up(results: list[OfficeResult]) -> None:
    assert_adds_up(period_stats(results, REGIONS), results)
