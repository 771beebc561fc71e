"""Periods' changes after they are created: the period whose owners' window overlaps a window,
an edit of a period's dates, its removal before it opens, and the owners an extension concerns.

Repository functions: rows in, plain data out, never commit (`services.periods` does)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.admin import period_record
from storage.models import Account, AccountOffice, Declaration, Office, Period
from storage.records import PeriodRecord

# A declaration the owner still has to submit (or submit again).
NOT_SUBMITTED = ("draft", "returned")
DATES = ("opens_at", "closes_at", "review_opens_at", "review_closes_at", "liaison_deadline")


async def overlapping(session: AsyncSession, opens_at: datetime, closes_at: datetime,
                      exclude_id: int | None = None) -> PeriodRecord | None:
    """The first period whose owners' window [opens, closes) shares an instant with this one."""
    query = select(Period).where(Period.opens_at < closes_at, Period.closes_at > opens_at)
    if exclude_id is not None:
        query = query.where(Period.id != exclude_id)
    period = await session.scalar(query.order_by(Period.opens_at).limit(1))
    return period_record(period) if period is not None else None


async def fresh(session: AsyncSession, code: str) -> PeriodRecord | None:
    """The period as it is in the database now (not as this session read it earlier): after
    waiting for a lock, what another transaction committed meanwhile."""
    period = await session.scalar(select(Period).where(Period.code == code)
                                  .execution_options(populate_existing=True))
    return period_record(period) if period is not None else None


async def set_dates(session: AsyncSession, period_id: int, **dates: datetime | None
                    ) -> PeriodRecord:
    """Write the period's new dates (any of `DATES`); the period as it is now."""
    unknown = set(dates) - set(DATES)
    if unknown:
        raise ValueError(f"not a period date: {sorted(unknown)}")
    await session.execute(update(Period).where(Period.id == period_id).values(**dates))
    period = await session.get(Period, period_id, populate_existing=True)
    assert period is not None
    return period_record(period)


async def remove(session: AsyncSession, period_id: int) -> bool:
    """Delete a period that never opened (its reminders' rows go with it)."""
    row = (await session.execute(
        delete(Period).where(Period.id == period_id).returning(Period.id))).first()
    return row is not None


async def owners_not_submitted(session: AsyncSession, period_id: int) -> list[Any]:
    """The linked owner accounts of offices without a submitted declaration in the period (one
    row per account and office): account id, platform, platform user id, locale, office code and
    name."""
    query = (
        select(Account.id, Account.platform, Account.platform_user_id, Account.locale,
               Office.code, Office.name)
        .join(AccountOffice, AccountOffice.office_id == Office.id)
        .join(Account, Account.id == AccountOffice.account_id)
        .outerjoin(Declaration, and_(Declaration.office_id == Office.id,
                                     Declaration.period_id == period_id))
        .where(Declaration.id.is_(None) | Declaration.status.in_(NOT_SUBMITTED))
        .order_by(Account.id, Office.id))
    return list((await session.execute(query)).all())


async def by_id(session: AsyncSession, period_id: int) -> PeriodRecord:
    period = await session.get(Period, period_id)
    assert period is not None, period_id
    return period_record(period)
