"""Deadline reminders and the close of a window, as idempotent sweeps: the database decides.

Each sweep of one period and one kind is one transaction: the plan is read, its outbox rows and
its sweep row are written and committed together, so a milestone goes out completely or not at
all; a second worker sweeping the same milestone at the same moment fails on the sweep row's
unique key and writes nothing. The close of a window ranks the period and tells the owners of
drafts in the same transaction as it marks the period closed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from scoring import milestones as ms
from scoring.calendar import TEHRAN
from services.errors import Duplicate, NotFound
from services.send_hours import DAYTIME, SendHours
from services.uow import UnitOfWork
from storage import reach, reminders
from storage.ranking import rank_period
from storage.reach import UnreachableOffice
from storage.reminders import Plan

log = logging.getLogger(__name__)

PLANNERS = (reminders.plan_owner_reminders, reminders.plan_liaison_reminders)


@dataclass(frozen=True, slots=True)
class SweepResult:
    period_code: str
    kind: str
    milestone: str
    enqueued: int
    unreachable: int


async def _commit_plan(uow: UnitOfWork, plan: Plan, now: datetime) -> SweepResult | None:
    written = await reminders.write_plan(uow.session, plan, now)
    try:
        await uow.commit()
    except Duplicate:  # another worker swept the same milestone a moment ago
        return None
    assert plan.due is not None
    log.info("swept %s %s of %s: %d messages", plan.kind, plan.due.key, plan.period_code,
             written)
    return SweepResult(plan.period_code, plan.kind, plan.due.key, written, plan.unreachable)


async def sweep_period(uow: UnitOfWork, period_id: int, now: datetime, tz: ZoneInfo = TEHRAN,
                       hours: SendHours | None = DAYTIME) -> list[SweepResult]:
    """Both reminder sweeps of one period (owners, then staff's liaison-list deadline).

    Reminders go out only in the send hours (09:00–21:00 Tehran by default): a milestone that
    falls at night (the «1 day left» at midnight) is swept at the morning's start, when the
    latest due milestone is the one sent (as after downtime). `hours` None: now, whatever the
    hour (`pishkhan remind`, a person's explicit command)."""
    results: list[SweepResult] = []
    if hours is not None and not hours.allows(now, tz):
        return results
    for planner in PLANNERS:
        async with uow:
            period = await reminders.period_by_id(uow.session, period_id)
            if period is None:
                return results
            plan = await planner(uow.session, period, now, tz)
            if not plan.pending:
                continue
            result = await _commit_plan(uow, plan, now)
        if result is not None:
            results.append(result)
    return results


async def sweep_reminders(uow: UnitOfWork, now: datetime, tz: ZoneInfo = TEHRAN,
                          hours: SendHours = DAYTIME) -> list[SweepResult]:
    """The reminder sweep over every period that is not closed."""
    async with uow:
        ids = await reminders.open_period_ids(uow.session)
    results = []
    for period_id in ids:
        results += await sweep_period(uow, period_id, now, tz, hours)
    return results


async def sweep_close(uow: UnitOfWork, now: datetime, tz: ZoneInfo = TEHRAN
                      ) -> list[SweepResult]:
    """Close every period whose window has ended: rank, tell the owners of drafts, mark closed;
    one transaction per period."""
    async with uow:
        ids = await reminders.closing_period_ids(uow.session, now)
    results = []
    for period_id in ids:
        async with uow:
            period = await reminders.period_for_update(uow.session, period_id)
            if period is None or period.closed_at is not None:
                continue
            plan = await reminders.plan_close(uow.session, period, now, tz)
            period.closed_at = now
            await uow.session.flush()
            try:
                await rank_period(uow.session, period.id, now)
            except Exception:
                log.exception("ranking period %s failed; closing it is retried", period.code)
                continue
            result = await _commit_plan(uow, plan, now)
        if result is not None:
            log.info("closed period %s", result.period_code)
            results.append(result)
    return results


async def _period_id(uow: UnitOfWork, code: str) -> int:
    period = await reminders.period_by_code(uow.session, code)
    if period is None:
        raise NotFound("admin-no-period", code=code)
    return period.id


async def sweep_period_by_code(uow: UnitOfWork, code: str, now: datetime,
                               tz: ZoneInfo = TEHRAN) -> list[SweepResult]:
    """`pishkhan remind PERIOD`: the reminder due now for one period, sent now whatever the
    hour (the person running it decides; the scheduler keeps the send hours)."""
    async with uow:
        period_id = await _period_id(uow, code)
    return await sweep_period(uow, period_id, now, tz, hours=None)


async def preview(uow: UnitOfWork, code: str, now: datetime, tz: ZoneInfo = TEHRAN
                  ) -> list[Plan]:
    """What the sweeps of one period would write at `now`; writes nothing."""
    async with uow:
        period = await reminders.period_by_id(uow.session, await _period_id(uow, code))
        assert period is not None
        return [await planner(uow.session, period, now, tz) for planner in PLANNERS]


@dataclass(frozen=True, slots=True)
class Milestones:
    code: str
    opens_at: datetime
    closes_at: datetime
    milestones: tuple[ms.Milestone, ...]


async def milestones(uow: UnitOfWork, code: str,
                     replace: Sequence[ms.Milestone] | None = None, by: str = "cli"
                     ) -> Milestones:
    """A period's reminder milestones; replaced first (and audited) when `replace` is given."""
    async with uow:
        period = await reminders.period_by_code(uow.session, code)
        if period is None:
            raise NotFound("admin-no-period", code=code)
        if replace is not None:
            await reminders.set_milestones(uow.session, period, replace, by)
            await uow.commit()
        return Milestones(period.code, period.opens_at, period.closes_at,
                          tuple(reminders.milestones_of(period)))


async def outbox_status(uow: UnitOfWork, now: datetime | None = None
                        ) -> dict[str, dict[str, int]]:
    async with uow:
        return await reach.outbox_status(uow.session, now)


async def unreachable_offices(uow: UnitOfWork) -> tuple[list[UnreachableOffice], int]:
    async with uow:
        return await reach.unreachable_offices(uow.session)
