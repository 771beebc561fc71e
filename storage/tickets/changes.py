"""Changing tickets: a question opened, a message added, an answer, closing, rating, claiming
and passing a ticket on. Each locks the ticket before it reads it (`queries.get_ticket`), writes
its audit row and queues its notices as data; none commits (the service does)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.admin import audit, current_period
from storage.directory import FAQ_MAX_ANSWER
from storage.exclusive import serialize
from storage.models import Account, Faq, Office, Ticket, TicketMessage
from storage.outbox import notify
from storage.tickets.notices import notify_answerer, notify_moved, notify_owner_moved
from storage.tickets.policy import TicketPolicy, clean_text, deadline, policy_of
from storage.tickets.queries import (
    assigned,
    check_can_open,
    check_flood,
    get_ticket,
    owned,
    transfer_targets,
)
from storage.tickets.records import (
    ANSWERED,
    CATEGORIES,
    CLOSED,
    LIAISON,
    OPEN,
    SUPERVISOR,
    UNASSIGNED,
    NewFile,
    TicketError,
    TicketRecord,
    faq_record,
    ticket_record,
)
from storage.tickets.routing import answerer, names_of, route


def add_message(session: AsyncSession, ticket: Ticket, author: int, role: str, text: str,
                 file: NewFile | None, now: datetime) -> None:
    session.add(TicketMessage(
        ticket_id=ticket.id, author_account_id=author, author_role=role, text=text,
        file_sha256=file.sha256 if file else None, file_mime=file.mime if file else None,
        file_platform=file.platform if file else None, file_id=file.file_id if file else None,
        created_at=now))


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
    # Two questions of one office at once must not both pass the limit of open ones.
    await serialize(session, f"tickets-of-office:{office_id}")
    await check_can_open(session, office_id, account_id, now, policy)
    office = await session.get(Office, office_id)
    assert office is not None
    period = await current_period(session, now)
    target = await route(session, category, office.region_code, LIAISON)
    level, assignee = target if target else (SUPERVISOR, None)
    ticket = Ticket(office_id=office_id, account_id=account_id,
                    period_id=period.id if period else None, category=category, status=OPEN,
                    level=level, assignee_account_id=assignee,
                    due_at=await deadline(session, level, assignee, now, policy),
                    created_at=now, updated_at=now)
    session.add(ticket)
    await session.flush()
    add_message(session, ticket, account_id, "owner", body, file, now)
    await audit(session, actor=f"account:{account_id}", actor_account_id=account_id,
                action="ticket.open", entity="ticket", entity_id=ticket.id,
                new={"category": category, "level": level, "assignee": assignee})
    if assignee is not None:
        await notify_answerer(session, ticket, assignee, "expert-new-ticket", policy, now)
    return ticket_record(ticket)


async def add_owner_message(session: AsyncSession, *, ticket_id: int, account_id: int,
                            office_ids: Sequence[int], text: str | None,
                            file: NewFile | None = None, now: datetime,
                            policy: TicketPolicy | None = None) -> TicketRecord:
    policy = policy_of(session, policy)
    ticket = await owned(session, ticket_id, office_ids, lock=True)
    if ticket.status == CLOSED:
        raise TicketError("closed")
    body = clean_text(text, policy, allow_empty=file is not None)
    await check_flood(session, account_id, now, policy)
    if ticket.status == ANSWERED or ticket.due_at is None:  # the clock starts again
        ticket.due_at = await deadline(session, ticket.level, ticket.assignee_account_id, now,
                                        policy)
    ticket.status = OPEN
    ticket.updated_at = now
    add_message(session, ticket, account_id, "owner", body, file, now)
    if ticket.assignee_account_id is not None:
        await notify_answerer(session, ticket, ticket.assignee_account_id, "expert-owner-wrote",
                               policy, now, text=body, has_file=file is not None)
    return ticket_record(ticket)


async def answer(session: AsyncSession, *, ticket_id: int, account_id: int, text: str | None,
                 file: NewFile | None = None, now: datetime,
                 policy: TicketPolicy | None = None) -> TicketRecord:
    """The assignee answers; the answer goes to the owner who asked."""
    policy = policy_of(session, policy)
    ticket = await assigned(session, ticket_id, account_id, lock=True)
    body = clean_text(text, policy, allow_empty=file is not None)
    add_message(session, ticket, account_id, "expert", body, file, now)
    ticket.status = ANSWERED
    ticket.due_at = None
    ticket.updated_at = now
    await audit(session, actor=f"account:{account_id}", actor_account_id=account_id,
                action="ticket.answer", entity="ticket", entity_id=ticket.id,
                new={"file": file is not None})
    owner = await session.get(Account, ticket.account_id)
    if owner is not None:
        await notify(session, owner, "ticket-answered", kind="ticket", number=ticket.id,
                     text=body, has_file=file is not None)
    return ticket_record(ticket)


async def answer_from_faq(session: AsyncSession, *, ticket_id: int, account_id: int,
                          faq_id: int, now: datetime, policy: TicketPolicy | None = None
                          ) -> TicketRecord:
    ticket = await assigned(session, ticket_id, account_id, lock=True)
    faq = await session.get(Faq, faq_id)
    if faq is None:
        raise TicketError("no-faq")
    owner = await session.get(Account, ticket.account_id)
    text = faq_record(faq).answer(owner.locale if owner else "fa")
    policy = policy_of(session, policy)
    # HQ's prepared answers may be longer than what a person types.
    return await answer(session, ticket_id=ticket_id, account_id=account_id, text=text,
                        now=now, policy=replace(policy, max_chars=FAQ_MAX_ANSWER))


async def close(session: AsyncSession, *, ticket_id: int, account_id: int,
                office_ids: Sequence[int], now: datetime) -> TicketRecord:
    ticket = await owned(session, ticket_id, office_ids, lock=True)
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
    return ticket_record(ticket)


async def rate(session: AsyncSession, *, ticket_id: int, account_id: int,
               office_ids: Sequence[int], rating: int, now: datetime) -> TicketRecord:
    ticket = await owned(session, ticket_id, office_ids, lock=True)
    if not 1 <= rating <= 5:
        raise TicketError("bad-rating")
    if ticket.status != CLOSED:
        raise TicketError("not-closed")
    if ticket.rating is not None:
        raise TicketError("already-rated")
    ticket.rating = rating
    ticket.updated_at = now
    await audit(session, actor=f"account:{account_id}", actor_account_id=account_id,
                action="ticket.rate", entity="ticket", entity_id=ticket.id,
                new={"rating": rating})
    return ticket_record(ticket)


async def claim(session: AsyncSession, *, ticket_id: int, account_id: int, now: datetime,
                policy: TicketPolicy | None = None, seen: int | None = None) -> TicketRecord:
    """Take a ticket: an unassigned one within one's remit, or one held at a lower level.

    `seen` is whom the claimer saw holding it (`UNASSIGNED` for nobody): when someone else took
    it meanwhile (two experts pressing «claim» at once), `taken` names who; None: not checked
    (a button from before the check existed)."""
    policy = policy_of(session, policy)
    ticket = await get_ticket(session, ticket_id, lock=True)
    profile = await answerer(session, account_id)
    office = await session.get(Office, ticket.office_id) if ticket else None
    if ticket is None or profile is None or office is None:
        raise TicketError("cannot-claim")
    level = profile.level_for(ticket.category, office.region_code)
    if ticket.status == CLOSED:
        raise TicketError("closed")
    holder = ticket.assignee_account_id
    if seen is not None and (holder or UNASSIGNED) != seen and holder != account_id:
        name = (await names_of(session, [holder])).get(holder, "") if holder else ""
        raise TicketError("taken", number=ticket.id, name=name)
    if level is None or ticket.assignee_account_id == account_id or (
            ticket.assignee_account_id is not None and level < ticket.level):
        raise TicketError("cannot-claim")
    previous = ticket.assignee_account_id
    ticket.assignee_account_id, ticket.level, ticket.updated_at = account_id, level, now
    if ticket.status == OPEN:
        ticket.due_at = await deadline(session, level, account_id, now, policy)
    await audit(session, actor=f"account:{account_id}", actor_account_id=account_id,
                action="ticket.claim", entity="ticket", entity_id=ticket.id,
                old={"assignee": previous}, new={"assignee": account_id, "level": level})
    if previous is not None:
        await notify_moved(session, ticket, previous, level)
    return ticket_record(ticket)


async def transfer(session: AsyncSession, *, ticket_id: int, account_id: int, to_account_id: int,
                   now: datetime, policy: TicketPolicy | None = None) -> TicketRecord:
    policy = policy_of(session, policy)
    ticket = await assigned(session, ticket_id, account_id, lock=True)
    targets = {t.account_id: t for t in await transfer_targets(session, ticket_id, account_id)}
    target = targets.get(to_account_id)
    if target is None:
        raise TicketError("bad-target")
    ticket.assignee_account_id, ticket.level, ticket.updated_at = target.account_id, \
        target.level, now
    if ticket.status == OPEN:
        ticket.due_at = await deadline(session, target.level, target.account_id, now, policy)
    await audit(session, actor=f"account:{account_id}", actor_account_id=account_id,
                action="ticket.transfer", entity="ticket", entity_id=ticket.id,
                old={"assignee": account_id}, new={"assignee": target.account_id,
                                                   "level": target.level})
    me = (await names_of(session, [account_id])).get(account_id, "")
    await notify_answerer(session, ticket, target.account_id, "expert-transferred-ticket",
                           policy, now, by=me)
    await notify_owner_moved(session, ticket, "ticket-transferred-owner", policy)
    return ticket_record(ticket)


