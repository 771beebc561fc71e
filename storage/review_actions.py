"""The reviewer's actions on a declaration of their region: confirm, adjust a value, reject or
restore a file, comment an item, return it to the owner.

Each checks the state and the window again (`must_be_actionable`), writes an audit row (who,
when, old → new, why) and queues what the owner must hear as data, in the caller's
transaction. Confirming and returning move the status with one conditional `UPDATE … WHERE
status = 'submitted' AND version = <seen>`: of two reviewers acting at once (two taps, two
people) exactly one moves it; the other is told who moved it and when (`rv-already-confirmed`,
`rv-already-returned`; else `rv-not-reviewable` with the status it found), and nothing of
theirs is written.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.answers import to_json, validate_value
from scoring.calendar import TEHRAN, end_of_day
from scoring.status import TransitionError, assert_transition
from storage import winners
from storage.admin import audit
from storage.models import Answer, Declaration, Evidence
from storage.review import (
    GRACE_DAYS,
    MAX_TEXT,
    ReviewError,
    ReviewTarget,
    S,
    Who,
    adjust_reasons,
    must_be_actionable,
    notes,
    rejected_to_tell,
    tell_owners,
    titles,
)


async def _move(session: AsyncSession, target: ReviewTarget, new: S, who: Who,
                reason: str | None = None, **values: Any) -> None:
    """Submitted → `new`, only if nobody moved it since the reviewer opened it."""
    try:
        assert_transition(S.SUBMITTED, new, "reviewer")
    except TransitionError as exc:
        raise ReviewError("rv-not-reviewable", status=exc.old) from None
    moved = await session.execute(
        update(Declaration).where(Declaration.id == target.view.id,
                                  Declaration.status == S.SUBMITTED,
                                  Declaration.version == target.view.version)
        .values(status=new, review_started_at=None, **values)
        .execution_options(synchronize_session=False))
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        status = await session.scalar(select(Declaration.status).where(
            Declaration.id == target.view.id))
        raise await already(session, target.view.id, status or S.SUBMITTED)
    await audit(session, actor=who.label, actor_account_id=who.account_id,
                action="declaration.status", entity="declaration", entity_id=target.view.id,
                old=str(S.SUBMITTED), new=str(new), reason=reason)


async def already(session: AsyncSession, declaration_id: int, status: str) -> ReviewError:
    """Not reviewable (any more): confirmed or returned by whom and when
    (`rv-already-confirmed`, `rv-already-returned`), else the status it is in."""
    winner = None
    if status in (S.CONFIRMED, S.RETURNED):
        winner = await winners.status_move(session, declaration_id, status)
    if winner is None:
        return ReviewError("rv-not-reviewable", status=status)
    return ReviewError(f"rv-already-{status}", by=winner.name, at=winner.at)


async def confirm(session: AsyncSession, target: ReviewTarget, who: Who, now: datetime, *,
                  not_before: datetime | None = None) -> int:
    """Confirm the declaration and tell its owners (not before `not_before`); how many owners
    were told."""
    must_be_actionable(target, now)
    await _move(session, target, S.CONFIRMED, who, confirmed_at=now)
    await session.execute(update(Answer).where(Answer.declaration_id == target.view.id)
                          .values(review_comment=None)
                          .execution_options(synchronize_session=False))
    reasons = await adjust_reasons(session, target.view.id)
    return await tell_owners(
        session, target.office.id, "review-confirmed", kind="review.confirmed",
        dedup=f"rv-confirm:{target.view.id}:{target.view.version}", not_before=not_before,
        name=target.office.name, code=target.office.code, period=target.period.code,
        **notes(target, reasons))


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
    # The owner hears of it at once: which file, why, and what to send instead.
    item = next((i for i in target.items if i.key == row.item_key), None)
    wanted = [item.evidence.prompt_fa, item.evidence.prompt_en] if item is not None and \
        item.evidence is not None else [row.item_key, row.item_key]
    await tell_owners(
        session, target.office.id, "evidence-rejected", kind="review.evidence",
        dedup=f"rv-reject:{evidence_id}:{hashlib.sha256(reason.encode()).hexdigest()[:12]}",
        name=target.office.name, code=target.office.code, office_id=target.office.id,
        title=titles(item, row.item_key), reason=reason, wanted=wanted,
        kind_of=item.evidence.kind if item is not None and item.evidence is not None else "")


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
    old_grace = target.view.grace_until
    await _move(session, target, S.RETURNED, who, grace_until=grace,
                reason=json.dumps({"comments": comments, "rejected": [e.id for e in rejected]},
                                  ensure_ascii=False))
    if grace != old_grace:
        await audit(session, actor=who.label, actor_account_id=who.account_id,
                    action="declaration.grace", entity="declaration", entity_id=target.view.id,
                    old=old_grace.isoformat() if old_grace else None,
                    new=grace.isoformat() if grace else None)
    deadline = max(target.period.closes_at, grace) if grace else target.period.closes_at
    items = {i.key: i for i in target.items}
    reasons = await adjust_reasons(session, target.view.id)
    await tell_owners(
        session, target.office.id, "review-returned", kind="review.returned",
        dedup=f"rv-return:{target.view.id}:{target.view.version}",
        name=target.office.name, code=target.office.code, office_id=target.office.id,
        comments=[[*titles(items.get(key), key), comment] for key, comment in comments.items()],
        deadline=deadline.isoformat(), **notes(target, reasons))
    return deadline
