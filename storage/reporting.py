"""What the regulator announces: each office's participation and rank in a period, in two
bulk queries, for `scoring.stats` to tabulate; where each rank came from (`scoring.sources`);
and each office's result line for the per-office export."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.sources import OfficeSource
from scoring.stats import OfficeResult, PeriodStats, period_stats
from storage.admin import get_period
from storage.models import Declaration, Office, Region, Result

# A declaration counts as participation once it was submitted in the window.
DECLARED = ("submitted", "returned", "confirmed", "published")


async def office_results(session: AsyncSession, period_id: int) -> list[OfficeResult]:
    declared = select(Declaration.office_id).where(
        Declaration.period_id == period_id, Declaration.status.in_(DECLARED)).subquery()
    rows = (await session.execute(
        select(Office.office_type, Office.region_code, declared.c.office_id, Result.rank)
        .outerjoin(declared, declared.c.office_id == Office.id)
        .outerjoin(Result, (Result.office_id == Office.id) & (Result.period_id == period_id))
    )).all()
    return [OfficeResult(office_type, str(region), declared_id is not None, rank)
            for office_type, region, declared_id, rank in rows]


async def period_report(session: AsyncSession, code: str) -> PeriodStats:
    from scoring.calendar import period_title

    period = await get_period(session, code)
    regions = {str(r.code): (r.name_fa, r.name_en)
               for r in (await session.scalars(select(Region))).all()}
    results = await office_results(session, period.id)
    return period_stats(results, regions, period_title(code, "fa"), period_title(code, "en"))


# --- where ranks came from, and each office's result -----------------------------------------

async def office_sources(session: AsyncSession, period_id: int) -> list[OfficeSource]:
    """Every registered office with its result's source and rank (None: not ranked)."""
    rows = (await session.execute(
        select(Office.office_type, Office.region_code, Result.source, Result.rank)
        .outerjoin(Result, (Result.office_id == Office.id) & (Result.period_id == period_id))
    )).all()
    return [OfficeSource(t, str(region), source, rank) for t, region, source, rank in rows]


async def region_names(session: AsyncSession) -> dict[str, tuple[str, str]]:
    return {str(r.code): (r.name_fa, r.name_en)
            for r in (await session.scalars(select(Region))).all()}


@dataclass(frozen=True, slots=True)
class OfficeLine:
    """One office's result as the export shows it. `indicators`: points per indicator key (and
    `completeness`); `negatives`: the committee's penalty (a positive number taken off)."""

    code: str
    name: str
    region_code: int
    region_fa: str
    region_en: str
    office_type: str
    source: str
    indicators: dict[str, Decimal]
    negatives: Decimal
    association: Decimal | None
    satisfaction: Decimal | None
    total: Decimal
    rank: int


EXTERNAL = ("association", "satisfaction")


def _line_of(row: Any) -> OfficeLine:
    data = json.loads(row.breakdown_json)
    indicators: dict[str, Decimal] = {}
    external: dict[str, Decimal] = {}
    for line in data["lines"]:
        points = Decimal(line["points"])
        if line["kind"] in EXTERNAL:
            external[line["kind"]] = points
        else:
            indicators[line["key"]] = points
    return OfficeLine(row.code, row.name, row.region_code, row.name_fa, row.name_en,
                      row.office_type, row.source, indicators, Decimal(data["penalty"]),
                      external.get("association"), external.get("satisfaction"),
                      Decimal(row.total), row.rank)


async def office_lines(session: AsyncSession, period_id: int,
                       regions: set[int] | None = None, *, offset: int = 0,
                       limit: int | None = None, code: str | None = None) -> list[OfficeLine]:
    """Each ranked office's result, by region then code; `regions` (or one office's `code`)
    restricts them; `offset` and `limit` read one page of them."""
    query = (select(Office.code, Office.name, Office.region_code, Office.office_type,
                    Region.name_fa, Region.name_en, Result.source, Result.total, Result.rank,
                    Result.breakdown_json)
             .join(Result, Result.office_id == Office.id)
             .join(Region, Region.code == Office.region_code)
             .where(Result.period_id == period_id)
             .order_by(Office.region_code, Office.code))
    if regions is not None:
        query = query.where(Office.region_code.in_(sorted(regions)))
    if code is not None:
        query = query.where(Office.code == code)
    if offset or limit is not None:
        query = query.offset(offset).limit(limit)
    return [_line_of(row) for row in (await session.execute(query)).all()]


async def count_lines(session: AsyncSession, period_id: int) -> int:
    """How many offices of the period are ranked (the lines of `office_lines`)."""
    return int(await session.scalar(select(func.count()).select_from(Result).where(
        Result.period_id == period_id)) or 0)
