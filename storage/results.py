"""A period's results: the refusals and summaries of ranking and publishing, and a period's counts.

Ranking is `storage.ranking.rank_period` (every office scored in a handful of bulk queries, only
changed rows written); publishing is `storage.publishing.publish` (rank once more, freeze, queue
every linked owner's result). Both write in the caller's transaction and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.status import DeclarationStatus
from storage.admin import period_record
from storage.models import Declaration, Period
from storage.models import Result as ResultRow
from storage.records import PeriodRecord

S = DeclarationStatus
# What counts as "declared this period": submitted once, whatever the region did since. A draft
# never submitted counts as nothing.
DECLARED = (S.SUBMITTED, S.RETURNED, S.CONFIRMED, S.PUBLISHED)
CONFIRMED = (S.CONFIRMED, S.PUBLISHED)


class ResultsError(ValueError):
    """A refusal with a catalog key (for the bot) and a one-line English reason (for the CLI)."""

    def __init__(self, reason: str, key: str = "hq-error", **args: object) -> None:
        super().__init__(reason)
        self.key = key
        self.args_ = args


@dataclass(slots=True)
class RankSummary:
    period_code: str
    offices: int = 0
    by_source: dict[str, int] = field(default_factory=dict)
    by_rank: dict[int, int] = field(default_factory=dict)
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # offices of a type the period's rubric does not rank
    frozen: bool = False
    seconds: float = 0.0

    @property
    def changed(self) -> int:
        return self.inserted + self.updated


@dataclass(slots=True)
class PublishSummary:
    period_code: str
    published_at: datetime
    already: bool
    ranking: RankSummary | None
    declarations_published: int = 0
    queued: int = 0
    unreachable: int = 0


async def require_period(session: AsyncSession, period_id: int) -> Period:
    period = await session.get(Period, period_id)
    if period is None:
        raise ResultsError(f"no period with id {period_id}", "hq-no-period")
    return period


async def published_count(session: AsyncSession, period_id: int) -> int:
    return await session.scalar(select(func.count()).select_from(ResultRow).where(
        ResultRow.period_id == period_id)) or 0


async def period_row(session: AsyncSession, period_id: int) -> Period | None:
    return await session.get(Period, period_id)


async def latest_opened(session: AsyncSession, now: datetime) -> PeriodRecord | None:
    """The latest period that has opened and is not yet published, else the latest opened."""
    rows = (await session.scalars(select(Period).where(Period.opens_at <= now)
                                  .order_by(Period.opens_at.desc()))).all()
    for row in rows:
        if row.published_at is None:
            return period_record(row)
    return period_record(rows[0]) if rows else None


async def declarations_by_status(session: AsyncSession, period_id: int) -> dict[str, int]:
    return {status: int(count) for status, count in (await session.execute(
        select(Declaration.status, func.count()).where(Declaration.period_id == period_id)
        .group_by(Declaration.status))).all()}
