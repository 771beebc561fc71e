"""Publish a period's results: rank once more, freeze, and tell every owner.

`publish` ranks once more, freezes the period, moves confirmed declarations to published and
queues to every linked owner their result: the total, each indicator with its reason, negative
points, the rank, the service share it allows and the change from the previous period. Each
message has a dedup key, and a published period is never published again, so publishing twice
sends nothing new.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.calendar import format_jalali_date
from scoring.score import Breakdown
from scoring.status import can_transition
from storage.admin import audit, period_record
from storage.exclusive import locked
from storage.models import Account, AccountOffice, Declaration, Office, Outbox, Period
from storage.models import Result as ResultRow
from storage.ranking import breakdown_json, chunks, plan_ranking, store_ranking
from storage.records import PeriodRecord
from storage.results import PublishSummary, ResultsError, S, require_period

RESULT_NOTICE = "result"


def publish_refusal(period: PeriodRecord, now: datetime) -> ResultsError | None:
    """Why the period cannot be published now, or None. Results are published after both the
    owners' and the regions' windows have closed."""
    ends = max(period.closes_at, period.review_closes_at)
    if now < ends:
        last = ends - timedelta(microseconds=1)
        return ResultsError(f"period {period.code}: the review window is open until the end of "
                            f"{format_jalali_date(last, 'en')}; publish after it",
                            "hq-too-early", date=last)
    return None


async def _previous_published(session: AsyncSession, period: PeriodRecord
                              ) -> tuple[str, dict[int, tuple[Decimal, int]]] | None:
    row = (await session.execute(
        select(Period.id, Period.code).where(Period.opens_at < period.opens_at,
                                             Period.published_at.is_not(None))
        .order_by(Period.opens_at.desc()).limit(1))).first()
    if row is None:
        return None
    results = {office_id: (Decimal(total), rank) for office_id, total, rank in (
        await session.execute(select(ResultRow.office_id, ResultRow.total, ResultRow.rank)
                              .where(ResultRow.period_id == row.id))).all()}
    return row.code, results


async def open_grace(session: AsyncSession, period_id: int) -> datetime | None:
    """The last instant a region may still act on a declaration it gave a grace period."""
    from storage.review import REVIEW_AFTER_GRACE

    latest = await session.scalar(select(func.max(Declaration.grace_until)).where(
        Declaration.period_id == period_id,
        Declaration.status.in_((S.RETURNED, S.SUBMITTED)),
        Declaration.grace_until.is_not(None)))
    return latest + REVIEW_AFTER_GRACE if latest is not None else None


async def publish(session: AsyncSession, period_id: int, now: datetime, *, actor: str,
                  actor_account_id: int | None = None, not_before: datetime | None = None
                  ) -> PublishSummary:
    """Rank, freeze, publish and queue every linked owner's result (no commit: the caller's
    transaction). Publishing a published period does nothing and says when it was published;
    of two publishing at once, the second finds it published (the period row is locked).

    Everything is computed before the first write, so the write transaction (SQLite has one
    writer at a time) lasts only as long as the bulk statements."""
    period = period_record(await require_period(session, period_id))
    if period.published_at is not None:
        return PublishSummary(period.code, period.published_at, True, None)
    refusal = publish_refusal(period, now)
    if refusal is not None:
        raise refusal
    grace = await open_grace(session, period_id)
    if grace is not None and now < grace:
        last = grace - timedelta(microseconds=1)
        raise ResultsError(f"period {period.code}: a returned declaration may be reviewed until "
                           f"{format_jalali_date(last, 'en')}; publish after it",
                           "hq-grace-open", date=last)
    plan = await plan_ranking(session, period_id, now)
    messages, unreachable = await _result_messages(session, period, plan.breakdowns)
    ranking = await store_ranking(session, plan)
    row = await locked(session, Period, period_id)
    assert row is not None
    if row.published_at is not None:  # another HQ member published a moment ago
        return PublishSummary(period.code, row.published_at, True, None)
    row.published_at = now
    assert can_transition(S.CONFIRMED, S.PUBLISHED, "hq")
    moved = await session.execute(
        update(Declaration).where(Declaration.period_id == period_id,
                                  Declaration.status == S.CONFIRMED)
        .values(status=S.PUBLISHED).execution_options(synchronize_session=False))
    for chunk in chunks(messages):  # the owners hear by day (`not_before`, None: at once)
        await session.execute(insert(Outbox), chunk if not_before is None else
                              [{**row, "not_before": not_before} for row in chunk])
    summary = PublishSummary(period.code, now, False, ranking,
                             declarations_published=moved.rowcount or 0,
                             queued=len(messages), unreachable=unreachable)
    await audit(session, actor=actor, actor_account_id=actor_account_id,
                action="results.publish", entity="period", entity_id=period_id,
                new={"offices": ranking.offices, "by_rank": ranking.by_rank,
                     "declarations_published": summary.declarations_published,
                     "messages": summary.queued})
    return summary


async def _result_messages(session: AsyncSession, period: PeriodRecord,
                           breakdowns: dict[int, Breakdown]) -> tuple[list[dict[str, Any]], int]:
    """One outbox row per (linked account, office), a notice (`result`) with the office's
    breakdown as data, each with a dedup key; and how many linked accounts are known to be
    unreachable."""
    links = (await session.execute(
        select(Account.id, Account.platform, Account.platform_user_id, Account.locale,
               Account.unreachable_at, Office.id, Office.name, Office.code)
        .join(AccountOffice, AccountOffice.account_id == Account.id)
        .join(Office, Office.id == AccountOffice.office_id)
        .order_by(Office.id, Account.id))).all()
    prefix = f"result:{period.id}:"
    sent_before = set((await session.scalars(select(Outbox.dedup_key).where(
        Outbox.dedup_key.like(prefix + "%")))).all())
    previous = await _previous_published(session, period)
    lines: dict[Any, str] = {}
    rows: list[dict[str, Any]] = []
    unreachable = 0
    for account_id, platform, chat_id, locale, gone, office_id, name, code in links:
        breakdown = breakdowns.get(office_id)
        if breakdown is None:
            continue
        if gone is not None:
            unreachable += 1
            continue
        key = f"{prefix}{office_id}:{account_id}"
        if key in sent_before:
            continue
        before = None
        if previous is not None and office_id in previous[1]:
            total, rank = previous[1][office_id]
            before = [previous[0], str(total), rank]
        payload = {"notice": RESULT_NOTICE, "locale": locale, "args": {
            "period": period.code, "office": name, "code": code,
            "breakdown": breakdown_json(breakdown, lines), "previous": before}}
        rows.append({"platform": platform, "chat_id": chat_id, "account_id": account_id,
                     "kind": "result", "dedup_key": key,
                     "payload_json": json.dumps(payload, ensure_ascii=False)})
    return rows, unreachable
