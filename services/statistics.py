"""The announcement's statistics and the per-office results, as plain data for the command line
and the web console.

- `announcement`: participation and ranks by office type and region (`scoring.stats`), and the
  split of every group's ranks into declared, carried forward and minimum without data
  (`scoring.sources`); headquarters only.
- `office_results`: each ranked office's line (code, name, region, type, source of data, points
  per indicator, negatives, association, satisfaction, total, rank); headquarters sees every
  region, a reviewer only their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from scoring.calendar import period_title
from scoring.sources import SourceStats, source_stats
from scoring.stats import PeriodStats, period_stats
from services.errors import Forbidden, NotFound
from services.staff import require_hq
from services.uow import UnitOfWork
from storage import admin, reporting
from storage.accounts import Actor
from storage.declarations import period_rubric
from storage.records import PeriodRecord
from storage.reporting import OfficeLine

__all__ = ["Announcement", "OfficeLine", "OfficeResults", "announcement", "office_results"]


@dataclass(frozen=True, slots=True)
class Announcement:
    period: str
    stats: PeriodStats
    sources: SourceStats


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title_fa: str
    title_en: str


@dataclass(frozen=True, slots=True)
class OfficeResults:
    period: str
    columns: tuple[Column, ...]  # the indicators (and completeness), in the rubric's order
    lines: tuple[OfficeLine, ...]
    regions: frozenset[int] | None  # None: every region


async def _period(uow: UnitOfWork, code: str) -> PeriodRecord:
    period = await admin.find_period(uow.session, code)
    if period is None:
        raise NotFound("admin-no-period", code=code)
    return period


async def announcement(uow: UnitOfWork, code: str, actor: Actor | None = None) -> Announcement:
    require_hq(actor)
    async with uow:
        period = await _period(uow, code)
        ranks = len(period_rubric(period).ranks.service_share)
        regions = await reporting.region_names(uow.session)
        results = await reporting.office_results(uow.session, period.id)
        sources = await reporting.office_sources(uow.session, period.id)
    return Announcement(
        code, period_stats(results, regions, period_title(code, "fa"), period_title(code, "en"),
                           ranks),
        source_stats(sources, regions, ranks))


async def office_results(uow: UnitOfWork, code: str, actor: Actor | None = None
                         ) -> OfficeResults:
    """Refusals: `admin-no-period`, and `forbidden` for anyone but HQ and reviewers."""
    regions: set[int] | None = None
    if actor is not None and not actor.has_role("hq"):
        regions = actor.regions("reviewer")
        if not regions:
            raise Forbidden("forbidden")
    async with uow:
        period = await _period(uow, code)
        rubric = period_rubric(period)
        lines = await reporting.office_lines(uow.session, period.id, regions)
    columns = [Column(i.key, i.title_fa, i.title_en) for i in rubric.indicators]
    columns.append(Column("completeness", rubric.completeness.title_fa,
                          rubric.completeness.title_en))
    seen = {c.key for c in columns}
    extra = sorted({k for line in lines for k in line.indicators} - seen)
    columns += [Column(k, k, k) for k in extra]  # completeness, and any line the rubric lacks
    return OfficeResults(code, tuple(columns), tuple(lines),
                         frozenset(regions) if regions is not None else None)
