"""The region's review: the period and its window, opening a declaration, the provisional
score, and what the owners are told.

Every function that touches a declaration takes the reviewer's regions and refuses
(`ReviewError("rv-not-yours")`) a declaration whose office is elsewhere: nothing a button carries
is trusted. Actions (`storage.review_actions`) are allowed on a submitted declaration, inside
the period's review window (or, for a declaration the reviewer returned with a grace period,
until two days after the grace ends), and never after the period is published. Nothing here
renders or commits: what the owner must hear is queued as data (`storage.outbox.notify`),
`texts.notices.review` puts it into words when it is sent, and `services.review` commits.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.answers import AnswerError, from_json, to_json
from scoring.rubric import Indicator, Rubric
from scoring.score import AppliedNegative, Breakdown, ExternalInputs, score
from scoring.status import DeclarationStatus
from storage import declarations as decl
from storage.admin import current_period, period_record
from storage.models import (
    Account,
    AccountOffice,
    Answer,
    AuditLog,
    Declaration,
    Evidence,
    ExternalScore,
    NegativePoint,
    Office,
    Period,
)
from storage.outbox import notify
from storage.records import OfficeRecord, PeriodRecord
from storage.review_queue import (  # noqa: F401 - the queue is part of this module's API
    FILTERS,
    QueueCounts,
    QueueRow,
    list_queue,
    next_to_review,
    queue_counts,
)

S = DeclarationStatus
TICK = timedelta(microseconds=1)
# After a grace period it gave the owner, the region may still act on that declaration this long.
REVIEW_AFTER_GRACE = timedelta(days=2)
GRACE_DAYS = (3, 7)
QUICK_REASONS = ("illegible", "unrelated", "expired")
MAX_TEXT = 500


class ReviewError(Exception):
    """The reviewer may not do this: `key` is the catalog message, `args_` fill it."""

    def __init__(self, key: str, **args: object) -> None:
        super().__init__(key)
        self.key, self.args_ = key, args


@dataclass(frozen=True, slots=True)
class Who:
    """The staff member acting: the audit label and the account."""

    label: str
    account_id: int


@dataclass(frozen=True, slots=True)
class ReviewTarget:
    """A declaration opened by a reviewer of its region."""

    office: OfficeRecord
    period: PeriodRecord
    rubric: Rubric
    view: decl.DeclarationView
    accepted: dict[str, Any]  # the reviewer's adjusted values, typed

    @property
    def items(self) -> list[Indicator]:
        return list(self.rubric.applicable(self.office.office_type))

    def item(self, index: int) -> Indicator:
        items = self.items
        if not 0 <= index < len(items):
            raise ReviewError("rv-stale")
        return items[index]

    def value(self, key: str) -> Any:
        """What the score uses: the accepted value if the reviewer adjusted it."""
        return self.accepted[key] if key in self.accepted else self.view.answers.get(key)

    def scored_answers(self) -> dict[str, Any]:
        return {**self.view.answers, **self.accepted}

    def live_counts(self) -> dict[str, int]:
        return self.view.evidence_counts()


# ---------------------------------------------------------------------------------------------
# The period and its window


async def review_period(session: AsyncSession, now: datetime) -> PeriodRecord | None:
    """The period whose review window is open now, else the owners' current period."""
    rows = (await session.scalars(select(Period).where(Period.review_opens_at <= now,
                                                       Period.review_closes_at > now)
                                  .order_by(Period.opens_at.desc()).limit(1))).all()
    if rows:
        return period_record(rows[0])
    return await current_period(session, now)


def window_dates(period: PeriodRecord) -> dict[str, datetime]:
    """The review window's first and last instants (a reader sees their Jalali days)."""
    return {"opens": period.review_opens_at, "closes": period.review_closes_at - TICK}


def action_refusal(period: PeriodRecord, now: datetime,
                   grace_until: datetime | None = None) -> ReviewError | None:
    """Why a review action is refused now (with the window's dates), or None."""
    if period.published_at is not None:
        return ReviewError("rv-published", period_code=period.code)
    if period.review_is_open(now):
        return None
    if grace_until is not None and now < grace_until + REVIEW_AFTER_GRACE:
        return None
    key = "rv-window-not-yet" if now < period.review_opens_at else "rv-window-closed"
    return ReviewError(key, **window_dates(period))


def check_window(period: PeriodRecord, now: datetime, grace_until: datetime | None = None
                 ) -> None:
    refusal = action_refusal(period, now, grace_until)
    if refusal is not None:
        raise refusal


# ---------------------------------------------------------------------------------------------
# Opening


async def open_declaration(session: AsyncSession, declaration_id: int, regions: set[int]
                           ) -> ReviewTarget:
    """The declaration if its office is in one of the regions and it has been submitted."""
    row = await session.get(Declaration, declaration_id, populate_existing=True)
    if row is None:
        raise ReviewError("rv-stale")
    office = await decl.get_office(session, row.office_id)
    if office is None or office.region_code not in regions:
        raise ReviewError("rv-not-yours")
    if row.status == S.DRAFT:
        raise ReviewError("rv-not-submitted")
    period_row = await session.get(Period, row.period_id)
    assert period_row is not None
    period = period_record(period_row)
    rubric = decl.period_rubric(period)
    view = await decl.load(session, declaration_id, rubric)
    accepted: dict[str, Any] = {}
    for key, raw in (await session.execute(select(Answer.item_key, Answer.accepted_json).where(
            Answer.declaration_id == declaration_id, Answer.accepted_json.is_not(None)))).all():
        try:
            accepted[key] = from_json(rubric.indicator(key), json.loads(raw))
        except (KeyError, AnswerError):
            continue
    return ReviewTarget(office, period, rubric, view, accepted)


async def check_region(session: AsyncSession, declaration_id: int, regions: set[int]) -> None:
    """Refuse a declaration of another region (whatever its status)."""
    region = await session.scalar(select(Office.region_code).join(
        Declaration, Declaration.office_id == Office.id).where(Declaration.id == declaration_id))
    if region is None:
        raise ReviewError("rv-stale")
    if region not in regions:
        raise ReviewError("rv-not-yours")


async def evidence_target(session: AsyncSession, evidence_id: int, regions: set[int]
                          ) -> tuple[ReviewTarget, decl.EvidenceRecord]:
    row = await session.get(Evidence, evidence_id)
    if row is None or row.removed_at is not None:
        raise ReviewError("rv-stale")
    target = await open_declaration(session, row.declaration_id, regions)
    record = next((e for e in target.view.evidence if e.id == evidence_id), None)
    if record is None:
        raise ReviewError("rv-stale")
    return target, record


async def provisional(session: AsyncSession, target: ReviewTarget) -> Breakdown:
    """The score as it stands: accepted values, live files, entered external scores and the
    committee's decisions so far."""
    ext = (await session.execute(select(ExternalScore.association, ExternalScore.satisfaction,
                                        ExternalScore.satisfaction_mean,
                                        ExternalScore.respondents).where(
        ExternalScore.period_id == target.period.id,
        ExternalScore.office_id == target.office.id))).first()
    known = {n.key for n in target.rubric.negatives}
    negatives = [AppliedNegative(key, count) for key, count in (await session.execute(
        select(NegativePoint.item_key, func.count()).where(
            NegativePoint.period_id == target.period.id,
            NegativePoint.office_id == target.office.id).group_by(NegativePoint.item_key)
    )).all() if key in known]
    return score(target.rubric, target.office.office_type, target.scored_answers(),
                 ExternalInputs(*ext) if ext else None, negatives,
                 evidence_counts=target.live_counts())


# ---------------------------------------------------------------------------------------------
# Telling the owners (as data: `texts.notices.review` renders each notice when it is sent)


async def owner_accounts(session: AsyncSession, office_id: int) -> list[Account]:
    return list((await session.scalars(
        select(Account).join(AccountOffice, AccountOffice.account_id == Account.id)
        .where(AccountOffice.office_id == office_id).order_by(Account.id))).all())


async def tell_owners(session: AsyncSession, office_id: int, notice: str, /, *, kind: str,
                      dedup: str, not_before: datetime | None = None, **args: Any) -> int:
    """Queue the notice to every account linked to the office (each reads it in its own
    language), not before `not_before` (None: at once); how many were queued."""
    queued = 0
    for account in await owner_accounts(session, office_id):
        if await notify(session, account, notice, kind=kind, dedup_key=f"{dedup}:{account.id}",
                        not_before=not_before, **args):
            queued += 1
    return queued


async def adjust_reasons(session: AsyncSession, declaration_id: int) -> dict[str, str]:
    rows = (await session.execute(select(AuditLog.new, AuditLog.reason).where(
        AuditLog.entity == "declaration", AuditLog.entity_id == str(declaration_id),
        AuditLog.action == "answer.adjust").order_by(AuditLog.id))).all()
    reasons: dict[str, str] = {}
    for new, reason in rows:
        for key in json.loads(new or "{}"):
            reasons[key] = reason or ""
    return reasons


def rejected_to_tell(target: ReviewTarget) -> list[decl.EvidenceRecord]:
    """Rejected files the owner must hear about: those of items still short of accepted files
    (a file rejected in an earlier round and since replaced is history)."""
    live = target.live_counts()
    items = {i.key: i for i in target.items}
    return [e for e in target.view.evidence if e.rejected_reason and (
        e.item_key not in items or live.get(e.item_key, 0) < items[e.item_key].evidence.min_count)]


def titles(item: Any, fallback: str) -> list[str]:
    """[Persian title, English title] of an indicator (its key when it is gone)."""
    return [item.title_fa, item.title_en] if item is not None else [fallback, fallback]


def notes(target: ReviewTarget, reasons: dict[str, str]) -> dict[str, Any]:
    """What the owner is told besides the news: adjusted values (the indicator travels with
    them, so the value reads right in any language) and rejected files. Plain JSON data."""
    items = {i.key: i for i in target.items}
    adjusted = [{"item": items[key].model_dump(mode="json"),
                 "declared": to_json(target.view.answers.get(key)), "accepted": to_json(value),
                 "reason": reasons.get(key, "")}
                for key, value in target.accepted.items() if key in items]
    rejected = [{"title": titles(items.get(file.item_key), file.item_key),
                 "reason": file.rejected_reason or ""} for file in rejected_to_tell(target)]
    return {"adjusted": adjusted, "rejected": rejected}


def must_be_actionable(target: ReviewTarget, now: datetime) -> None:
    if target.view.status != S.SUBMITTED:
        raise ReviewError("rv-not-reviewable", status=target.view.status)
    check_window(target.period, now, target.view.grace_until)
