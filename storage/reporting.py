"""What the regulator announces: each office's participation and rank in a period, in two
bulk queries, for `scoring.stats` to tabulate."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

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
