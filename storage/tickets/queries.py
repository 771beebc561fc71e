"""Reading tickets: one ticket for its owner or an answerer (locked for a change), an office's
list, an answerer's inbox, the frequent answers, and the limits checked before a write."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.exclusive import locked
from storage.models import Declaration, Faq, Office, Period, Region, Ticket, TicketMessage
from storage.records import OfficeRecord
from storage.tickets.policy import TicketPolicy
from storage.tickets.records import (
    ACTIVE,
    ANSWERED,
    CLOSED,
    FaqRecord,
    Inbox,
    MessageRecord,
    Target,
    TicketError,
    TicketRecord,
    TicketView,
    faq_record,
    message_record,
    office_record,
    ticket_record,
)
from storage.tickets.routing import answerer, names_of, targets_for


async def get_ticket(session: AsyncSession, ticket_id: int, *, lock: bool = False
                     ) -> Ticket | None:
    """The ticket row; with `lock`, read again and held until the transaction ends, so of two
    changes at once (two experts, the owner closing while an expert answers) the second sees
    what the first did."""
    if not lock:
        return await session.get(Ticket, ticket_id)
    return await locked(session, Ticket, ticket_id)


async def office(session: AsyncSession, office_id: int) -> OfficeRecord | None:
    row = await session.get(Office, office_id)
    return office_record(row) if row else None


async def load_view(session: AsyncSession, ticket: Ticket, *, last: int = 12) -> TicketView:
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
        name = (await names_of(session, [ticket.assignee_account_id])).get(
            ticket.assignee_account_id)
    return TicketView(ticket_record(ticket), office_record(office),
                      region.name_fa if region else "", region.name_en if region else "",
                      period_code, status, name,
                      tuple(message_record(m) for m in reversed(messages)))


async def owned(session: AsyncSession, ticket_id: int, office_ids: Sequence[int], *,
                lock: bool = False) -> Ticket:
    ticket = await get_ticket(session, ticket_id, lock=lock)
    if ticket is None or ticket.office_id not in office_ids:
        raise TicketError("not-found")
    return ticket


async def for_owner(session: AsyncSession, ticket_id: int, office_ids: Sequence[int]
                    ) -> TicketView:
    return await load_view(session, await owned(session, ticket_id, office_ids))


async def owner_tickets(session: AsyncSession, office_ids: Sequence[int], limit: int = 10
                        ) -> list[TicketRecord]:
    """The offices' tickets, those still open first, newest first."""
    rows = (await session.scalars(
        select(Ticket).where(Ticket.office_id.in_(office_ids))
        .order_by((Ticket.status == CLOSED).asc(), Ticket.id.desc()).limit(limit))).all()
    return [ticket_record(t) for t in rows]


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
    return await load_view(session, ticket)


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
    return Inbox(tuple([await load_view(session, t, last=1) for t in mine]),
                 tuple([await load_view(session, t, last=1) for t in pool]))


async def faqs(session: AsyncSession, category: str | None = None, limit: int = 8
               ) -> list[FaqRecord]:
    """Frequent questions of a category (all of them when the category has none)."""
    query = select(Faq).order_by(Faq.id)
    rows = (await session.scalars(query.where(Faq.category == category).limit(limit))).all() \
        if category else []
    if not rows:
        rows = (await session.scalars(query.limit(limit))).all()
    return [faq_record(f) for f in rows]


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




async def assigned(session: AsyncSession, ticket_id: int, account_id: int, *,
                   lock: bool = False) -> Ticket:
    """The ticket, if the account holds it and it is not closed (`not-yours`, `closed`)."""
    ticket = await get_ticket(session, ticket_id, lock=lock)
    if ticket is None or ticket.assignee_account_id != account_id:
        raise TicketError("not-yours")
    if ticket.status == CLOSED:
        raise TicketError("closed")
    return ticket


async def transfer_targets(session: AsyncSession, ticket_id: int, account_id: int
                           ) -> list[Target]:
    return await targets_for(session, await assigned(session, ticket_id, account_id), account_id)


async def summaries(session: AsyncSession, ticket_ids: Sequence[int]
                    ) -> dict[int, tuple[str, int]]:
    """For each ticket: its owner's first message (the question) and how many files its thread
    holds."""
    if not ticket_ids:
        return {}
    firsts: dict[int, int] = dict((await session.execute(
        select(TicketMessage.ticket_id, func.min(TicketMessage.id))
        .where(TicketMessage.ticket_id.in_(ticket_ids), TicketMessage.author_role == "owner")
        .group_by(TicketMessage.ticket_id))).all())
    texts: dict[int, str] = dict((await session.execute(
        select(TicketMessage.ticket_id, TicketMessage.text)
        .where(TicketMessage.id.in_(list(firsts.values()) or [0])))).all())
    files: dict[int, int] = dict((await session.execute(
        select(TicketMessage.ticket_id, func.count())
        .where(TicketMessage.ticket_id.in_(ticket_ids), TicketMessage.file_sha256.is_not(None))
        .group_by(TicketMessage.ticket_id))).all())
    return {t: (texts.get(t, ""), int(files.get(t, 0))) for t in ticket_ids}


async def message_file(session: AsyncSession, ticket_id: int, message_id: int
                       ) -> MessageRecord | None:
    """A message of the ticket that carries a file."""
    row = await session.get(TicketMessage, message_id)
    if row is None or row.ticket_id != ticket_id or row.file_sha256 is None:
        return None
    return message_record(row)
