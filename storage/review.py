"""The region's review: the queue, opening a declaration, and the reviewer's actions.

Every function that touches a declaration takes the reviewer's regions and refuses
(`ReviewError("rv-not-yours")`) a declaration whose office is elsewhere: nothing a button carries
is trusted. Actions are allowed on a submitted declaration, inside the period's review window (or,
for a declaration the reviewer returned with a grace period, until two days after the grace
ends), and never after the period is published. Each action writes an audit row (who, when,
old → new, why); what the owner must hear about goes to the outbox in the same transaction. These
functions do not commit: the handler commits before it replies.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.answers import AnswerError, from_json, to_json, validate_value
from scoring.calendar import TEHRAN, end_of_day, format_jalali_date, period_title
from scoring.rubric import Indicator, Rubric
from scoring.score import AppliedNegative, Breakdown, ExternalInputs, score
from scoring.status import DeclarationStatus, TransitionError
from storage import declarations as decl
from storage.admin import audit, current_period, period_record
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
from storage.outbox import enqueue
from storage.records import OfficeRecord, PeriodRecord
from storage.review_queue import (  # noqa: F401 - the queue is part of this module's API
    FILTERS,
    QueueCounts,
    QueueRow,
    list_queue,
    next_to_review,
    queue_counts,
)
from texts.i18n import Markup, Translator
from texts.views import format_value

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
# Telling the owners


async def owner_accounts(session: AsyncSession, office_id: int) -> list[Account]:
    return list((await session.scalars(
        select(Account).join(AccountOffice, AccountOffice.account_id == Account.id)
        .where(AccountOffice.office_id == office_id).order_by(Account.id))).all())


def menu_markup(t: Translator, callback: str = "menu:main", key: str = "button-menu"
                ) -> dict[str, Any]:
    return {"inline_keyboard": [[{"text": t(key), "callback_data": callback}]]}


async def tell_owners(session: AsyncSession, office_id: int, kind: str,
                      render: Callable[[Translator], str], *, callback: str = "menu:main",
                      button: str = "button-menu", dedup: str | None = None) -> int:
    """Queue a message to every account linked to the office, in each one's language."""
    queued = 0
    for account in await owner_accounts(session, office_id):
        t = Translator(account.locale, account.platform)
        if await enqueue(session, platform=account.platform, chat_id=account.platform_user_id,
                         text=render(t), kind=kind, account_id=account.id,
                         reply_markup=menu_markup(t, callback, button),
                         dedup_key=f"{dedup}:{account.id}" if dedup else None):
            queued += 1
    return queued


def reason_text(t: Translator, stored: str | None) -> str:
    """A rejection reason: one of the quick reasons (stored as «@key») or the reviewer's text."""
    if stored and stored.startswith("@") and stored[1:] in QUICK_REASONS:
        return t(f"rv-reason-{stored[1:]}")
    return t.raw(stored or "")


def _title(item: Any, lang: str) -> str:
    return item.title_fa if lang == "fa" else item.title_en


async def _adjust_reasons(session: AsyncSession, declaration_id: int) -> dict[str, str]:
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


def _notes(t: Translator, target: ReviewTarget, reasons: dict[str, str], *,
           final: bool = False) -> list[str]:
    """Adjusted values and rejected files, for the owner (`final`: nothing more to send)."""
    lines = []
    items = {i.key: i for i in target.items}
    for key, value in target.accepted.items():
        if key in items:
            item = items[key]
            lines.append(t("rv-owner-adjusted", title=_title(item, t.lang),
                           declared=format_value(item, target.view.answers.get(key), t),
                           accepted=format_value(item, value, t),
                           reason=reasons.get(key, "")))
    for file in rejected_to_tell(target):
        item = items.get(file.item_key)
        lines.append(t("rv-owner-rejected-final" if final else "rv-owner-rejected",
                       title=_title(item, t.lang) if item else file.item_key,
                       reason=Markup(reason_text(t, file.rejected_reason))))
    return lines


# ---------------------------------------------------------------------------------------------
# Actions


def must_be_actionable(target: ReviewTarget, now: datetime) -> None:
    if target.view.status != S.SUBMITTED:
        raise ReviewError("rv-not-reviewable", status=target.view.status)
    check_window(target.period, now, target.view.grace_until)


async def confirm(session: AsyncSession, target: ReviewTarget, who: Who, now: datetime) -> None:
    must_be_actionable(target, now)
    try:
        await decl.move(session, target.view.id, S.CONFIRMED, actor=who.label, by="reviewer",
                        now=now)
    except TransitionError as exc:
        raise ReviewError("rv-not-reviewable", status=exc.old) from None
    await session.execute(update(Answer).where(Answer.declaration_id == target.view.id)
                          .values(review_comment=None))
    reasons = await _adjust_reasons(session, target.view.id)

    def render(t: Translator) -> str:
        lines = [t("rv-owner-confirmed", name=target.office.name, code=target.office.code,
                   period=period_title(target.period.code, t.lang))]
        notes = _notes(t, target, reasons, final=True)
        if notes:
            lines += [t("rv-owner-notes"), *notes]
        return "\n".join(lines)

    await tell_owners(session, target.office.id, "review.confirmed", render,
                      dedup=f"rv-confirm:{target.view.id}:{target.view.version}")


async def adjust(session: AsyncSession, target: ReviewTarget, key: str, value: Any,
                 reason: str, who: Who, now: datetime) -> Any:
    """Set the accepted value of an item (the declared one clears the adjustment); returns the
    value the score now uses."""
    must_be_actionable(target, now)
    reason = " ".join(reason.split())
    if not reason:
        raise ReviewError("rv-reason-required")
    item = next((i for i in target.items if i.key == key), None)
    if item is None:
        raise ReviewError("rv-stale")
    value = validate_value(item, value)
    declared = target.view.answers.get(key)
    stored = None if value == declared else json.dumps(to_json(value), ensure_ascii=False)
    answer = await session.scalar(select(Answer).where(Answer.declaration_id == target.view.id,
                                                       Answer.item_key == key))
    if answer is None:
        raise ReviewError("rv-unanswered")
    old = json.loads(answer.accepted_json) if answer.accepted_json else to_json(declared)
    answer.accepted_json = stored
    await audit(session, actor=who.label, actor_account_id=who.account_id,
                action="answer.adjust", entity="declaration", entity_id=target.view.id,
                old={key: old}, new={key: to_json(value)}, reason=reason[:MAX_TEXT])
    return value


async def reject_evidence(session: AsyncSession, target: ReviewTarget, evidence_id: int,
                          reason: str, who: Who, now: datetime) -> None:
    """`reason` is «@<quick reason>» or the reviewer's own words."""
    must_be_actionable(target, now)
    reason = " ".join(reason.split())[:MAX_TEXT]
    if not reason:
        raise ReviewError("rv-reason-required")
    row = await session.get(Evidence, evidence_id)
    if row is None or row.declaration_id != target.view.id or row.removed_at is not None:
        raise ReviewError("rv-stale")
    old = row.rejected_reason
    row.rejected_reason = reason
    await audit(session, actor=who.label, actor_account_id=who.account_id,
                action="evidence.reject", entity="declaration", entity_id=target.view.id,
                old={"evidence": evidence_id, "rejected": old},
                new={"evidence": evidence_id, "key": row.item_key, "sha256": row.sha256},
                reason=reason)


async def restore_evidence(session: AsyncSession, target: ReviewTarget, evidence_id: int,
                           who: Who, now: datetime) -> None:
    must_be_actionable(target, now)
    row = await session.get(Evidence, evidence_id)
    if row is None or row.declaration_id != target.view.id or row.rejected_reason is None:
        raise ReviewError("rv-stale")
    await audit(session, actor=who.label, actor_account_id=who.account_id,
                action="evidence.restore", entity="declaration", entity_id=target.view.id,
                old={"evidence": evidence_id, "rejected": row.rejected_reason},
                new={"evidence": evidence_id, "rejected": None})
    row.rejected_reason = None


async def set_comment(session: AsyncSession, target: ReviewTarget, key: str, comment: str,
                      who: Who, now: datetime) -> None:
    """A comment on one item for the owner (empty text removes it); sent when returned."""
    must_be_actionable(target, now)
    comment = comment.strip()[:MAX_TEXT]
    answer = await session.scalar(select(Answer).where(Answer.declaration_id == target.view.id,
                                                       Answer.item_key == key))
    if answer is None:
        raise ReviewError("rv-unanswered")
    old = answer.review_comment
    answer.review_comment = comment or None
    await audit(session, actor=who.label, actor_account_id=who.account_id,
                action="answer.comment", entity="declaration", entity_id=target.view.id,
                old={key: old}, new={key: answer.review_comment})


def grace_end(now: datetime, days: int) -> datetime:
    """The end (Tehran time) of the day `days` days from today."""
    today: date = now.astimezone(TEHRAN).date()
    return end_of_day(today + timedelta(days=days))


async def return_to_owner(session: AsyncSession, target: ReviewTarget, who: Who, now: datetime,
                          grace_days: int = 0) -> datetime:
    """Send the declaration back with its comments and rejected files; returns the owner's
    deadline (the window's close, or the grace period's end if later)."""
    must_be_actionable(target, now)
    comments = dict(target.view.comments)
    rejected = rejected_to_tell(target)
    if not comments and not rejected:
        raise ReviewError("rv-return-empty")
    if grace_days and grace_days not in GRACE_DAYS:
        raise ReviewError("rv-stale")
    grace = grace_end(now, grace_days) if grace_days else None
    if grace is None and not target.period.is_open(now):
        raise ReviewError("rv-grace-needed")
    await decl.move(session, target.view.id, S.RETURNED, actor=who.label, by="reviewer",
                    now=now, reason=json.dumps({"comments": comments,
                                                "rejected": [e.id for e in rejected]},
                                               ensure_ascii=False))
    row = await session.get(Declaration, target.view.id)
    assert row is not None
    old_grace = row.grace_until
    row.grace_until = grace
    if grace != old_grace:
        await audit(session, actor=who.label, actor_account_id=who.account_id,
                    action="declaration.grace", entity="declaration", entity_id=row.id,
                    old=old_grace.isoformat() if old_grace else None,
                    new=grace.isoformat() if grace else None)
    deadline = max(target.period.closes_at, grace) if grace else target.period.closes_at
    items = {i.key: i for i in target.items}
    reasons = await _adjust_reasons(session, target.view.id)

    def render(t: Translator) -> str:
        lines = [t("rv-owner-returned", name=target.office.name, code=target.office.code)]
        for key, comment in comments.items():
            item = items.get(key)
            lines.append(t("rv-owner-comment", title=_title(item, t.lang) if item else key,
                           comment=comment))
        lines += _notes(t, target, reasons)
        lines.append(t("rv-owner-deadline",
                       date=format_jalali_date(deadline - TICK, t.lang)))
        return "\n".join(lines)

    await tell_owners(session, target.office.id, "review.returned", render,
                      callback=f"w:review:{target.office.id}", button="rv-owner-button-fix",
                      dedup=f"rv-return:{target.view.id}:{target.view.version}")
    return deadline
