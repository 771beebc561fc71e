"""Period statistics: the tables of the regulator's announcement.

The H1 1399 announcement gave participation by office type (6,630 urban, 3,860 declared = 58 %;
1,313 rural ICT, 296 = 23 %), where most registrations came from (by region), and ranks by office
type (urban 2,070 / 1,600 / 202; rural ICT 145 / 89 / 35). These four tables are computed here
from one row per office; `documents.reports` writes them as XLSX, CSV and a chart.

Percentages are Decimal, one decimal place, half up; a row with nothing to divide by shows 0.
Each table ends with a total row whose counts are the sums of the rows above.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from scoring.rubric import OFFICE_TYPE_TITLES, OFFICE_TYPES

TENTH = Decimal("0.1")
TOTAL_KEY = "total"


def percent(part: int, whole: int) -> Decimal:
    if whole <= 0:
        return Decimal(0).quantize(TENTH)
    return (Decimal(100) * part / whole).quantize(TENTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class OfficeResult:
    """One office at the end of a period. `declared`: it submitted in the window; `rank`: its
    rank (carried-forward and minimum ones included), None if not ranked yet."""

    office_type: str
    region_code: str
    declared: bool
    rank: int | None


@dataclass(frozen=True, slots=True)
class ParticipationRow:
    key: str
    name_fa: str
    name_en: str
    registered: int
    declared: int
    percent: Decimal

    def name(self, lang: str) -> str:
        return self.name_fa if lang == "fa" else self.name_en


@dataclass(frozen=True, slots=True)
class ParticipationTable:
    by: str  # "type" or "region"
    rows: tuple[ParticipationRow, ...]
    total: ParticipationRow


@dataclass(frozen=True, slots=True)
class RankRow:
    """Offices of each rank (`counts[0]` is rank 1), how many were ranked, and the percentage of
    each rank among them."""

    key: str
    name_fa: str
    name_en: str
    counts: tuple[int, ...]
    ranked: int
    percents: tuple[Decimal, ...]

    def name(self, lang: str) -> str:
        return self.name_fa if lang == "fa" else self.name_en


@dataclass(frozen=True, slots=True)
class RankTable:
    by: str  # "type" or "region"
    ranks: int
    rows: tuple[RankRow, ...]
    total: RankRow


@dataclass(frozen=True, slots=True)
class PeriodStats:
    period_fa: str
    period_en: str
    participation_by_type: ParticipationTable
    participation_by_region: ParticipationTable
    ranks_by_type: RankTable
    ranks_by_region: RankTable

    def tables(self) -> tuple[tuple[str, ParticipationTable | RankTable], ...]:
        """The four tables with a stable name each, in the announcement's order."""
        return (
            ("participation_by_type", self.participation_by_type),
            ("participation_by_region", self.participation_by_region),
            ("ranks_by_type", self.ranks_by_type),
            ("ranks_by_region", self.ranks_by_region),
        )


# Groups: (key, name_fa, name_en) in the order rows appear.
Group = tuple[str, str, str]


def type_groups() -> list[Group]:
    return [(t, *OFFICE_TYPE_TITLES[t]) for t in OFFICE_TYPES]


def region_groups(regions: Mapping[str, tuple[str, str]],
                  results: Iterable[OfficeResult] = ()) -> list[Group]:
    """Regions in code order (numerically where codes are numbers); codes met in `results` but
    missing from `regions` are listed under their code."""
    names = {str(code): name for code, name in regions.items()}
    for result in results:
        names.setdefault(str(result.region_code), (str(result.region_code),) * 2)
    ordered = sorted(names, key=lambda c: (0, int(c), c) if c.isdigit() else (1, 0, c))
    return [(code, names[code][0], names[code][1]) for code in ordered]


def _participation(by: str, groups: Sequence[Group], key_of: str,
                   results: Sequence[OfficeResult]) -> ParticipationTable:
    registered = dict.fromkeys((g[0] for g in groups), 0)
    declared = dict.fromkeys((g[0] for g in groups), 0)
    for result in results:
        key = str(getattr(result, key_of))
        registered[key] = registered.get(key, 0) + 1
        declared[key] = declared.get(key, 0) + int(result.declared)
    rows = tuple(ParticipationRow(key, fa, en, registered[key], declared[key],
                                  percent(declared[key], registered[key]))
                 for key, fa, en in groups)
    all_registered = sum(r.registered for r in rows)
    all_declared = sum(r.declared for r in rows)
    total = ParticipationRow(TOTAL_KEY, "جمع", "Total", all_registered, all_declared,
                             percent(all_declared, all_registered))
    return ParticipationTable(by, rows, total)


def _rank_row(key: str, fa: str, en: str, counts: Sequence[int]) -> RankRow:
    ranked = sum(counts)
    return RankRow(key, fa, en, tuple(counts), ranked, tuple(percent(n, ranked) for n in counts))


def _ranks(by: str, groups: Sequence[Group], key_of: str, results: Sequence[OfficeResult],
           ranks: int) -> RankTable:
    counts = {g[0]: [0] * ranks for g in groups}
    for result in results:
        if result.rank is None:
            continue
        if not 1 <= result.rank <= ranks:
            raise ValueError(f"rank {result.rank} outside 1–{ranks}")
        counts[str(getattr(result, key_of))][result.rank - 1] += 1
    rows = tuple(_rank_row(key, fa, en, counts[key]) for key, fa, en in groups)
    sums = [sum(row.counts[i] for row in rows) for i in range(ranks)]
    return RankTable(by, ranks, rows, _rank_row(TOTAL_KEY, "جمع", "Total", sums))


def participation_by_type(results: Sequence[OfficeResult]) -> ParticipationTable:
    return _participation("type", _groups_with(type_groups(), results, "office_type"),
                          "office_type", results)


def participation_by_region(results: Sequence[OfficeResult],
                            regions: Mapping[str, tuple[str, str]]) -> ParticipationTable:
    return _participation("region", region_groups(regions, results), "region_code", results)


def ranks_by_type(results: Sequence[OfficeResult], ranks: int = 3) -> RankTable:
    return _ranks("type", _groups_with(type_groups(), results, "office_type"), "office_type",
                  results, ranks)


def ranks_by_region(results: Sequence[OfficeResult], regions: Mapping[str, tuple[str, str]],
                    ranks: int = 3) -> RankTable:
    return _ranks("region", region_groups(regions, results), "region_code", results, ranks)


def _groups_with(groups: list[Group], results: Iterable[OfficeResult], key_of: str,
                 ) -> list[Group]:
    known = {g[0] for g in groups}
    for result in results:
        key = str(getattr(result, key_of))
        if key not in known:
            known.add(key)
            groups.append((key, key, key))
    return groups


def period_stats(results: Iterable[OfficeResult], regions: Mapping[str, tuple[str, str]],
                 period_fa: str = "", period_en: str = "", ranks: int = 3) -> PeriodStats:
    """All four tables. `regions` maps a region code to its (Persian, English) name, as loaded
    from the regions file; `ranks` is the rubric's number of ranks."""
    rows = list(results)
    return PeriodStats(
        period_fa=period_fa, period_en=period_en,
        participation_by_type=participation_by_type(rows),
        participation_by_region=participation_by_region(rows, regions),
        ranks_by_type=ranks_by_type(rows, ranks),
        ranks_by_region=ranks_by_region(rows, regions, ranks),
    )
