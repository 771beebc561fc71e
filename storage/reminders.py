"""Deadline reminders and the close of a window, as idempotent sweeps: the database decides.

Reminder sweep, per open period: the latest due milestone (`scoring.milestones.latest_due`) gets
one outbox row per linked, reachable owner account of every office without a submitted
declaration, telling them what is still missing, with a button that resumes the wizard. The rows
and a `ReminderSweep` row are written in one transaction, so a milestone goes out completely or
not at all; after downtime only the latest due milestone is swept, queued rows of older ones are
expired, and each row carries `expires_at` so that a reminder is never delivered once what it
says is stale. Staff (reviewers and liaisons) get the liaison-list deadline reminder likewise.

Close sweep, per period whose window has closed: the period is marked closed (the wizard stops
taking answers at `closes_at` by itself), results are ranked by `storage.results.rank_period`
when that module exists, and owners who left only a draft are told whether their previous
confirmed data stands or they receive the minimum.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from scoring import milestones as ms
from scoring.answers import Missing, missing_items
from scoring.calendar import TEHRAN, format_jalali_date, last_day
from scoring.rubric import Rubric
from scoring.status import DeclarationStatus
from scoring.text import to_persian_digits
from storage.declarations import rubric_of_text, typed_answers
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
from storage.outbox import markup_to_json
from texts.i18n import Markup, Translator

log = logging.getLogger(__name__)

OWNER_KIND = "remind"
LIAISON_KIND = "remind-liaison"
CLOSE_KIND = "close"
RESUME_CALLBACK = "w:resume"
# A declaration in any other status has been submitted at least once: no reminder for it.
NOT_SUBMITTED = (DeclarationStatus.DRAFT,)
LIAISON_ROLES = ("reviewer", "liaison")
MAX_TITLES = 6


@dataclass(frozen=True, slots=True)
class Planned:
    """One message a sweep would write: to whom, about which office, and what it says."""

    dedup_key: str
    kind: str
    account_id: int
    platform: str
    chat_id: int
    locale: str
    text: str
    preview: str  # the same text without markup, for a console (owners' only when asked for)
    reply_markup: dict[str, Any] | None = None
    expires_at: datetime | None = None
    office_id: int | None = None
    office_code: str = ""


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


# ------------------------------------------------------------------------------- wording

def _span(t: Translator, left: ms.TimeLeft) -> Markup:
    if left.days >= 2:  # "3 days" from two days on; hours matter only on the last two days
        return Markup(t("remind-span-days", days=left.days))
    parts = []
    if left.days:
        parts.append(t("remind-span-day" if left.days == 1 else "remind-span-days",
                       days=left.days))
    if left.hours or not parts:
        parts.append(t("remind-span-hour" if left.hours == 1 else "remind-span-hours",
                       hours=left.hours))
    if len(parts) == 2:
        return Markup(t("remind-span-and", first=Markup(parts[0]), second=Markup(parts[1])))
    return Markup(parts[0])


def _deadline(closes_at: datetime, lang: str, tz: ZoneInfo) -> str:
    return format_jalali_date(last_day(closes_at, tz), "fa" if lang == "fa" else "en")


def _digits(text: str, lang: str) -> str:
    return to_persian_digits(text) if lang == "fa" else text


def _titles(t: Translator, missing: Sequence[Missing]) -> Markup:
    names = []
    for item in missing[:MAX_TITLES]:
        name = item.title_fa if t.lang == "fa" else item.title_en
        key = "remind-item-evidence" if item.reason == "evidence" else "remind-item"
        names.append(t(key, title=name))
    text = ("، " if t.lang == "fa" else ", ").join(names)
    if len(missing) > MAX_TITLES:
        text = t("remind-items-more", items=Markup(text), more=len(missing) - MAX_TITLES)
    return Markup(text)


def owner_parts(t: Translator, flavour: ms.Flavour, now: datetime, closes_at: datetime,
                missing: Sequence[Missing], started: bool, tz: ZoneInfo = TEHRAN
                ) -> tuple[str, str, str]:
    """The lines every owner in the same situation shares: the time left, what is missing, and
    what the button does."""
    left = _span(t, ms.time_left(now, closes_at))
    head = t(f"remind-{flavour.replace('_', '-')}", left=left,
             deadline=_deadline(closes_at, t.lang, tz))
    if not started:
        status = t("remind-not-started", count=len(missing), items=_titles(t, missing))
    elif missing:
        status = t("remind-missing", count=len(missing), items=_titles(t, missing))
    else:
        status = t("remind-complete")
    return head, status, t("remind-hint-resume" if started else "remind-hint-start")


def office_line(t: Translator, office_name: str, office_code: str) -> str:
    return t("remind-office", office=_digits(office_name, t.lang),
             code=_digits(office_code, t.lang))


def owner_text(t: Translator, flavour: ms.Flavour, now: datetime, closes_at: datetime,
               office_name: str, office_code: str, missing: Sequence[Missing], started: bool,
               tz: ZoneInfo = TEHRAN) -> str:
    """A reminder: the time left, what is still missing, the office, and the button's use."""
    head, status, hint = owner_parts(t, flavour, now, closes_at, missing, started, tz)
    return "\n".join((head, status, office_line(t, office_name, office_code), hint))


def resume_markup(t: Translator, started: bool) -> dict[str, Any]:
    label = t("remind-button-resume" if started else "remind-button-start")
    return {"inline_keyboard": [[{"text": label, "callback_data": RESUME_CALLBACK}]]}


def with_office(markup: dict[str, Any], office_id: int) -> dict[str, Any]:
    """The resume button names the office: a holder of several offices lands on the right one."""
    row = [dict(button, callback_data=f"{RESUME_CALLBACK}:{office_id}")
           for button in markup["inline_keyboard"][0]]
    return {"inline_keyboard": [row]}


def _both(lang: str, platform: str, render: Any) -> tuple[str, str]:
    """The text for the platform, and the same without markup for a console."""
    return render(Translator(lang, platform)), render(Translator(lang, None))


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
                               tz: ZoneInfo = TEHRAN, *, with_preview: bool = False) -> Plan:
    """Who the owners' reminder sweep would write to now, and what (`preview`: the same text
    without markup, for a console, when asked for)."""
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
    missing_by_office: dict[int, tuple[Missing, ...]] = {}
    parts: dict[tuple[Any, ...], tuple[str, str, str, dict[str, Any]]] = {}
    for (office_id, code, name, office_type, account_id, platform, user_id, locale,
         unreachable_at, declaration_id) in rows:
        if unreachable_at is not None:
            plan.unreachable += 1
            continue
        started = declaration_id is not None
        if office_id not in missing_by_office:
            missing_by_office[office_id] = tuple(missing_items(
                rubric, office_type, answers.get(declaration_id, {}) if started else {},
                counts.get(declaration_id, {}) if started else {}))
        missing = missing_by_office[office_id]
        # 8,000 offices share a handful of situations: render each once, only the office differs
        key = (locale, platform, started, missing)
        if key not in parts:
            t = Translator(locale, platform)
            parts[key] = (*owner_parts(t, flavour, now, period.closes_at, missing, started, tz),
                          resume_markup(t, started))
        head, status, hint, markup = parts[key]
        markup = with_office(markup, office_id)
        t = Translator(locale, platform)
        text = "\n".join((head, status, office_line(t, name, code), hint))
        preview = ""
        if with_preview:
            preview = owner_text(Translator(locale, None), flavour, now, period.closes_at, name,
                                 code, missing, started, tz)
        plan.messages.append(Planned(
            f"remind:{period.id}:{office_id}:{account_id}:{due.key}", OWNER_KIND, account_id,
            platform, user_id, locale, text, preview, markup, expires, office_id, code))
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

        def render(t: Translator) -> str:
            return t("remind-liaison", deadline=_deadline(deadline, t.lang, tz),
                     left=_span(t, ms.time_left(now, deadline)))

        text, preview = _both(locale, platform, render)
        plan.messages.append(Planned(
            f"liaison:{period.id}:{account_id}:{plan.due.key}", LIAISON_KIND, account_id,
            platform, user_id, locale, text, preview, None, expires))
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

        def render(t: Translator, key: str = key, name: str = name) -> str:
            return t(key, office=_digits(name, t.lang), rank=rubric.lowest_rank,
                     deadline=_deadline(period.closes_at, t.lang, tz))

        text, preview = _both(locale, platform, render)
        plan.messages.append(Planned(
            f"close:{period.id}:{office_id}:{account_id}", CLOSE_KIND, account_id, platform,
            user_id, locale, text, preview, None, None, office_id, code))
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
        payload: dict[str, Any] = {"text": message.text}
        if message.reply_markup is not None:
            payload["reply_markup"] = markup_to_json(message.reply_markup)
        if message.expires_at is not None:
            payload["expires_at"] = message.expires_at.isoformat()
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


@dataclass(frozen=True, slots=True)
class SweepResult:
    period_code: str
    kind: str
    milestone: str
    enqueued: int
    unreachable: int


async def _commit_plan(session: AsyncSession, plan: Plan, now: datetime) -> SweepResult | None:
    if plan.kind != "close":
        await _expire_older(session, plan)
    written = await _write(session, plan, now)
    try:
        await session.commit()
    except IntegrityError:  # another worker swept the same milestone a moment ago
        await session.rollback()
        return None
    assert plan.due is not None
    log.info("swept %s %s of %s: %d messages", plan.kind, plan.due.key, plan.period_code,
             written)
    return SweepResult(plan.period_code, plan.kind, plan.due.key, written, plan.unreachable)


async def _detached(session: AsyncSession, query: Any) -> list[Period]:
    """Periods read and detached, then the read transaction ended: a rollback later in the
    sweep cannot expire them, and SQLite writers need not wait for this reader."""
    periods = list((await session.scalars(query)).all())
    for period in periods:
        session.expunge(period)
    await session.rollback()
    return periods


async def sweep_period(session: AsyncSession, period: Period, now: datetime,
                       tz: ZoneInfo = TEHRAN) -> list[SweepResult]:
    """Both reminder sweeps of one period."""
    results = []
    for planner in (plan_owner_reminders, plan_liaison_reminders):
        plan = await planner(session, period, now, tz)
        if plan.pending:
            result = await _commit_plan(session, plan, now)
            if result is not None:
                results.append(result)
        else:
            await session.rollback()  # end the read transaction: SQLite writers wait on it
    return results


async def sweep_reminders(session: AsyncSession, now: datetime, tz: ZoneInfo = TEHRAN
                          ) -> list[SweepResult]:
    """The reminder sweep over every period that is not closed."""
    periods = await _detached(session, select(Period).where(Period.closed_at.is_(None))
                              .order_by(Period.id))
    results = []
    for period in periods:
        results += await sweep_period(session, period, now, tz)
    return results


async def _rank(session: AsyncSession, period_id: int, now: datetime) -> bool:
    """`storage.results.rank_period` when that module exists (it is being written)."""
    if importlib.util.find_spec("storage.results") is None:
        return False
    results = importlib.import_module("storage.results")
    rank_period = getattr(results, "rank_period", None)
    if rank_period is None:
        return False
    await rank_period(session, period_id, now)
    return True


async def sweep_close(session: AsyncSession, now: datetime, tz: ZoneInfo = TEHRAN
                      ) -> list[SweepResult]:
    """Close every period whose window has ended: rank, tell the owners of drafts, mark closed."""
    periods = await _detached(session, select(Period).where(
        Period.closed_at.is_(None), Period.closes_at <= now).order_by(Period.closes_at))
    results = []
    for stale in periods:
        period = await session.get(Period, stale.id, with_for_update=True,
                                   populate_existing=True)
        if period is None or period.closed_at is not None:
            await session.rollback()
            continue
        plan = await plan_close(session, period, now, tz)
        period.closed_at = now
        await session.flush()
        try:
            ranked = await _rank(session, period.id, now)
        except Exception:
            log.exception("ranking period %s failed; closing it is retried", period.code)
            await session.rollback()
            continue
        result = await _commit_plan(session, plan, now)
        if result is not None:
            log.info("closed period %s (ranked: %s)", period.code, ranked)
            results.append(result)
    return results


# -------------------------------------------------------------------------------- reports

async def period_by_code(session: AsyncSession, code: str) -> Period | None:
    return await session.scalar(select(Period).where(Period.code == code))


async def set_milestones(session: AsyncSession, period: Period,
                         milestones: Sequence[ms.Milestone], actor: str = "cli") -> None:
    """Replace a period's reminder milestones (an audit row records old and new); commits."""
    from storage.admin import audit

    old = ms.to_json(milestones_of(period))
    period.milestones_json = ms.to_json(milestones)
    await audit(session, actor=actor, action="period.milestones", entity="period",
                entity_id=period.id, old=old, new=period.milestones_json)
    await session.commit()


async def outbox_status(session: AsyncSession, now: datetime | None = None
                        ) -> dict[str, dict[str, int]]:
    """Rows per platform and status; `waiting` counts queued rows backing off (not due yet)."""
    rows = (await session.execute(
        select(Outbox.platform, Outbox.status, func.count())
        .group_by(Outbox.platform, Outbox.status))).all()
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for platform, status, number in rows:
        table[platform][status] = int(number)
    if now is not None:
        for platform, number in (await session.execute(
                select(Outbox.platform, func.count())
                .where(Outbox.status == "queued", Outbox.not_before > now)
                .group_by(Outbox.platform))).all():
            table[platform]["waiting"] = int(number)
    return dict(table)


@dataclass(frozen=True, slots=True)
class UnreachableOffice:
    office_id: int
    code: str
    name: str
    region_code: int
    accounts: tuple[str, ...]  # "platform:user id"
    since: datetime


async def unreachable_offices(session: AsyncSession) -> tuple[list[UnreachableOffice], int]:
    """Offices whose every linked account is unreachable (a send failed with 403 or "chat not
    found"), and how many offices have no linked account at all."""
    rows = (await session.execute(
        select(Office.id, Office.code, Office.name, Office.region_code, Account.platform,
               Account.platform_user_id, Account.unreachable_at)
        .join(AccountOffice, AccountOffice.office_id == Office.id)
        .join(Account, Account.id == AccountOffice.account_id)
        .order_by(Office.region_code, Office.code, Account.id))).all()
    by_office: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        by_office[row[0]].append(row)
    found = []
    for accounts in by_office.values():
        if all(a[6] is not None for a in accounts):
            first = accounts[0]
            found.append(UnreachableOffice(
                first[0], first[1], first[2], first[3],
                tuple(f"{a[4]}:{a[5]}" for a in accounts), min(a[6] for a in accounts)))
    total = await session.scalar(select(func.count()).select_from(Office))
    return found, int(total or 0) - len(by_office)
