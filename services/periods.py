"""Evaluation periods: opening one (its windows and a snapshot of its rubric), listing them."""

from __future__ import annotations

from datetime import datetime

from services.errors import Conflict, Invalid
from services.staff import label, require_hq
from services.uow import UnitOfWork
from storage import admin
from storage.accounts import Actor
from storage.admin import audit
from storage.exclusive import serialize
from storage.records import PeriodRecord

__all__ = ["create_period", "list_periods"]


async def create_period(uow: UnitOfWork, *, code: str, opens_at: datetime, closes_at: datetime,
                        review_opens_at: datetime, review_closes_at: datetime,
                        rubric_code: str, rubric_text: str,
                        liaison_deadline: datetime | None = None,
                        actor: Actor | None = None) -> PeriodRecord:
    """Open a period (`actor` None: the command line). Refusals: `admin-review-closes-first`,
    `admin-review-before-owners`, and `admin-period-exists` (also for the second of two at
    once)."""
    require_hq(actor)
    if review_closes_at < review_opens_at:
        raise Invalid("admin-review-closes-first")
    if review_opens_at < opens_at:
        raise Invalid("admin-review-before-owners")
    async with uow:
        await serialize(uow.session, "periods")
        if await admin.find_period(uow.session, code) is not None:
            raise Conflict("admin-period-exists", code=code)
        period = await admin.add_period(
            uow.session, code=code, opens_at=opens_at, closes_at=closes_at,
            review_opens_at=review_opens_at, review_closes_at=review_closes_at,
            liaison_deadline=liaison_deadline, rubric_code=rubric_code, rubric_text=rubric_text)
        await audit(uow.session, actor=label(actor),
                    actor_account_id=actor.account_id if actor else None,
                    action="period.create", entity="period", entity_id=period.id,
                    new={"code": code, "opens_at": opens_at, "closes_at": closes_at,
                         "rubric": rubric_code})
        await uow.commit()
    return period


async def list_periods(uow: UnitOfWork) -> list[PeriodRecord]:
    async with uow:
        return await admin.list_periods(uow.session)
