"""The region's other inputs as use cases: violation committees' decisions (negative points)
for an office of the reviewer's region.

Each call checks the reviewer role and the office's region in its own unit of work; adding a
decision writes the row, its audit row and the owners' notices in one transaction. The same
reference twice for one item is refused (`Conflict("rv-neg-duplicate")`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from scoring.rubric import NegativeItem
from services.errors import NotFound
from services.review import period_now, refusals, regions, who
from services.send_hours import by_day
from services.uow import UnitOfWork
from storage import review, review_inputs
from storage.accounts import Actor
from storage.declarations import period_rubric
from storage.records import OfficeRecord, PeriodRecord
from storage.review_inputs import NegativeRecord


@dataclass(frozen=True, slots=True)
class Negatives:
    """An office of the region, the decisions recorded for it this period, and the rubric's
    negative items to choose from (in order: a button carries the index)."""

    office: OfficeRecord
    period: PeriodRecord
    existing: list[NegativeRecord]
    items: list[NegativeItem]


@dataclass(frozen=True, slots=True)
class NegativeAdded:
    office: OfficeRecord
    item: NegativeItem
    record: NegativeRecord


async def open_period(uow: UnitOfWork, actor: Actor, now: datetime) -> PeriodRecord:
    """The period whose decisions may be entered now (its window open)."""
    regions(actor)
    async with uow:
        period = await period_now(uow, now)
    with refusals():
        review.check_window(period, now)
    return period


async def office_by_code(uow: UnitOfWork, actor: Actor, code: str) -> OfficeRecord | None:
    """The office with this code, anywhere (its region is checked when it is used)."""
    regions(actor)
    async with uow:
        return await review_inputs.office_by_code(uow.session, code)


async def negatives(uow: UnitOfWork, actor: Actor, office_id: int, now: datetime) -> Negatives:
    async with uow:
        with refusals():
            office = await review_inputs.region_office(uow.session, office_id, regions(actor))
            period = await period_now(uow, now)
            review.check_window(period, now)
        existing = await review_inputs.list_negatives(uow.session, office.id, period.id)
    return Negatives(office, period, existing, list(period_rubric(period).negatives))


async def pick(uow: UnitOfWork, actor: Actor, office_id: int, index: int, now: datetime
               ) -> tuple[OfficeRecord, NegativeItem]:
    """The office and the `index`-th negative item, if a decision may be entered for them."""
    found = await negatives(uow, actor, office_id, now)
    if not 0 <= index < len(found.items):
        raise NotFound("rv-stale")
    return found.office, found.items[index]


def decision_date(text: str, now: datetime) -> date:
    """A committee's decision date typed in Jalali (not in the future)."""
    with refusals():
        return review_inputs.parse_decision_date(text, now)


async def add_negative(uow: UnitOfWork, actor: Actor, office_id: int, key: str,
                       decided_on: date, reference: str, note: str, now: datetime
                       ) -> NegativeAdded:
    async with uow:
        with refusals():
            office = await review_inputs.region_office(uow.session, office_id, regions(actor))
            period = await period_now(uow, now)
            rubric = period_rubric(period)
            record = await review_inputs.add_negative(uow.session, office, period, rubric, key,
                                                      decided_on, reference, note, who(actor),
                                                      now, not_before=by_day(now))
        await uow.commit()
    return NegativeAdded(office, rubric.negative(record.item_key), record)
