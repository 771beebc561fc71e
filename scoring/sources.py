"""Where each rank came from: the split the 1399 announcement makes between offices that took
part and those that did not.

An office's result has one source: `declared` (scored on its declaration this period),
`carried_forward` (its last confirmed data, the rule «not announcing changes counts as
confirming the previous information») or `minimum` (no data at all: the minimum score and the
lowest rank). For every office type and region this module counts the offices, how many have a
result from each source, and the ranks within each source, so that a report can say how many
rank-3 offices are rank 3 only because nothing was known of them. The three parts always sum to
the ranked offices, and the ranks of each part to the part.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from scoring.stats import TOTAL_KEY, Group, _groups_with, region_groups, type_groups

SOURCES = ("declared", "carried_forward", "minimum")


@dataclass(frozen=True, slots=True)
class OfficeSource:
    """One office: its type, region, where its result came from (None: not ranked) and rank."""

    office_type: str
    region_code: str
    source: str | None
    rank: int | None


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One group: `registered` offices, `ranked` of them, and per source (in `SOURCES` order)
    how many and how many of each rank (`ranks[s][0]` is rank 1)."""

    key: str
    name_fa: str
    name_en: str
    registered: int
    ranked: int
    counts: tuple[int, ...]
    ranks: tuple[tuple[int, ...], ...]

    def name(self, lang: str) -> str:
        return self.name_fa if lang == "fa" else self.name_en

    def count(self, source: str) -> int:
        return self.counts[SOURCES.index(source)]


@dataclass(frozen=True, slots=True)
class SourceTable:
    by: str  # "type" or "region"
    rank_count: int
    rows: tuple[SourceRow, ...]
    total: SourceRow


@dataclass(frozen=True, slots=True)
class SourceStats:
    by_type: SourceTable
    by_region: SourceTable


def _row(key: str, fa: str, en: str, registered: int, ranks: Sequence[Sequence[int]]
         ) -> SourceRow:
    counts = tuple(sum(r) for r in ranks)
    return SourceRow(key, fa, en, registered, sum(counts), counts,
                     tuple(tuple(r) for r in ranks))


def _table(by: str, groups: Sequence[Group], key_of: str, results: Sequence[OfficeSource],
           rank_count: int) -> SourceTable:
    registered = {g[0]: 0 for g in groups}
    ranks = {g[0]: [[0] * rank_count for _ in SOURCES] for g in groups}
    for result in results:
        key = str(getattr(result, key_of))
        registered[key] += 1
        if result.source is None or result.rank is None:
            continue
        if result.source not in SOURCES:
            raise ValueError(f"unknown source {result.source!r}")
        if not 1 <= result.rank <= rank_count:
            raise ValueError(f"rank {result.rank} outside 1–{rank_count}")
        ranks[key][SOURCES.index(result.source)][result.rank - 1] += 1
    rows = tuple(_row(key, fa, en, registered[key], ranks[key]) for key, fa, en in groups)
    sums = [[sum(row.ranks[s][r] for row in rows) for r in range(rank_count)]
            for s in range(len(SOURCES))]
    total = _row(TOTAL_KEY, "جمع", "Total", sum(r.registered for r in rows), sums)
    return SourceTable(by, rank_count, rows, total)


def source_stats(results: Iterable[OfficeSource], regions: Mapping[str, tuple[str, str]],
                 rank_count: int = 3) -> SourceStats:
    rows = list(results)
    return SourceStats(
        by_type=_table("type", _groups_with(type_groups(), rows, "office_type"), "office_type",
                       rows, rank_count),
        by_region=_table("region", region_groups(regions, rows), "region_code", rows,
                         rank_count))
