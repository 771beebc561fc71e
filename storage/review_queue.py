"""The region's queue: counts by state, one page of a list (oldest submission first), and the
next declaration to review. Every query is limited to the reviewer's regions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.status import DeclarationStatus
from storage.models import Declaration, Discrepancy, Office, Region

S = DeclarationStatus
FILTERS: dict[str, tuple[S, ...]] = {"s": (S.SUBMITTED,), "r": (S.RETURNED,),
                                     "c": (S.CONFIRMED, S.PUBLISHED)}


class UnknownFilter(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class QueueCounts:
    to_review: int
    returned: int
    confirmed: int
    drafts: int
    discrepancies: int


@dataclass(frozen=True, slots=True)
class QueueRow:
    declaration_id: int
    office_code: str
    office_name: str
    city: str
    status: str
    submitted_at: datetime | None
    version: int


def _in_regions(regions: Iterable[int]) -> Any:
    return Office.region_code.in_(sorted(regions) or [-1])


async def queue_counts(session: AsyncSession, period_id: int, regions: set[int]) -> QueueCounts:
    by_status = dict((await session.execute(
        select(Declaration.status, func.count()).join(Office, Office.id == Declaration.office_id)
        .where(Declaration.period_id == period_id, _in_regions(regions))
        .group_by(Declaration.status))).all())
    open_reports = await session.scalar(
        select(func.count()).select_from(Discrepancy).join(Office, Office.id ==
                                                           Discrepancy.office_id)
        .where(Discrepancy.status == "open", _in_regions(regions))) or 0
    return QueueCounts(by_status.get(S.SUBMITTED, 0), by_status.get(S.RETURNED, 0),
                       by_status.get(S.CONFIRMED, 0) + by_status.get(S.PUBLISHED, 0),
                       by_status.get(S.DRAFT, 0), open_reports)


async def list_queue(session: AsyncSession, period_id: int, regions: set[int], which: str,
                     page: int = 0, per_page: int = 8) -> tuple[list[QueueRow], int]:
    """One page of the region's declarations in a state, oldest submission first; and how many
    there are in all."""
    statuses = FILTERS.get(which)
    if statuses is None:
        raise UnknownFilter(which)
    where = (Declaration.period_id == period_id, Declaration.status.in_(statuses),
             _in_regions(regions))
    total = await session.scalar(select(func.count()).select_from(Declaration).join(
        Office, Office.id == Declaration.office_id).where(*where)) or 0
    rows = (await session.execute(
        select(Declaration.id, Office.code, Office.name, Office.city, Declaration.status,
               Declaration.submitted_at, Declaration.version)
        .join(Office, Office.id == Declaration.office_id).where(*where)
        .order_by(Declaration.submitted_at, Declaration.id)
        .offset(max(page, 0) * per_page).limit(per_page))).all()
    return [QueueRow(*row) for row in rows], total


async def next_to_review(session: AsyncSession, period_id: int, regions: set[int],
                         after_id: int | None = None) -> int | None:
    """The oldest submitted declaration of the regions; with `after_id`, the one after it in
    that order (wrapping round), so that skipping one moves on."""
    base = (select(Declaration.id).join(Office, Office.id == Declaration.office_id)
            .where(Declaration.period_id == period_id, Declaration.status == S.SUBMITTED,
                   _in_regions(regions))
            .order_by(Declaration.submitted_at, Declaration.id).limit(1))
    if after_id:
        after = await session.get(Declaration, after_id)
        if after is not None and after.submitted_at is not None:
            later = await session.scalar(base.where(or_(
                Declaration.submitted_at > after.submitted_at,
                and_(Declaration.submitted_at == after.submitted_at,
                     Declaration.id > after.id))))
            if later is not None:
                return later
        return await session.scalar(base.where(Declaration.id != after_id))
    return await session.scalar(base)


async def region_names(session: AsyncSession, regions: set[int]) -> list[tuple[str, str]]:
    """(Persian name, English name) of each region, by code."""
    rows = (await session.execute(select(Region.name_fa, Region.name_en).where(
        Region.code.in_(sorted(regions) or [-1])).order_by(Region.code))).all()
    return [(fa, en) for fa, en in rows]
