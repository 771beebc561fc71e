"""Headquarters' corrections: a confirmed declaration reopened, a negative point withdrawn, an
association score undone; and, once a period is published, the office's result scored again
as a new version. Each change is one conditional statement (of two at once, one changes and
the other finds nothing), with its audit row; no commit (`services.corrections` does)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.status import DeclarationStatus as S
from scoring.status import assert_transition
from storage.admin import audit
from storage.declarations import period_rubric
from storage.models import Declaration, ExternalScore, NegativePoint
from storage.models import Result as ResultRow
from storage.ranking import breakdown_json, compute_period
from storage.records import PeriodRecord


@dataclass(frozen=True, slots=True)
class Who:
    label: str
    account_id: int | None


async def _audit(session: AsyncSession, who: Who, action: str, entity: str, entity_id: object,
                 *, old: object, new: object, reason: str) -> None:
    await audit(session, actor=who.label, actor_account_id=who.account_id, action=action,
                entity=entity, entity_id=entity_id, old=old, new=new, reason=reason)


async def declaration_of(session: AsyncSession, office_id: int, period_id: int
                         ) -> tuple[int, str] | None:
    row = (await session.execute(select(Declaration.id, Declaration.status).where(
        Declaration.office_id == office_id, Declaration.period_id == period_id))).first()
    return (row.id, row.status) if row is not None else None


async def status_of(session: AsyncSession, declaration_id: int) -> str | None:
    """The declaration's status as committed now (None: it is gone)."""
    return await session.scalar(select(Declaration.status).where(
        Declaration.id == declaration_id))


async def reopen(session: AsyncSession, declaration_id: int, who: Who, reason: str) -> bool:
    """Confirmed → submitted (back in the region's queue) as a new version, so that a view
    opened before is stale and the next confirmation is told again; False if it was not
    confirmed."""
    assert_transition(S.CONFIRMED, S.SUBMITTED, "hq")
    moved = await session.execute(
        update(Declaration).where(Declaration.id == declaration_id,
                                  Declaration.status == S.CONFIRMED)
        .values(status=S.SUBMITTED, confirmed_at=None, version=Declaration.version + 1)
        .execution_options(synchronize_session=False))
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        return False
    await _audit(session, who, "declaration.reopen", "declaration", declaration_id,
                 old=str(S.CONFIRMED), new=str(S.SUBMITTED), reason=reason)
    return True


@dataclass(frozen=True, slots=True)
class Negative:
    id: int
    office_id: int
    period_id: int
    item_key: str
    decided_on: str
    reference: str


async def negatives(session: AsyncSession, office_id: int, period_id: int) -> list[Negative]:
    rows = (await session.execute(
        select(NegativePoint.id, NegativePoint.office_id, NegativePoint.period_id,
               NegativePoint.item_key, NegativePoint.decided_on, NegativePoint.reference)
        .where(NegativePoint.office_id == office_id, NegativePoint.period_id == period_id)
        .order_by(NegativePoint.id))).all()
    return [Negative(*row) for row in rows]


async def withdraw_negative(session: AsyncSession, negative_id: int, who: Who, reason: str
                            ) -> Negative | None:
    """Delete the negative point (one DELETE … RETURNING); None when it was gone already."""
    row = (await session.execute(
        delete(NegativePoint).where(NegativePoint.id == negative_id).returning(
            NegativePoint.id, NegativePoint.office_id, NegativePoint.period_id,
            NegativePoint.item_key, NegativePoint.decided_on, NegativePoint.reference))).first()
    if row is None:
        return None
    gone = Negative(*row)
    await _audit(session, who, "negative.withdraw", "office", gone.office_id,
                 old={"id": gone.id, "period_id": gone.period_id, "item": gone.item_key,
                      "decided_on": gone.decided_on, "reference": gone.reference},
                 new=None, reason=reason)
    return gone


async def clear_association(session: AsyncSession, office_id: int, period_id: int, who: Who,
                            reason: str) -> Decimal | None:
    """Remove the office's association score for the period; the score it had, or None when
    there was none (nothing changed)."""
    old = await session.scalar(select(ExternalScore.association).where(
        ExternalScore.office_id == office_id, ExternalScore.period_id == period_id))
    if old is None:
        return None
    moved = await session.execute(
        update(ExternalScore).where(ExternalScore.office_id == office_id,
                                    ExternalScore.period_id == period_id,
                                    ExternalScore.association == old)
        .values(association=None).execution_options(synchronize_session=False))
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        return None
    value = Decimal(old)
    await _audit(session, who, "score.association.undo", "office", office_id,
                 old=str(value), new=None, reason=reason)
    return value


@dataclass(frozen=True, slots=True)
class Correction:
    """A published result scored again: before and after."""

    office_id: int
    version: int
    old_total: Decimal
    old_rank: int
    new_total: Decimal
    new_rank: int
    service_share: int


async def rescore(session: AsyncSession, period: PeriodRecord, office_id: int, who: Who,
                  reason: str, now: datetime) -> Correction | None:
    """The office's result of a published period scored again with what is stored now; a new
    version when it changed (None when nothing changed or it has no result)."""
    row = await session.get(ResultRow, (period.id, office_id), with_for_update=True,
                            populate_existing=True)
    if row is None:
        return None
    breakdowns, _ = await compute_period(session, period, period_rubric(period))
    breakdown = breakdowns.get(office_id)
    if breakdown is None:
        return None
    text = breakdown_json(breakdown, {})
    if text == row.breakdown_json:
        return None
    old: dict[str, Any] = {"total": str(row.total), "rank": row.rank, "version": row.version,
                           "breakdown": row.breakdown_json}
    correction = Correction(office_id, row.version + 1, Decimal(row.total), row.rank,
                            breakdown.total, breakdown.rank, breakdown.service_share)
    await session.execute(
        update(ResultRow).where(ResultRow.period_id == period.id,
                                ResultRow.office_id == office_id)
        .values(source=breakdown.source, total=breakdown.total, rank=breakdown.rank,
                service_share=breakdown.service_share, breakdown_json=text, computed_at=now,
                version=correction.version)
        .execution_options(synchronize_session=False))
    await _audit(session, who, "results.correct", "office", office_id, old=old,
                 new={"total": str(breakdown.total), "rank": breakdown.rank,
                      "version": correction.version, "period_id": period.id},
                 reason=reason)
    return correction


async def association_of(session: AsyncSession, office_id: int, period_id: int
                         ) -> Decimal | None:
    """The office's association score for the period, or None."""
    return await session.scalar(select(ExternalScore.association).where(
        ExternalScore.office_id == office_id, ExternalScore.period_id == period_id))
