"""The provincial association's scores as use cases: its panel, one office's score typed in
the chat, and a whole CSV/XLSX file.

Every call checks the association role and that the office is in one of the member's provinces
and is not one the member owns (`assoc-own-office`: a member never scores their own office);
entries are taken only inside the period's review window and never after publishing. One score
(or one file, all rows or none) is one transaction with its audit row. The command line imports
files through `import_scores` too (`actor=None`, any province).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from scoring.answers import AnswerError, parse_external_score
from scoring.rubric import ExternalInput
from services.errors import Forbidden, Invalid, ServiceError
from services.review import not_own, period_now, refusal, refusals, who
from services.uow import UnitOfWork
from storage import review, review_inputs, review_scores
from storage.accounts import Actor
from storage.admin import get_period
from storage.declarations import period_rubric
from storage.records import OfficeRecord, PeriodRecord
from storage.registry import ImportReport


@dataclass(frozen=True, slots=True)
class Panel:
    period: PeriodRecord
    provinces: list[str]
    offices: int
    scored: int
    refusal: ServiceError | None  # why entries are refused now, or None


@dataclass(frozen=True, slots=True)
class Office:
    """An office of the member's provinces, ready for its score."""

    office: OfficeRecord
    spec: ExternalInput
    current: Decimal | None


@dataclass(frozen=True, slots=True)
class Saved:
    office: OfficeRecord
    value: Decimal
    old: Decimal | None


def _provinces(actor: Actor) -> set[str]:
    if not actor.has_role("association"):
        raise Forbidden("assoc-not-yours", code="")
    return actor.provinces()


def _not_own(actor: Actor, found: OfficeRecord) -> None:
    try:
        not_own(actor, found.id, found.code)
    except Forbidden:
        raise Forbidden("assoc-own-office", code=found.code) from None


def spec(period: PeriodRecord) -> ExternalInput:
    return period_rubric(period).external.association


async def panel(uow: UnitOfWork, actor: Actor, now: datetime) -> Panel:
    provinces = _provinces(actor)
    async with uow:
        period = await period_now(uow, now)
        offices, scored = await review_inputs.association_progress(uow.session, period.id,
                                                                   provinces)
    why = review.action_refusal(period, now)
    return Panel(period, sorted(provinces), offices, scored,
                 refusal(why) if why is not None else None)


async def entry_period(uow: UnitOfWork, actor: Actor, now: datetime, *, check: bool = True
                       ) -> PeriodRecord:
    """The period scores go to; with `check`, only while its window takes entries."""
    _provinces(actor)
    async with uow:
        period = await period_now(uow, now)
    if check:
        with refusals():
            review.check_window(period, now)
    return period


async def office(uow: UnitOfWork, actor: Actor, code: str, now: datetime) -> Office:
    """The office with this code, if it is in the member's provinces and entries are open."""
    period = await entry_period(uow, actor, now)
    async with uow:
        with refusals():
            found = await review_inputs.association_office(uow.session, code, _provinces(actor))
        _not_own(actor, found)
        current = await review_inputs.association_score(uow.session, found.id, period.id)
    return Office(found, spec(period), current)


async def set_score(uow: UnitOfWork, actor: Actor, office_id: int, text: str, now: datetime
                    ) -> Saved:
    """Enter one office's score as typed; `Invalid("assoc-bad-score", office=…)` when the text
    is not a score in range."""
    async with uow:
        period = await period_now(uow, now)
        with refusals():
            review.check_window(period, now)
            found = await review_inputs.province_office(uow.session, office_id,
                                                        _provinces(actor))
        _not_own(actor, found)
        bounds = spec(period)
        try:
            value = parse_external_score(bounds, text)
        except AnswerError:
            raise Invalid("assoc-bad-score", text=text.strip()[:20], min=bounds.min,
                          max=bounds.max, office=found.id) from None
        with refusals():
            old = await review_inputs.set_association(uow.session, found, period, value,
                                                      who(actor), now)
        await uow.commit()
    return Saved(found, Decimal(value), old)


async def import_scores(uow: UnitOfWork, actor: Actor | None, path: Path, kind: str,
                        now: datetime | None = None, *, period_code: str | None = None,
                        dry_run: bool = False) -> ImportReport:
    """Scores from a file, validated whole first: any bad row and nothing is written. A member
    imports association scores for their provinces in the open window; the command line
    (`actor=None`) any kind, for the period named."""
    provinces = None if actor is None else _provinces(actor)
    if actor is not None:
        assert now is not None
        period = await entry_period(uow, actor, now)
    async with uow:
        if actor is None:
            assert period_code is not None
            period = await get_period(uow.session, period_code)
        with refusals():
            report = await review_scores.import_scores(
                uow.session, path, period, kind, provinces=provinces, dry_run=dry_run,
                own_offices=set(actor.office_ids) if actor is not None else set(),
                actor=who(actor).label if actor is not None else "cli",
                actor_account_id=actor.account_id if actor is not None else None)
        if report.written:
            await uow.commit()
    return report
