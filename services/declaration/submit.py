"""Submitting the declaration, and the owner's status for the main menu.

Only a complete declaration is submitted, after a confirmation. Of two submissions at once (a
double tap, two phones) exactly one moves the declaration and writes its audit row; the other
is told it is submitted already.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scoring.status import TransitionError
from services.declaration.draft import Draft, label, load
from services.errors import Conflict
from services.uow import UnitOfWork
from storage import declarations as decl
from storage import winners
from storage.accounts import Actor
from storage.admin import current_period
from storage.faults import fault_point
from storage.records import OfficeRecord, PeriodRecord

S = decl.S


@dataclass(frozen=True, slots=True)
class Incomplete:
    draft: Draft
    missing: list[Any]


@dataclass(frozen=True, slots=True)
class ConfirmFirst:
    draft: Draft


@dataclass(frozen=True, slots=True)
class Submitted:
    draft: Draft


async def submit(uow: UnitOfWork, actor: Actor, now: datetime, period_id: int, *,
                 confirmed: bool) -> Incomplete | ConfirmFirst | Submitted:
    """Submit (with `confirmed`; else ask for the confirmation first). Refused as
    `Conflict("submit-already-by", by=…, at=…)` (or `submit-already`) unless the declaration
    is a draft or returned."""
    async with uow:
        draft = await load(uow, actor, now, period_id=period_id, edit=True)
        missing = draft.missing()
        if missing:
            return Incomplete(draft, missing)
        if draft.view.status not in (S.DRAFT, S.RETURNED):
            raise await _already(uow, draft.view.id)
        if not confirmed:
            return ConfirmFirst(draft)
        try:
            await decl.move(uow.session, draft.view.id, S.SUBMITTED, actor=label(actor),
                            by="owner", now=now)
        except TransitionError as error:  # submitted by another tap meanwhile
            raise await _already(uow, draft.view.id) from error
        fault_point("submit.moved")
        await uow.commit()
    fault_point("submit.committed")
    return Submitted(draft)


async def _already(uow: UnitOfWork, declaration_id: int) -> Conflict:
    """Submitted already: by whom and when (`submit-already-by`), when the audit says."""
    winner = await winners.status_move(uow.session, declaration_id, S.SUBMITTED)
    if winner is None:
        return Conflict("submit-already")
    return Conflict("submit-already-by", by=winner.name, at=winner.at)


@dataclass(frozen=True, slots=True)
class Status:
    """What the main menu says: the office, the period (None: none yet), the declaration's
    status (None: not started) and its missing items."""

    office: OfficeRecord
    period: PeriodRecord | None
    status: str | None
    missing: list[Any]
    under_review: bool = False  # submitted and opened by a reviewer: no edit


async def status(uow: UnitOfWork, actor: Actor, now: datetime) -> Status | None:
    """The owner's declaration for the current period; None when the account acts for no
    single office. Reads only: the draft is opened when the owner starts."""
    office_id = actor.office_id
    if office_id is None:
        return None
    async with uow:
        office = await decl.get_office(uow.session, office_id)
        if office is None:
            return None
        period = await current_period(uow.session, now)
        if period is None:
            return Status(office, None, None, [])
        declaration_id = await decl.find(uow.session, office.id, period.id)
        if declaration_id is None:
            return Status(office, period, None, [])
        rubric = decl.period_rubric(period)
        view = await decl.load(uow.session, declaration_id, rubric)
    missing = decl.missing(rubric, office.office_type, view)
    return Status(office, period, view.status, missing, view.under_review)
