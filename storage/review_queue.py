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
from storage.models import Answer, Declaration, Discrepancy, Office, Region

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


# ---------------------------------------------------------------------------------------------
# The console's queue: search, filters, counts per state and a digest, in one scope


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose declarations: the regions, the provinces, or (both None) every office."""

    regions: frozenset[int] | None = None
    provinces: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class QueueQuery:
    text: str = ""  # office code, name, city or holder (any part)
    status: str = "s"  # a key of FILTERS, or "" for every state
    office_type: str = ""
    province: str = ""
    city: str = ""
    returned_items: bool = False  # a reviewer commented on an item (returned before)
    discrepancy: bool = False  # an open report on the office's base data
    page: int = 0
    per_page: int = 25


@dataclass(frozen=True, slots=True)
class SearchRow:
    declaration_id: int
    office_code: str
    office_name: str
    office_type: str
    province: str
    city: str
    holder_name: str
    status: str
    submitted_at: datetime | None
    returned_items: bool
    discrepancy: bool


@dataclass(frozen=True, slots=True)
class Digest:
    waiting: int  # submitted, not yet reviewed
    resubmitted: int  # submitted again after a return
    discrepancies: int  # open reports on the offices' base data
    by_status: dict[str, int]


def _scoped(scope: Scope) -> list[Any]:
    where: list[Any] = []
    if scope.regions is not None:
        where.append(_in_regions(scope.regions))
    if scope.provinces is not None:
        where.append(Office.province.in_(sorted(scope.provinces) or [""]))
    return where


def _commented() -> Any:
    return select(Answer.id).where(Answer.declaration_id == Declaration.id,
                                   Answer.review_comment.is_not(None),
                                   Answer.review_comment != "").exists()


def _reported() -> Any:
    return select(Discrepancy.id).where(Discrepancy.office_id == Declaration.office_id,
                                        Discrepancy.status == "open").exists()


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _filters(query: QueueQuery) -> list[Any]:
    where: list[Any] = []
    if query.status:
        where.append(Declaration.status.in_(FILTERS[query.status]))
    if query.office_type:
        where.append(Office.office_type == query.office_type)
    if query.province:
        where.append(Office.province == query.province)
    if query.city:
        where.append(Office.city == query.city)
    if query.returned_items:
        where.append(_commented())
    if query.discrepancy:
        where.append(_reported())
    text = query.text.strip()
    if text:
        pattern = _like(text)
        where.append(or_(Office.code.like(pattern, escape="\\"),
                         Office.name.like(pattern, escape="\\"),
                         Office.city.like(pattern, escape="\\"),
                         Office.holder_name.like(pattern, escape="\\")))
    return where


async def search(session: AsyncSession, period_id: int, scope: Scope, query: QueueQuery
                 ) -> tuple[list[SearchRow], int]:
    """One page of the scope's declarations matching the query, oldest submission first (never
    submitted last); and how many match in all."""
    if query.status and query.status not in FILTERS:
        raise UnknownFilter(query.status)
    where = [Declaration.period_id == period_id, *_scoped(scope), *_filters(query)]
    joined = select(func.count()).select_from(Declaration).join(
        Office, Office.id == Declaration.office_id)
    total = await session.scalar(joined.where(*where)) or 0
    rows = (await session.execute(
        select(Declaration.id, Office.code, Office.name, Office.office_type, Office.province,
               Office.city, Office.holder_name, Declaration.status, Declaration.submitted_at,
               _commented(), _reported())
        .join(Office, Office.id == Declaration.office_id).where(*where)
        .order_by(Declaration.submitted_at.is_(None), Declaration.submitted_at, Declaration.id)
        .offset(max(query.page, 0) * query.per_page).limit(query.per_page))).all()
    return [SearchRow(*row[:9], bool(row[9]), bool(row[10])) for row in rows], total


async def digest(session: AsyncSession, period_id: int, scope: Scope) -> Digest:
    """What is waiting in the scope: counts per state, resubmissions, open reports."""
    where = [Declaration.period_id == period_id, *_scoped(scope)]
    by_status = {status: count for status, count in (await session.execute(
        select(Declaration.status, func.count()).join(Office, Office.id == Declaration.office_id)
        .where(*where).group_by(Declaration.status))).all()}
    resubmitted = await session.scalar(
        select(func.count()).select_from(Declaration).join(
            Office, Office.id == Declaration.office_id)
        .where(*where, Declaration.status == S.SUBMITTED, _commented())) or 0
    reports = await session.scalar(
        select(func.count()).select_from(Discrepancy).join(
            Office, Office.id == Discrepancy.office_id)
        .where(Discrepancy.status == "open", *_scoped(scope))) or 0
    return Digest(by_status.get(S.SUBMITTED, 0), resubmitted, reports, by_status)


async def choices(session: AsyncSession, scope: Scope) -> tuple[list[str], list[str], list[str]]:
    """The office types, provinces and cities of the scope, for the filters."""
    where = _scoped(scope)
    found = []
    for column in (Office.office_type, Office.province, Office.city):
        found.append(list((await session.scalars(
            select(column).where(*where).distinct().order_by(column))).all()))
    return found[0], found[1], found[2]
