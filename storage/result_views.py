"""A published result as data: the latest one of an office, with the one before for comparison.
Its words are `texts.results`; the same view goes out at publishing and answers «My results»."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.score import Breakdown
from storage.models import Office, Period
from storage.models import Result as ResultRow


@dataclass(frozen=True, slots=True)
class PreviousResult:
    period_code: str
    total: Decimal
    rank: int


@dataclass(frozen=True, slots=True)
class ResultView:
    """One office's published result, as the owner's message shows it."""

    period_code: str
    office_name: str
    office_code: str
    breakdown: Breakdown
    previous: PreviousResult | None


async def office_result(session: AsyncSession, office_id: int) -> ResultView | None:
    """The office's result of the latest published period, with the one before for comparison."""
    rows = (await session.execute(
        select(Period.code, ResultRow.breakdown_json, ResultRow.total, ResultRow.rank,
               Office.name, Office.code)
        .join(ResultRow, ResultRow.period_id == Period.id)
        .join(Office, Office.id == ResultRow.office_id)
        .where(ResultRow.office_id == office_id, Period.published_at.is_not(None))
        .order_by(Period.opens_at.desc()).limit(2))).all()
    if not rows:
        return None
    latest = rows[0]
    previous = None
    if len(rows) > 1:
        previous = PreviousResult(rows[1].code, Decimal(rows[1].total), rows[1].rank)
    return ResultView(latest[0], latest.name, latest[5],
                      Breakdown.from_dict(json.loads(latest.breakdown_json)), previous)
