"""Undo with a reason (issue 21): headquarters reopens a confirmed declaration, withdraws a
negative point, or undoes an association score. Each needs a reason, is audited, and tells the
office's owners. Once the period is published, a correction that changes the office's score
makes a new version of its result and tells the owners what changed (old and new total and
rank). The command line and the web console call these; the actor None is the command line."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from scoring.calendar import period_title, utcnow
from services.errors import Conflict, Invalid, NotFound
from services.send_hours import by_day
from services.staff import label, require_hq
from services.uow import UnitOfWork
from storage import admin, corrections, periods, winners
from storage.accounts import Actor
from storage.corrections import Correction, Negative, Who
from storage.declarations import period_rubric
from storage.exclusive import serialize
from storage.records import OfficeRecord, PeriodRecord
from storage.review import tell_owners
from storage.review_inputs import office_by_code

__all__ = ["Corrected", "OfficeState", "list_negatives", "office_state", "reopen_declaration",
           "undo_association", "withdraw_negative"]


@dataclass(frozen=True, slots=True)
class Corrected:
    office: str
    period: str
    told: int
    result: Correction | None  # a new version of a published result, or None


def _reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise Invalid("admin-reason-required")
    return reason[:500]


def _who(actor: Actor | None) -> Who:
    return Who(label(actor), actor.account_id if actor else None)


async def _find(uow: UnitOfWork, office_code: str, period_code: str
                ) -> tuple[OfficeRecord, PeriodRecord]:
    office = await office_by_code(uow.session, office_code)
    if office is None:
        raise NotFound("audit-no-office", code=office_code)
    period = await admin.find_period(uow.session, period_code)
    if period is None:
        raise NotFound("admin-no-period", code=period_code)
    return office, period


def _args(office: OfficeRecord, period: PeriodRecord, reason: str) -> dict[str, str]:
    return {"office": office.name, "code": office.code,
            "period_fa": period_title(period.code, "fa"),
            "period_en": period_title(period.code, "en"), "reason": reason}


async def _after(uow: UnitOfWork, office: OfficeRecord, period: PeriodRecord, who: Who,
                 reason: str, now: datetime, dedup: str) -> tuple[Correction | None, int]:
    """A published period's result scored again, and the owners told what changed."""
    if period.published_at is None:
        return None, 0
    correction = await corrections.rescore(uow.session, period, office.id, who, reason, now)
    if correction is None:
        return None, 0
    told = await tell_owners(
        uow.session, office.id, "correct-result-notice", kind="results.correct",
        not_before=by_day(now),
        dedup=f"{dedup}:v{correction.version}", **_args(office, period, reason),
        version=correction.version, old_total=str(correction.old_total),
        old_rank=correction.old_rank, new_total=str(correction.new_total),
        new_rank=correction.new_rank, share=correction.service_share)
    return correction, told


async def reopen_declaration(uow: UnitOfWork, office_code: str, period_code: str, *,
                             reason: str, actor: Actor | None = None,
                             now: datetime | None = None) -> Corrected:
    """Confirmed → submitted: the region reviews it again. Refusals: `admin-hq-only`,
    `admin-reason-required`, `audit-no-office`, `admin-no-period`, `correct-no-declaration`,
    `correct-not-confirmed`, `correct-reopened-by` (also for the second of two at once: who
    reopened it and when), `correct-published` (the region can no longer review a published
    period's declaration: withdraw a negative or undo a score instead, which makes a new
    version of the result)."""
    require_hq(actor)
    reason, now = _reason(reason), now or utcnow()
    async with uow:
        office, period = await _find(uow, office_code, period_code)
        found = await corrections.declaration_of(uow.session, office.id, period.id)
        if found is None:
            raise NotFound("correct-no-declaration", code=office.code, period=period.code)
        declaration_id, status = found
        if period.published_at is not None:
            raise Conflict("correct-published", code=office.code, period=period.code)
        if not await corrections.reopen(uow.session, declaration_id, _who(actor), reason):
            raise await _not_confirmed(uow, office, declaration_id)
        told = await tell_owners(uow.session, office.id, "correct-reopened-notice",
                                 not_before=by_day(now),
                                 kind="review.reopened", dedup=f"reopen:{declaration_id}:{now}",
                                 **_args(office, period, reason))
        await uow.commit()
    return Corrected(office.code, period.code, told, None)


async def _not_confirmed(uow: UnitOfWork, office: OfficeRecord, declaration_id: int
                         ) -> Conflict:
    """Not confirmed (any more): reopened by whom and when, else the status it is in."""
    status = await corrections.status_of(uow.session, declaration_id) or "?"
    if status == "submitted":
        winner = await winners.last_audited(uow.session, "declaration", declaration_id,
                                            ("declaration.reopen",))
        if winner is not None:
            return Conflict("correct-reopened-by", code=office.code, by=winner.name,
                            at=winner.at)
    return Conflict("correct-not-confirmed", code=office.code, status=status)


async def list_negatives(uow: UnitOfWork, office_code: str, period_code: str,
                         actor: Actor | None = None) -> list[Negative]:
    require_hq(actor)
    async with uow:
        office, period = await _find(uow, office_code, period_code)
        return await corrections.negatives(uow.session, office.id, period.id)


async def withdraw_negative(uow: UnitOfWork, negative_id: int, *, reason: str,
                            actor: Actor | None = None, now: datetime | None = None
                            ) -> Corrected:
    """Remove a committee's negative point. Refusals: `admin-hq-only`,
    `admin-reason-required`, `correct-no-negative` (also for the second of two at once)."""
    require_hq(actor)
    reason, now = _reason(reason), now or utcnow()
    who = _who(actor)
    async with uow:
        await serialize(uow.session, f"negative:{negative_id}")
        gone = await corrections.withdraw_negative(uow.session, negative_id, who, reason)
        if gone is None:
            raise Conflict("correct-no-negative", id=str(negative_id))
        period = await periods.by_id(uow.session, gone.period_id)
        office = await office_by_id(uow, gone.office_id)
        try:
            item = period_rubric(period).negative(gone.item_key)
            title_fa, title_en = item.title_fa, item.title_en
        except KeyError:
            title_fa = title_en = gone.item_key
        told = await tell_owners(uow.session, office.id, "correct-negative-notice",
                                 not_before=by_day(now),
                                 kind="review.negative", dedup=f"negative-withdrawn:{gone.id}",
                                 **_args(office, period, reason), title_fa=title_fa,
                                 title_en=title_en, reference=gone.reference)
        result, told_result = await _after(uow, office, period, who, reason, now,
                                           f"correct:{office.id}:{period.id}")
        await uow.commit()
    return Corrected(office.code, period.code, told + told_result, result)


async def undo_association(uow: UnitOfWork, office_code: str, period_code: str, *,
                           reason: str, actor: Actor | None = None,
                           now: datetime | None = None) -> Corrected:
    """Remove the office's association score for the period. Refusals: `admin-hq-only`,
    `admin-reason-required`, `audit-no-office`, `admin-no-period`, `correct-no-association`
    (also for the second of two at once)."""
    require_hq(actor)
    reason, now = _reason(reason), now or utcnow()
    who = _who(actor)
    async with uow:
        office, period = await _find(uow, office_code, period_code)
        await serialize(uow.session, f"association:{office.id}:{period.id}")
        old = await corrections.clear_association(uow.session, office.id, period.id, who,
                                                  reason)
        if old is None:
            raise Conflict("correct-no-association", code=office.code)
        told = await tell_owners(uow.session, office.id, "correct-association-notice",
                                 not_before=by_day(now),
                                 kind="review.association",
                                 dedup=f"association-undone:{office.id}:{period.id}:{now}",
                                 **_args(office, period, reason), score=str(old))
        result, told_result = await _after(uow, office, period, who, reason, now,
                                           f"correct:{office.id}:{period.id}")
        await uow.commit()
    return Corrected(office.code, period.code, told + told_result, result)


async def office_by_id(uow: UnitOfWork, office_id: int) -> OfficeRecord:
    from storage.declarations import get_office

    office = await get_office(uow.session, office_id)
    if office is None:
        raise NotFound("audit-no-office", code=str(office_id))
    return office



@dataclass(frozen=True, slots=True)
class OfficeState:
    """What headquarters may correct for an office in a period (the console's office page)."""

    office: OfficeRecord
    period: PeriodRecord
    status: str | None  # the declaration's, None: no declaration
    negatives: tuple[Negative, ...]
    association: Decimal | None


async def office_state(uow: UnitOfWork, office_code: str, period_code: str,
                       actor: Actor | None = None) -> OfficeState:
    """Refusals: `admin-hq-only`, `audit-no-office`, `admin-no-period`."""
    require_hq(actor)
    async with uow:
        office, period = await _find(uow, office_code, period_code)
        found = await corrections.declaration_of(uow.session, office.id, period.id)
        return OfficeState(office, period, found[1] if found else None,
                           tuple(await corrections.negatives(uow.session, office.id, period.id)),
                           await corrections.association_of(uow.session, office.id, period.id))
