"""Deadline reminders and the close of a window, as idempotent sweeps: the database decides.

Reminder sweep, per open period: the latest due milestone (`scoring.milestones.latest_due`) gets
one outbox row per linked, reachable owner account of every office without a submitted
declaration, telling them what is still missing, with a button that resumes the wizard. The rows
and a `ReminderSweep` row are written in one transaction, so a milestone goes out completely or
not at all; after downtime only the latest due milestone is swept, queued rows of older ones are
expired, and each row carries `expires_at` so that a reminder is never delivered once what it
says is stale. Staff (reviewers and liaisons) get the liaison-list deadline reminder likewise.

Close sweep, per period whose window has closed: the period is marked closed (the wizard stops
taking answers at `closes_at` by itself), results are ranked (`storage.ranking.rank_period`),
and owners who left only a draft are told whether their previous confirmed data stands or they
receive the minimum.

Every message is queued as data (a notice: `reminder-owner`, `reminder-liaison`,
`reminder-close`), put into words by `texts.notices.reminders` when it is sent. Repository
functions: nothing here commits; `services.reminders` runs the sweeps, one transaction each.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from scoring import milestones as ms
from scoring.answers import missing_items
from scoring.calendar import TEHRAN
from scoring.rubric import Rubric
from scoring.status import DeclarationStatus
from storage.declarations import rubric_of_text, typed_answers
from storage.exclusive import locked
from storage.models import (
    Account,
    AccountOffice,
    Answer,
    Declaration,
    Evidence,
    Office,
    Outbox,
    Period,
    StaffRole,
)
from storage.models_reminders import ReminderSweep

log = logging.getLogger(__name__)

OWNER_KIND = "remind"
LIAISON_KIND = "remind-liaison"
CLOSE_KIND = "close"
# A declaration in any other status has been submitted at least once: no reminder for it.
NOT_SUBMITTED = (DeclarationStatus.DRAFT,)
LIAISON_ROLES = ("reviewer", "liaison")
MAX_TITLES = 6


@dataclass(frozen=True, slots=True)
class Planned:
    """One message a sweep would write: to whom, about which office, and the notice (its name
    and arguments, plain data) that says it."""

    dedup_key: str
    kind: str
    account_id: int
    platform: str
    chat_id: int
    locale: str
    notice: str
    args: dict[str, Any]
    expires_at: datetime | None = None
    office_id: int | None = None
    office_code: str = ""

    @property
    def payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"notice": self.notice, "args": self.args,
                                   "locale": self.locale}
        if self.expires_at is not None:
            payload["expires_at"] = self.expires_at.isoformat()
        return payload


@dataclass(slots=True)
class Plan:
    """What a sweep of one period and kind would do now."""

    period_id: int
    period_code: str
    kind: str  # owners | liaison | close
    due: ms.Scheduled | None
    swept_at: datetime | None = None  # when the due milestone was swept, if it was
    later_swept: str | None = None  # a later milestone swept already (time went back?)
    messages: list[Planned] = field(default_factory=list)
    unreachable: int = 0  # linked accounts skipped: a send to them failed with 403 before

    @property
    def milestone(self) -> str | None:
        return self.due.key if self.due is not None else None

    @property
    def pending(self) -> bool:
        return self.due is not None and self.swept_at is None and self.later_swept is None


# --------------------------------------------------------------------------------- queries

def milestones_of(period: Period) -> tuple[ms.Milestone, ...]:
    try:
        return ms.from_json(period.milestones_json)
    except ms.MilestoneError as exc:
        log.error("period %s: bad milestones (%s); using the defaults", period.code, exc)
        return ms.DEFAULT_MILESTONES


async def _sweeps(session: AsyncSession, period_id: int, kind: str) -> list[ReminderSweep]:
    return list((await session.scalars(
        select(ReminderSweep).where(ReminderSweep.period_id == period_id,
                                    ReminderSweep.kind == kind))).all())


def _judge(plan: Plan, sweeps: list[ReminderSweep]) -> None:
    assert plan.due is not None
    for sweep in sweeps:
        if sweep.milestone == plan.due.key:
            plan.swept_at = sweep.swept_at
        elif sweep.due_at > plan.due.due_at:
            plan.later_swept = sweep.milestone


async def _owner_rows(session: AsyncSession, period_id: int) -> list[Any]:
    """Linked owner accounts of offices without a submitted declaration, with the draft's id."""
    query = (
        select(Office.id, Office.code, Office.name, Office.office_type, Account.id,
               Account.platform, Account.platform_user_id, Account.locale,
               Account.unreachable_at, Declaration.id)
        .join(AccountOffice, AccountOffice.office_id == Office.id)
        .join(Account, Account.id == AccountOffice.account_id)
        .outerjoin(Declaration, and_(Declaration.office_id == Office.id,
                                     Declaration.period_id == period_id))
        .where((Declaration.id.is_(None)) | (Declaration.status.in_(NOT_SUBMITTED)))
        .order_by(Office.id, Account.id))
    return list((await session.execute(query)).all())


async def _drafts(session: AsyncSession, rubric: Rubric, declaration_ids: set[int]
                  ) -> tuple[dict[int, dict[str, Any]], dict[int, dict[str, int]]]:
    """Typed answers and accepted evidence counts of the given drafts."""
    answers: dict[int, dict[str, Any]] = defaultdict(dict)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if not declaration_ids:
        return answers, counts
    ids = sorted(declaration_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        raw: dict[int, dict[str, Any]] = defaultdict(dict)
        for declaration_id, key, value in (await session.execute(
                select(Answer.declaration_id, Answer.item_key, Answer.value_json)
                .where(Answer.declaration_id.in_(chunk)))).all():
            raw[declaration_id][key] = json.loads(value)
        for declaration_id, values in raw.items():
            answers[declaration_id] = typed_answers(rubric, values)
        for declaration_id, key, number in (await session.execute(
                select(Evidence.declaration_id, Evidence.item_key, func.count())
                .where(Evidence.declaration_id.in_(chunk), Evidence.removed_at.is_(None),
                       Evidence.rejected_reason.is_(None))
                .group_by(Evidence.declaration_id, Evidence.item_key))).all():
            counts[declaration_id][key] = int(number)
    return answers, counts


# ------------------------------------------------------------------------------ planning

async def plan_owner_reminders(session: AsyncSession, period: Period, now: datetime,
                               tz: ZoneInfo = TEHRAN) -> Plan:
    """Who the owners' reminder sweep would write to now, and what."""
    milestones = milestones_of(period)
    due = ms.latest_due(now, period.opens_at, period.closes_at, milestones, tz)
    plan = Plan(period.id, period.code, "owners", due)
    if due is None or period.closed_at is not None:
        plan.due = None
        return plan
    _judge(plan, await _sweeps(session, period.id, "owners"))
    if not plan.pending:
        return plan
    following = ms.next_after(due, period.opens_at, period.closes_at, milestones, tz)
    expires = ms.stale_after(now, due, period.closes_at, following)
    flavour = ms.flavour(due.milestone, now, period.closes_at)
    rubric = rubric_of_text(period.rubric_text)
    rows = await _owner_rows(session, period.id)
    answers, counts = await _drafts(session, rubric, {r[9] for r in rows if r[9] is not None})
    missing_by_office: dict[int, list[list[str]]] = {}
    for (office_id, code, name, office_type, account_id, platform, user_id, locale,
         unreachable_at, declaration_id) in rows:
        if unreachable_at is not None:
            plan.unreachable += 1
            continue
        started = declaration_id is not None
        if office_id not in missing_by_office:
            missing_by_office[office_id] = [
                [m.key, m.reason, m.title_fa, m.title_en] for m in missing_items(
                    rubric, office_type, answers.get(declaration_id, {}) if started else {},
                    counts.get(declaration_id, {}) if started else {})]
        args = {"flavour": flavour, "now": now.isoformat(),
                "closes_at": period.closes_at.isoformat(), "tz": str(tz), "office": name,
                "code": code, "office_id": office_id, "started": started,
                "missing": missing_by_office[office_id]}
        plan.messages.append(Planned(
            f"remind:{period.id}:{office_id}:{account_id}:{due.key}", OWNER_KIND, account_id,
            platform, user_id, locale, "reminder-owner", args, expires, office_id, code))
    return plan


def _liaison_window(period: Period) -> tuple[datetime, datetime] | None:
    if period.liaison_deadline is None:
        return None
    start = min(period.created_at or period.opens_at, period.opens_at)
    if start >= period.liaison_deadline:
        return None
    return start, period.liaison_deadline


async def plan_liaison_reminders(session: AsyncSession, period: Period, now: datetime,
                                 tz: ZoneInfo = TEHRAN) -> Plan:
    """The region staff's reminder of the deadline for announcing liaison-list changes."""
    plan = Plan(period.id, period.code, "liaison", None)
    bounds = _liaison_window(period)
    if bounds is None or period.closed_at is not None:
        return plan
    start, deadline = bounds
    plan.due = ms.latest_due(now, start, deadline, ms.LIAISON_MILESTONES, tz)
    if plan.due is None:
        return plan
    _judge(plan, await _sweeps(session, period.id, "liaison"))
    if not plan.pending:
        return plan
    following = ms.next_after(plan.due, start, deadline, ms.LIAISON_MILESTONES, tz)
    expires = ms.stale_after(now, plan.due, deadline, following)
    rows = (await session.execute(
        select(Account.id, Account.platform, Account.platform_user_id, Account.locale,
               Account.unreachable_at)
        .where(Account.id.in_(select(StaffRole.account_id)
                              .where(StaffRole.role.in_(LIAISON_ROLES))))
        .order_by(Account.id))).all()
    for account_id, platform, user_id, locale, unreachable_at in rows:
        if unreachable_at is not None:
            plan.unreachable += 1
            continue
        args = {"now": now.isoformat(), "deadline": deadline.isoformat(), "tz": str(tz)}
        plan.messages.append(Planned(
            f"liaison:{period.id}:{account_id}:{plan.due.key}", LIAISON_KIND, account_id,
            platform, user_id, locale, "reminder-liaison", args, expires))
    return plan


async def plan_close(session: AsyncSession, period: Period, now: datetime,
                     tz: ZoneInfo = TEHRAN) -> Plan:
    """At the close: owners whose office has only a draft, told what counts for them now."""
    plan = Plan(period.id, period.code, "close", None)
    if now < period.closes_at or period.closed_at is not None:
        return plan
    plan.due = ms.Scheduled(ms.Milestone("close", "before_close", 0), period.closes_at, 0)
    rubric = rubric_of_text(period.rubric_text)
    earlier = select(Period.id).where(Period.opens_at < period.opens_at)
    carried = set((await session.scalars(
        select(Declaration.office_id).where(
            Declaration.period_id.in_(earlier),
            Declaration.status.in_((DeclarationStatus.CONFIRMED,
                                    DeclarationStatus.PUBLISHED))))).all())
    rows = await _owner_rows(session, period.id)
    for (office_id, code, name, _type, account_id, platform, user_id, locale, unreachable_at,
         declaration_id) in rows:
        if declaration_id is None:
            continue  # nothing started: nothing to tell beyond the reminders they had
        if unreachable_at is not None:
            plan.unreachable += 1
            continue
        key = "close-carried" if office_id in carried else "close-minimum"
        args = {"key": key, "office": name, "rank": rubric.lowest_rank,
                "closes_at": period.closes_at.isoformat(), "tz": str(tz)}
        plan.messages.append(Planned(
            f"close:{period.id}:{office_id}:{account_id}", CLOSE_KIND, account_id, platform,
            user_id, locale, "reminder-close", args, None, office_id, code))
    return plan


# -------------------------------------------------------------------------------- writing

async def _write(session: AsyncSession, plan: Plan, now: datetime) -> int:
    """The plan's outbox rows (skipping dedup keys that exist) and its sweep row; no commit.

    `not_before` stays the wall clock's (the sender's time), whatever the business clock says.
    """
    utc_now = datetime.now(UTC)  # the sender's clock, not the business clock
    keys = [m.dedup_key for m in plan.messages]
    existing: set[str] = set()
    for start in range(0, len(keys), 500):
        existing.update((await session.scalars(
            select(Outbox.dedup_key).where(Outbox.dedup_key.in_(keys[start:start + 500])))).all())
    rows = []
    for message in plan.messages:
        if message.dedup_key in existing:
            continue
        payload = message.payload
        rows.append({"platform": message.platform, "chat_id": message.chat_id,
                     "account_id": message.account_id, "kind": message.kind,
                     "dedup_key": message.dedup_key, "status": "queued", "attempts": 0,
                     "not_before": utc_now, "created_at": utc_now,
                     "payload_json": json.dumps(payload, ensure_ascii=False)})
    for start in range(0, len(rows), 1000):
        await session.execute(insert(Outbox), rows[start:start + 1000])
    assert plan.due is not None
    session.add(ReminderSweep(period_id=plan.period_id, kind=plan.kind,
                              milestone=plan.due.key, due_at=plan.due.due_at, swept_at=now,
                              recipients=len(rows)))
    from storage.admin import audit

    await audit(session, actor="system", action="reminders.sent", entity="period",
                entity_id=plan.period_id, new={"kind": plan.kind, "milestone": plan.due.key,
                                               "recipients": len(rows)})
    return len(rows)


async def _expire_older(session: AsyncSession, plan: Plan) -> None:
    """Queued reminders of an earlier milestone of this period are stale now: never send them."""
    assert plan.due is not None
    prefix = "remind:" if plan.kind == "owners" else "liaison:"
    kind = OWNER_KIND if plan.kind == "owners" else LIAISON_KIND
    await session.execute(
        update(Outbox)
        .where(Outbox.kind == kind, Outbox.status == "queued",
               Outbox.dedup_key.like(f"{prefix}{plan.period_id}:%"),
               ~Outbox.dedup_key.like(f"%:{plan.due.key}"))
        .values(status="expired", last_error=f"superseded by {plan.due.key}"))


async def write_plan(session: AsyncSession, plan: Plan, now: datetime) -> int:
    """The plan's rows: queued reminders of an earlier milestone expired, the new ones and the
    sweep row written (its unique key makes a second worker's sweep of the same milestone fail
    at commit). No commit."""
    if plan.kind != "close":
        await _expire_older(session, plan)
    return await _write(session, plan, now)


async def open_period_ids(session: AsyncSession) -> list[int]:
    return list((await session.scalars(select(Period.id).where(Period.closed_at.is_(None))
                                       .order_by(Period.id))).all())


async def closing_period_ids(session: AsyncSession, now: datetime) -> list[int]:
    """Periods whose window has ended and that are not closed yet, oldest close first."""
    return list((await session.scalars(select(Period.id).where(
        Period.closed_at.is_(None), Period.closes_at <= now).order_by(Period.closes_at))).all())


async def period_for_update(session: AsyncSession, period_id: int) -> Period | None:
    """The period, locked for the close: one worker closes it."""
    return await locked(session, Period, period_id)


async def period_by_id(session: AsyncSession, period_id: int) -> Period | None:
    return await session.get(Period, period_id)


# -------------------------------------------------------------------------------- reports

async def period_by_code(session: AsyncSession, code: str) -> Period | None:
    return await session.scalar(select(Period).where(Period.code == code))


async def set_milestones(session: AsyncSession, period: Period,
                         milestones: Sequence[ms.Milestone], actor: str = "cli") -> None:
    """Replace a period's reminder milestones (an audit row records old and new)."""
    from storage.admin import audit

    old = ms.to_json(milestones_of(period))
    period.milestones_json = ms.to_json(milestones)
    await audit(session, actor=actor, action="period.milestones", entity="period",
                entity_id=period.id, old=old, new=period.milestones_json)
