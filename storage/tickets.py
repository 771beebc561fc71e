"""Questions to the experts ("tickets"): routing, the thread, escalation, the FAQ list.

A ticket goes first to the liaison of the office's region (level 0), then to the HQ expert of its
category (level 1), then to an HQ supervisor (level 2). Whoever has it must answer within N working
hours (`scoring.workhours`); the escalation sweep moves an overdue ticket one level up and tells
the owner and the new answerer. Every check that decides who may read or write a ticket is here, so
a forged button or a stale state cannot get past it.

Functions do not commit: the handler (or the sweep) commits the change together with the outbox
rows it wrote. They raise `TicketError` with a machine `reason` that the handlers turn into the
catalog text `ticket-refused-<reason>`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.workhours import (
    WorkSchedule,
    add_working_hours,
    parse_hours,
    parse_workdays,
)
from storage.admin import AdminError, audit, current_period, get_or_create_account
from storage.directory import FAQ_MAX_ANSWER
from storage.models import (
    Account,
    Declaration,
    Expert,
    Faq,
    Holiday,
    Office,
    Period,
    Region,
    StaffRole,
    Ticket,
    TicketMessage,
)
from storage.outbox import notify
from storage.records import ExpertRecord, OfficeRecord

CATEGORIES = ("declaration", "evidence", "scoring", "technical", "discrepancy")
LIAISON, EXPERT, SUPERVISOR = 0, 1, 2
OPEN, ANSWERED, CLOSED = "open", "answered", "closed"
ACTIVE = (OPEN, ANSWERED)


# --- policy ----------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TicketPolicy:
    """Limits and the working-hours schedule. `from_settings` reads optional Settings fields
    (`ticket_escalation_hours`, `work_days`, `work_hours`, `tickets_max_open`,
    `ticket_flood_messages`, `ticket_flood_minutes`, `ticket_max_chars`) and falls back to these
    defaults when a field is absent."""

    escalation_hours: float = 8
    schedule: WorkSchedule = field(default_factory=WorkSchedule)
    max_open_per_office: int = 3
    flood_messages: int = 8
    flood_window: timedelta = timedelta(minutes=10)
    max_chars: int = 1500
    max_file_bytes: int = 10 * 1024 * 1024

    @classmethod
    def from_settings(cls, settings: Any | None) -> TicketPolicy:
        if settings is None:
            return cls()

        def get(name: str, default: Any) -> Any:
            value = getattr(settings, name, None)
            return default if value is None else value

        start, end = parse_hours(get("work_hours", "08:00-16:00"))
        schedule = WorkSchedule(workdays=parse_workdays(get("work_days", "sat-wed")),
                                start=start, end=end,
                                tz=ZoneInfo(get("timezone", "Asia/Tehran")))
        return cls(escalation_hours=float(get("ticket_escalation_hours", 8)),
                   schedule=schedule,
                   max_open_per_office=int(get("tickets_max_open", 3)),
                   flood_messages=int(get("ticket_flood_messages", 8)),
                   flood_window=timedelta(minutes=float(get("ticket_flood_minutes", 10))),
                   max_chars=int(get("ticket_max_chars", 1500)),
                   max_file_bytes=int(float(get("evidence_max_mb", 10)) * 1024 * 1024))


def policy_of(session: AsyncSession, policy: TicketPolicy | None = None) -> TicketPolicy:
    """The given policy, else the one from the settings the middleware put on the session."""
    return policy or TicketPolicy.from_settings(session.info.get("settings"))


async def load_schedule(session: AsyncSession, policy: TicketPolicy) -> WorkSchedule:
    days = (await session.scalars(select(Holiday.day))).all()
    return policy.schedule.with_holidays(date.fromisoformat(d) for d in days)


# --- records ---------------------------------------------------------------------------------

class TicketError(Exception):
    """A refusal; `reason` names the catalog text `ticket-refused-<reason>`."""

    def __init__(self, reason: str, **args: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.args_ = args


@dataclass(frozen=True, slots=True)
class TicketRecord:
    id: int
    office_id: int
    account_id: int
    period_id: int | None
    category: str
    status: str
    level: int
    assignee_account_id: int | None
    due_at: datetime | None
    rating: int | None
    created_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class MessageRecord:
    id: int
    author_role: str
    text: str
    file_sha256: str | None
    file_mime: str | None
    file_platform: str | None
    file_id: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NewFile:
    """A checked and stored attachment, as it arrived."""

    sha256: str
    mime: str
    platform: str
    file_id: str


@dataclass(frozen=True, slots=True)
class TicketView:
    ticket: TicketRecord
    office: OfficeRecord
    region_fa: str
    region_en: str
    period_code: str | None
    declaration_status: str | None
    assignee_name: str | None
    messages: tuple[MessageRecord, ...]


@dataclass(frozen=True, slots=True)
class Answerer:
    """What an account may answer: expert categories, liaison regions, HQ."""

    account_id: int
    name: str
    categories: frozenset[str]
    regions: frozenset[int]
    hq: bool

    @property
    def supervisor(self) -> bool:
        return self.hq or "supervisor" in self.categories

    def level_for(self, category: str, region_code: int) -> int | None:
        """The highest level at which this account may take a ticket, or None."""
        if self.supervisor:
            return SUPERVISOR
        if category in self.categories:
            return EXPERT
        if region_code in self.regions:
            return LIAISON
        return None


@dataclass(frozen=True, slots=True)
class Directory:
    experts: tuple[ExpertRecord, ...]
    region_fa: str | None
    region_en: str | None
    liaisons: tuple[tuple[str, str | None], ...]  # (name, phone)
    region_phone: str | None


@dataclass(frozen=True, slots=True)
class FaqRecord:
    id: int
    category: str
    question_fa: str
    answer_fa: str
    question_en: str
    answer_en: str

    def question(self, lang: str) -> str:
        return self.question_en if lang == "en" and self.question_en else self.question_fa

    def answer(self, lang: str) -> str:
        return self.answer_en if lang == "en" and self.answer_en else self.answer_fa


@dataclass(frozen=True, slots=True)
class Target:
    account_id: int
    name: str
    level: int


@dataclass(frozen=True, slots=True)
class Inbox:
    assigned: tuple[TicketView, ...]
    pool: tuple[TicketView, ...]


def _ticket(t: Ticket) -> TicketRecord:
    return TicketRecord(t.id, t.office_id, t.account_id, t.period_id, t.category, t.status,
                        t.level, t.assignee_account_id, t.due_at, t.rating, t.created_at,
                        t.closed_at)


def _message(m: TicketMessage) -> MessageRecord:
    return MessageRecord(m.id, m.author_role, m.text, m.file_sha256, m.file_mime,
                         m.file_platform, m.file_id, m.created_at)


def _office(o: Office) -> OfficeRecord:
    return OfficeRecord(o.id, o.code, o.name, o.office_type, o.region_code, o.province, o.city,
                        o.holder_name, o.holder_phone)


def _faq(f: Faq) -> FaqRecord:
    return FaqRecord(f.id, f.category, f.question_fa, f.answer_fa, f.question_en, f.answer_en)


def card_args(view: TicketView) -> dict[str, Any]:
    """What an answerer's card shows of a ticket (`texts.tickets.header_lines`), as plain data."""
    ticket = view.ticket
    return {"office": view.office.name, "code": view.office.code,
            "region_fa": view.region_fa, "region_en": view.region_en,
            "period": view.period_code, "declaration": view.declaration_status,
            "due_at": ticket.due_at.isoformat()
            if ticket.due_at is not None and ticket.status == OPEN else None}


# --- the directory and who answers -----------------------------------------------------------

async def directory(session: AsyncSession, office_id: int | None) -> Directory:
    experts = (await session.scalars(select(Expert).order_by(Expert.id))).all()
    records = tuple(ExpertRecord(e.id, e.name, e.phone, e.topic_fa, e.topic_en, e.category,
                                 e.hours, e.account_id) for e in experts)
    office = await session.get(Office, office_id) if office_id else None
    if office is None:
        return Directory(records, None, None, (), None)
    region = await session.get(Region, office.region_code)
    rows = (await session.execute(
        select(StaffRole.name, Account.first_name, Account.phone)
        .join(Account, Account.id == StaffRole.account_id)
        .where(StaffRole.role == "liaison", StaffRole.region_code == office.region_code)
        .order_by(StaffRole.id))).all()
    liaisons = tuple((name or first_name, phone) for name, first_name, phone in rows)
    return Directory(records, region.name_fa if region else None,
                     region.name_en if region else None, liaisons,
                     region.contact_phone if region else None)


async def answerer(session: AsyncSession, account_id: int) -> Answerer | None:
    """The account as an answerer (linked expert, region liaison or HQ), or None."""
    experts = (await session.execute(select(Expert.category, Expert.name)
                                     .where(Expert.account_id == account_id))).all()
    roles = (await session.execute(select(StaffRole.role, StaffRole.region_code, StaffRole.name)
                                   .where(StaffRole.account_id == account_id,
                                          StaffRole.role.in_(("liaison", "hq"))))).all()
    if not experts and not roles:
        return None
    names = [name for _, name in experts] + [name for _, _, name in roles]
    account = await session.get(Account, account_id)
    name = next((n for n in names if n), account.first_name if account else "")
    return Answerer(account_id, name, frozenset(c for c, _ in experts),
                    frozenset(r for role, r, _ in roles if role == "liaison" and r),
                    any(role == "hq" for role, _, _ in roles))


async def _names(session: AsyncSession, account_ids: Iterable[int]) -> dict[int, str]:
    ids = set(account_ids)
    if not ids:
        return {}
    names = {a: f for a, f in (await session.execute(
        select(Account.id, Account.first_name).where(Account.id.in_(ids)))).all()}
    for a, n in (await session.execute(select(StaffRole.account_id, StaffRole.name).where(
            StaffRole.account_id.in_(ids), StaffRole.name != ""))).all():
        names[a] = n
    for a, n in (await session.execute(select(Expert.account_id, Expert.name).where(
            Expert.account_id.in_(ids)))).all():
        names[a] = n
    return names


async def _candidates(session: AsyncSession, level: int, category: str, region_code: int
                      ) -> list[int]:
    reachable = Account.unreachable_at.is_(None)
    if level == LIAISON:
        query = (select(StaffRole.account_id).join(Account, Account.id == StaffRole.account_id)
                 .where(StaffRole.role == "liaison", StaffRole.region_code == region_code,
                        reachable))
        return list((await session.scalars(query)).all())
    if level == EXPERT:
        query = (select(Expert.account_id).join(Account, Account.id == Expert.account_id)
                 .where(Expert.category == category, reachable))
        return [a for a in (await session.scalars(query)).all() if a is not None]
    supervisors = (select(Expert.account_id).join(Account, Account.id == Expert.account_id)
                   .where(Expert.category == "supervisor", reachable))
    found = [a for a in (await session.scalars(supervisors)).all() if a is not None]
    if found:
        return found
    hq = (select(StaffRole.account_id).join(Account, Account.id == StaffRole.account_id)
          .where(StaffRole.role == "hq", reachable))
    return list((await session.scalars(hq)).all())


async def _least_loaded(session: AsyncSession, candidates: Sequence[int]) -> int:
    load = dict((await session.execute(
        select(Ticket.assignee_account_id, func.count())
        .where(Ticket.assignee_account_id.in_(candidates), Ticket.status.in_(ACTIVE))
        .group_by(Ticket.assignee_account_id))).all())
    return min(candidates, key=lambda a: (load.get(a, 0), a))


async def route(session: AsyncSession, category: str, region_code: int, from_level: int,
                exclude: Iterable[int | None] = ()) -> tuple[int, int] | None:
    """(level, account id) of the first level from `from_level` up that has someone, or None."""
    skip = {a for a in exclude if a is not None}
    for level in range(from_level, SUPERVISOR + 1):
        candidates = [a for a in await _candidates(session, level, category, region_code)
                      if a not in skip]
        if candidates:
            return level, await _least_loaded(session, sorted(set(candidates)))
    return None


# --- reading ---------------------------------------------------------------------------------

async def office(session: AsyncSession, office_id: int) -> OfficeRecord | None:
    row = await session.get(Office, office_id)
    return _office(row) if row else None


async def _view(session: AsyncSession, ticket: Ticket, *, last: int = 12) -> TicketView:
    office = await session.get(Office, ticket.office_id)
    assert office is not None
    region = await session.get(Region, office.region_code)
    period_code = status = None
    if ticket.period_id is not None:
        period = await session.get(Period, ticket.period_id)
        period_code = period.code if period else None
        status = await session.scalar(select(Declaration.status).where(
            Declaration.office_id == office.id, Declaration.period_id == ticket.period_id))
    messages = (await session.scalars(
        select(TicketMessage).where(TicketMessage.ticket_id == ticket.id)
        .order_by(TicketMessage.id.desc()).limit(last))).all()
    name = None
    if ticket.assignee_account_id is not None:
        name = (await _names(session, [ticket.assignee_account_id])).get(
            ticket.assignee_account_id)
    return TicketView(_ticket(ticket), _office(office), region.name_fa if region else "",
                      region.name_en if region else "", period_code, status, name,
                      tuple(_message(m) for m in reversed(messages)))


async def _owned(session: AsyncSession, ticket_id: int, office_ids: Sequence[int]) -> Ticket:
    ticket = await session.get(Ticket, ticket_id)
    if ticket is None or ticket.office_id not in office_ids:
        raise TicketError("not-found")
    return ticket


async def for_owner(session: AsyncSession, ticket_id: int, office_ids: Sequence[int]
                    ) -> TicketView:
    return await _view(session, await _owned(session, ticket_id, office_ids))


async def owner_tickets(session: AsyncSession, office_ids: Sequence[int], limit: int = 10
                        ) -> list[TicketRecord]:
    """The offices' tickets, those still open first, newest first."""
    rows = (await session.scalars(
        select(Ticket).where(Ticket.office_id.in_(office_ids))
        .order_by((Ticket.status == CLOSED).asc(), Ticket.id.desc()).limit(limit))).all()
    return [_ticket(t) for t in rows]


async def for_answerer(session: AsyncSession, ticket_id: int, account_id: int) -> TicketView:
    """The ticket for its assignee, or for someone who could take it; else `not-yours`."""
    ticket = await session.get(Ticket, ticket_id)
    if ticket is None:
        raise TicketError("not-yours")
    if ticket.assignee_account_id != account_id:
        profile = await answerer(session, account_id)
        office = await session.get(Office, ticket.office_id)
        if profile is None or office is None or \
                profile.level_for(ticket.category, office.region_code) is None:
            raise TicketError("not-yours")
    return await _view(session, ticket)


async def inbox(session: AsyncSession, account_id: int, limit: int = 10) -> Inbox:
    """Tickets assigned to the account, and unassigned ones it may take."""
    mine = (await session.scalars(
        select(Ticket).where(Ticket.assignee_account_id == account_id,
                             Ticket.status.in_(ACTIVE))
        .order_by((Ticket.status == ANSWERED).asc(), Ticket.id).limit(limit))).all()
    profile = await answerer(session, account_id)
    pool: list[Ticket] = []
    if profile is not None:
        query = (select(Ticket).join(Office, Office.id == Ticket.office_id)
                 .where(Ticket.assignee_account_id.is_(None), Ticket.status.in_(ACTIVE)))
        if not profile.supervisor:
            query = query.where((Ticket.category.in_(profile.categories))
                                | (Office.region_code.in_(profile.regions)))
        pool = list((await session.scalars(query.order_by(Ticket.id).limit(limit))).all())
    return Inbox(tuple([await _view(session, t, last=1) for t in mine]),
                 tuple([await _view(session, t, last=1) for t in pool]))


async def transfer_targets(session: AsyncSession, ticket_id: int, account_id: int
                           ) -> list[Target]:
    ticket = await _assigned(session, ticket_id, account_id)
    office = await session.get(Office, ticket.office_id)
    assert office is not None
    levels: dict[int, int] = {}
    for level in (LIAISON, SUPERVISOR):
        for a in await _candidates(session, level, ticket.category, office.region_code):
            levels.setdefault(a, level)
    for a in (await session.scalars(select(Expert.account_id).where(
            Expert.account_id.is_not(None), Expert.category != "supervisor"))).all():
        if a is not None:
            levels[a] = max(levels.get(a, EXPERT), EXPERT)
    levels.pop(account_id, None)
    names = await _names(session, levels)
    return sorted((Target(a, names.get(a, ""), lvl) for a, lvl in levels.items()),
                  key=lambda t: (t.level, t.name))[:12]


# --- limits ----------------------------------------------------------------------------------

def clean_text(text: str | None, policy: TicketPolicy, *, allow_empty: bool = False) -> str:
    text = (text or "").strip()
    if not text and not allow_empty:
        raise TicketError("empty")
    if len(text) > policy.max_chars:
        raise TicketError("too-long", length=len(text), max=policy.max_chars)
    return text


async def check_flood(session: AsyncSession, account_id: int, now: datetime,
                      policy: TicketPolicy) -> None:
    since = now - policy.flood_window
    times = (await session.scalars(
        select(TicketMessage.created_at)
        .where(TicketMessage.author_account_id == account_id,
               TicketMessage.author_role == "owner", TicketMessage.created_at > since)
        .order_by(TicketMessage.created_at))).all()
    if len(times) >= policy.flood_messages:
        free_at = times[len(times) - policy.flood_messages] + policy.flood_window
        minutes = max(1, math.ceil((free_at - now).total_seconds() / 60))
        raise TicketError("flood", minutes=minutes)


async def check_can_open(session: AsyncSession, office_id: int, account_id: int,
                         now: datetime, policy: TicketPolicy) -> None:
    """Refuse a new ticket when the office has too many open ones or the account floods."""
    count = await session.scalar(select(func.count()).select_from(Ticket).where(
        Ticket.office_id == office_id, Ticket.status.in_(ACTIVE))) or 0
    if count >= policy.max_open_per_office:
        raise TicketError("too-many-open", count=count, max=policy.max_open_per_office)
    await check_flood(session, account_id, now, policy)


# --- writing ---------------------------------------------------------------------------------

def _add_message(session: AsyncSession, ticket: Ticket, author: int, role: str, text: str,
                 file: NewFile | None, now: datetime) -> None:
    session.add(TicketMessage(
        ticket_id=ticket.id, author_account_id=author, author_role=role, text=text,
        file_sha256=file.sha256 if file else None, file_mime=file.mime if file else None,
        file_platform=file.platform if file else None, file_id=file.file_id if file else None,
        created_at=now))


async def _due(session: AsyncSession, now: datetime, policy: TicketPolicy) -> datetime:
    return add_working_hours(now, policy.escalation_hours, await load_schedule(session, policy))


async def _deadline(session: AsyncSession, level: int, assignee: int | None, now: datetime,
                    policy: TicketPolicy) -> datetime | None:
    """When an unanswered ticket moves on: never from the top level; an unassigned ticket is
    routed again after the same time."""
    if assignee is not None and level >= SUPERVISOR:
        return None
    return await _due(session, now, policy)


async def open_ticket(session: AsyncSession, *, account_id: int, office_ids: Sequence[int],
                      office_id: int, category: str, text: str | None,
                      file: NewFile | None = None, now: datetime,
                      policy: TicketPolicy | None = None) -> TicketRecord:
    policy = policy_of(session, policy)
    if office_id not in office_ids:
        raise TicketError("no-office")
    if category not in CATEGORIES:
        raise TicketError("bad-category")
    body = clean_text(text, policy, allow_empty=file is not None)
    await check_can_open(session, office_id, account_id, now, policy)
    office = await session.get(Office, office_id)
    assert office is not None
    period = await current_period(session, now)
    target = await route(session, category, office.region_code, LIAISON)
    level, assignee = target if target else (SUPERVISOR, None)
    ticket = Ticket(office_id=office_id, account_id=account_id,
                    period_id=period.id if period else None, category=category, status=OPEN,
                    level=level, assignee_account_id=assignee,
                    due_at=await _deadline(session, level, assignee, now, policy),
                    created_at=now, updated_at=now)
    session.add(ticket)
    await session.flush()
    _add_message(session, ticket, account_id, "owner", body, file, now)
    await audit(session, actor=f"account:{account_id}", actor_account_id=account_id,
                action="ticket.open", entity="ticket", entity_id=ticket.id,
                new={"category": category, "level": level, "assignee": assignee})
    if assignee is not None:
        await _notify_answerer(session, ticket, assignee, "expert-new-ticket", policy, now)
    return _ticket(ticket)


async def add_owner_message(session: AsyncSession, *, ticket_id: int, account_id: int,
                            office_ids: Sequence[int], text: str | None,
                            file: NewFile | None = None, now: datetime,
                            policy: TicketPolicy | None = None) -> TicketRecord:
    policy = policy_of(session, policy)
    ticket = await _owned(session, ticket_id, office_ids)
    if ticket.status == CLOSED:
        raise TicketError("closed")
    body = clean_text(text, policy, allow_empty=file is not None)
    await check_flood(session, account_id, now, policy)
    if ticket.status == ANSWERED or ticket.due_at is None:  # the clock starts again
        ticket.due_at = await _deadline(session, ticket.level, ticket.assignee_account_id, now,
                                        policy)
    ticket.status = OPEN
    ticket.updated_at = now
    _add_message(session, ticket, account_id, "owner", body, file, now)
    if ticket.assignee_account_id is not None:
        await _notify_answerer(session, ticket, ticket.assignee_account_id, "expert-owner-wrote",
                               policy, now, text=body, has_file=file is not None)
    return _ticket(ticket)


async def _assigned(session: AsyncSession, ticket_id: int, account_id: int) -> Ticket:
    ticket = await session.get(Ticket, ticket_id)
    if ticket is None or ticket.assignee_account_id != account_id:
        raise TicketError("not-yours")
    if ticket.status == CLOSED:
        raise TicketError("closed")
    return ticket


async def answer(session: AsyncSession, *, ticket_id: int, account_id: int, text: str | None,
                 file: NewFile | None = None, now: datetime,
                 policy: TicketPolicy | None = None) -> TicketRecord:
    """The assignee answers; the answer goes to the owner who asked."""
    policy = policy_of(session, policy)
    ticket = await _assigned(session, ticket_id, account_id)
    body = clean_text(text, policy, allow_empty=file is not None)
    _add_message(session, ticket, account_id, "expert", body, file, now)
    ticket.status = ANSWERED
    ticket.due_at = None
    ticket.updated_at = now
    owner = await session.get(Account, ticket.account_id)
    if owner is not None:
        await notify(session, owner, "ticket-answered", kind="ticket", number=ticket.id,
                     text=body, has_file=file is not None)
    return _ticket(ticket)


async def faqs(session: AsyncSession, category: str | None = None, limit: int = 8
               ) -> list[FaqRecord]:
    """Frequent questions of a category (all of them when the category has none)."""
    query = select(Faq).order_by(Faq.id)
    rows = (await session.scalars(query.where(Faq.category == category).limit(limit))).all() \
        if category else []
    if not rows:
        rows = (await session.scalars(query.limit(limit))).all()
    return [_faq(f) for f in rows]


async def answer_from_faq(session: AsyncSession, *, ticket_id: int, account_id: int,
                          faq_id: int, now: datetime, policy: TicketPolicy | None = None
                          ) -> TicketRecord:
    ticket = await _assigned(session, ticket_id, account_id)
    faq = await session.get(Faq, faq_id)
    if faq is None:
        raise TicketError("no-faq")
    owner = await session.get(Account, ticket.account_id)
    text = _faq(faq).answer(owner.locale if owner else "fa")
    policy = policy_of(session, policy)
    # HQ's prepared answers may be longer than what a person types.
    return await answer(session, ticket_id=ticket_id, account_id=account_id, text=text,
                        now=now, policy=replace(policy, max_chars=FAQ_MAX_ANSWER))


async def close(session: AsyncSession, *, ticket_id: int, account_id: int,
                office_ids: Sequence[int], now: datetime) -> TicketRecord:
    ticket = await _owned(session, ticket_id, office_ids)
    if ticket.status == CLOSED:
        raise TicketError("closed")
    ticket.status = CLOSED
    ticket.closed_at = ticket.updated_at = now
    ticket.due_at = None
    await audit(session, actor=f"account:{account_id}", actor_account_id=account_id,
                action="ticket.close", entity="ticket", entity_id=ticket.id)
    if ticket.assignee_account_id is not None:
        assignee = await session.get(Account, ticket.assignee_account_id)
        if assignee is not None:
            await notify(session, assignee, "expert-ticket-closed", kind="ticket",
                         number=ticket.id)
    return _ticket(ticket)


async def rate(session: AsyncSession, *, ticket_id: int, office_ids: Sequence[int],
               rating: int, now: datetime) -> TicketRecord:
    ticket = await _owned(session, ticket_id, office_ids)
    if not 1 <= rating <= 5:
        raise TicketError("bad-rating")
    if ticket.status != CLOSED:
        raise TicketError("not-closed")
    if ticket.rating is not None:
        raise TicketError("already-rated")
    ticket.rating = rating
    ticket.updated_at = now
    return _ticket(ticket)


async def claim(session: AsyncSession, *, ticket_id: int, account_id: int, now: datetime,
                policy: TicketPolicy | None = None) -> TicketRecord:
    """Take a ticket: an unassigned one within one's remit, or one held at a lower level."""
    policy = policy_of(session, policy)
    ticket = await session.get(Ticket, ticket_id)
    profile = await answerer(session, account_id)
    office = await session.get(Office, ticket.office_id) if ticket else None
    if ticket is None or profile is None or office is None:
        raise TicketError("cannot-claim")
    level = profile.level_for(ticket.category, office.region_code)
    if ticket.status == CLOSED:
        raise TicketError("closed")
    if level is None or ticket.assignee_account_id == account_id or (
            ticket.assignee_account_id is not None and level < ticket.level):
        raise TicketError("cannot-claim")
    previous = ticket.assignee_account_id
    ticket.assignee_account_id, ticket.level, ticket.updated_at = account_id, level, now
    if ticket.status == OPEN:
        ticket.due_at = await _deadline(session, level, account_id, now, policy)
    await audit(session, actor=f"account:{account_id}", actor_account_id=account_id,
                action="ticket.claim", entity="ticket", entity_id=ticket.id,
                old={"assignee": previous}, new={"assignee": account_id, "level": level})
    if previous is not None:
        await _notify_moved(session, ticket, previous, level)
    return _ticket(ticket)


async def transfer(session: AsyncSession, *, ticket_id: int, account_id: int, to_account_id: int,
                   now: datetime, policy: TicketPolicy | None = None) -> TicketRecord:
    policy = policy_of(session, policy)
    ticket = await _assigned(session, ticket_id, account_id)
    targets = {t.account_id: t for t in await transfer_targets(session, ticket_id, account_id)}
    target = targets.get(to_account_id)
    if target is None:
        raise TicketError("bad-target")
    ticket.assignee_account_id, ticket.level, ticket.updated_at = target.account_id, \
        target.level, now
    if ticket.status == OPEN:
        ticket.due_at = await _deadline(session, target.level, target.account_id, now, policy)
    await audit(session, actor=f"account:{account_id}", actor_account_id=account_id,
                action="ticket.transfer", entity="ticket", entity_id=ticket.id,
                old={"assignee": account_id}, new={"assignee": target.account_id,
                                                   "level": target.level})
    me = (await _names(session, [account_id])).get(account_id, "")
    await _notify_answerer(session, ticket, target.account_id, "expert-transferred-ticket",
                           policy, now, by=me)
    await _notify_owner_moved(session, ticket, "ticket-transferred-owner", policy)
    return _ticket(ticket)


# --- escalation ------------------------------------------------------------------------------

async def due_ticket_ids(session: AsyncSession, now: datetime, batch: int = 200) -> list[int]:
    """Open tickets past their deadline, the oldest deadline first."""
    return list((await session.scalars(
        select(Ticket.id).where(Ticket.status == OPEN, Ticket.due_at.is_not(None),
                                Ticket.due_at <= now)
        .order_by(Ticket.due_at).limit(batch))).all())


async def escalate_one(session: AsyncSession, ticket_id: int, now: datetime,
                       policy: TicketPolicy) -> bool:
    """Move one open ticket past its deadline a level up (re-read and locked: a ticket answered
    or moved meanwhile is left alone); True when it moved. A ticket nobody above can take keeps
    the top (no deadline), an unassigned one is tried again later. No commit."""
    ticket = await session.get(Ticket, ticket_id, with_for_update=True, populate_existing=True)
    office = await session.get(Office, ticket.office_id) if ticket else None
    if ticket is None or office is None or ticket.status != OPEN or ticket.due_at is None \
            or ticket.due_at > now:
        return False
    previous = ticket.assignee_account_id
    start = ticket.level + 1 if previous is not None else ticket.level
    target = None if start > SUPERVISOR else await route(
        session, ticket.category, office.region_code, start, exclude=[previous])
    if target is None:
        ticket.due_at = None if previous is not None else await _due(session, now, policy)
        return False
    old_due = ticket.due_at
    ticket.level, ticket.assignee_account_id = target
    ticket.updated_at = now
    ticket.due_at = await _deadline(session, ticket.level, ticket.assignee_account_id, now,
                                    policy)
    await audit(session, actor="system", action="ticket.escalate", entity="ticket",
                entity_id=ticket.id, old={"assignee": previous},
                new={"assignee": ticket.assignee_account_id, "level": ticket.level})
    stamp = int(old_due.timestamp())
    await _notify_answerer(session, ticket, ticket.assignee_account_id,
                           "expert-escalated-ticket", policy, now,
                           dedup=f"tk-esc:{ticket.id}:{stamp}:new")
    await _notify_owner_moved(session, ticket, "ticket-escalated-owner", policy,
                              dedup=f"tk-esc:{ticket.id}:{stamp}:owner")
    if previous is not None:
        await _notify_moved(session, ticket, previous, ticket.level,
                            dedup=f"tk-esc:{ticket.id}:{stamp}:old")
    return True


async def _notify_answerer(session: AsyncSession, ticket: Ticket, account_id: int, key: str,
                           policy: TicketPolicy, now: datetime, *, text: str | None = None,
                           has_file: bool = False, by: str = "",
                           dedup: str | None = None) -> None:
    account = await session.get(Account, account_id)
    if account is None:
        return
    await session.flush()
    view = await _view(session, ticket, last=1)
    if text is None and view.messages:  # a new ticket: show the question itself
        first = (await session.scalars(select(TicketMessage).where(
            TicketMessage.ticket_id == ticket.id).order_by(TicketMessage.id).limit(1))).first()
        text = first.text if first else ""
        has_file = has_file or bool(first and first.file_sha256)
    await notify(session, account, "ticket-for-answerer", kind="ticket", dedup_key=dedup,
                 key=key, number=ticket.id, category=ticket.category,
                 hours=policy.escalation_hours, name=by, text=text or "", has_file=has_file,
                 **card_args(view))


async def _notify_owner_moved(session: AsyncSession, ticket: Ticket, key: str,
                              policy: TicketPolicy, *, dedup: str | None = None) -> None:
    owner = await session.get(Account, ticket.account_id)
    if owner is None:
        return
    await notify(session, owner, "ticket-moved-owner", kind="ticket", dedup_key=dedup, key=key,
                 number=ticket.id, hours=policy.escalation_hours, level=ticket.level)


async def _notify_moved(session: AsyncSession, ticket: Ticket, previous: int, level: int, *,
                        dedup: str | None = None) -> None:
    account = await session.get(Account, previous)
    if account is None:
        return
    await notify(session, account, "ticket-moved-answerer", kind="ticket", dedup_key=dedup,
                 number=ticket.id, level=level)


# --- administration: linking experts, the FAQ list, holidays ---------------------------------

async def link_expert(session: AsyncSession, expert_id: int, platform: str, user_id: int,
                      actor: str = "cli") -> ExpertRecord:
    expert = await session.get(Expert, expert_id)
    if expert is None:
        raise AdminError(f"no expert with id {expert_id} (see `pishkhan experts list`)")
    account = await get_or_create_account(session, platform, user_id, expert.name)
    old = expert.account_id
    expert.account_id = account.id
    await audit(session, actor=actor, action="expert.link", entity="expert",
                entity_id=expert_id, old={"account_id": old},
                new={"platform": platform, "user_id": user_id, "account_id": account.id})
    return ExpertRecord(expert.id, expert.name, expert.phone, expert.topic_fa, expert.topic_en,
                        expert.category, expert.hours, expert.account_id)


async def unlink_expert(session: AsyncSession, expert_id: int, actor: str = "cli") -> None:
    expert = await session.get(Expert, expert_id)
    if expert is None:
        raise AdminError(f"no expert with id {expert_id} (see `pishkhan experts list`)")
    await audit(session, actor=actor, action="expert.unlink", entity="expert",
                entity_id=expert_id, old={"account_id": expert.account_id})
    expert.account_id = None

