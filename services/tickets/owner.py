"""The owner's side of a question to the experts: the directory, asking, writing into the thread,
closing and rating, the office's list.

The actor acts for their own offices only (`actor.office_ids`): a ticket of another office is
`NotFound` (`ticket-refused-not-found`), whatever button data was sent. Each change locks the
ticket first, so an owner closing while an expert answers ends in one consistent state.
"""

from __future__ import annotations

from datetime import datetime

from services.tickets.common import policy_or_default, refusal, refusals
from services.uow import UnitOfWork
from storage import tickets
from storage.accounts import Actor
from storage.records import OfficeRecord
from storage.tickets import Directory, NewFile, TicketPolicy, TicketRecord, TicketView


async def directory(uow: UnitOfWork, actor: Actor) -> Directory:
    """The experts, and the liaisons of the office the actor acts for now."""
    async with uow:
        return await tickets.directory(uow.session, actor.office_id)


async def own_offices(uow: UnitOfWork, actor: Actor) -> list[OfficeRecord]:
    """The actor's offices, to choose which one asks (an account may hold several)."""
    async with uow:
        found = [await tickets.office(uow.session, oid) for oid in actor.office_ids]
    return [o for o in found if o is not None]


async def may_open(uow: UnitOfWork, actor: Actor, office_id: int, now: datetime,
                   policy: TicketPolicy | None = None) -> None:
    """Refuse before the owner types: not their office, too many open, flooding."""
    if office_id not in actor.office_ids:
        raise refusal("no-office")
    async with uow, refusals():
        await tickets.check_can_open(uow.session, office_id, actor.account_id, now,
                                     policy_or_default(policy))


def check_text(text: str | None, policy: TicketPolicy | None = None, *,
               allow_empty: bool = False) -> str:
    """The text cleaned, or refused (`empty`, `too-long`) before anything is downloaded."""
    with refusals():
        return tickets.clean_text(text, policy_or_default(policy), allow_empty=allow_empty)


async def open_ticket(uow: UnitOfWork, actor: Actor, *, office_id: int, category: str,
                      text: str | None, file: NewFile | None = None, now: datetime,
                      policy: TicketPolicy | None = None) -> TicketRecord:
    """A new question of one of the actor's offices, routed to its first answerer (told)."""
    async with uow, refusals():
        record = await tickets.open_ticket(
            uow.session, account_id=actor.account_id, office_ids=actor.office_ids,
            office_id=office_id, category=category, text=text, file=file, now=now,
            policy=policy_or_default(policy))
        await uow.commit()
    return record


async def writable(uow: UnitOfWork, actor: Actor, ticket_id: int) -> TicketRecord:
    """The ticket, if the owner may still write into it (`not-found`, `closed`)."""
    async with uow, refusals():
        view = await tickets.for_owner(uow.session, ticket_id, actor.office_ids)
    if view.ticket.status == tickets.CLOSED:
        raise refusal("closed")
    return view.ticket


async def add_message(uow: UnitOfWork, actor: Actor, ticket_id: int, *, text: str | None,
                      file: NewFile | None = None, now: datetime,
                      policy: TicketPolicy | None = None) -> TicketRecord:
    """The owner writes into an open ticket (text, or a file with its caption); the answerer
    is told and the clock starts again if it had been answered."""
    async with uow, refusals():
        record = await tickets.add_owner_message(
            uow.session, ticket_id=ticket_id, account_id=actor.account_id,
            office_ids=actor.office_ids, text=text, file=file, now=now,
            policy=policy_or_default(policy))
        await uow.commit()
    return record


async def close(uow: UnitOfWork, actor: Actor, ticket_id: int, now: datetime) -> TicketRecord:
    async with uow, refusals():
        record = await tickets.close(uow.session, ticket_id=ticket_id,
                                     account_id=actor.account_id, office_ids=actor.office_ids,
                                     now=now)
        await uow.commit()
    return record


async def rate(uow: UnitOfWork, actor: Actor, ticket_id: int, rating: int, now: datetime
               ) -> TicketRecord:
    """1 to 5 stars for a closed ticket, once."""
    async with uow, refusals():
        record = await tickets.rate(uow.session, ticket_id=ticket_id, account_id=actor.account_id,
                                    office_ids=actor.office_ids, rating=rating, now=now)
        await uow.commit()
    return record


async def my_tickets(uow: UnitOfWork, actor: Actor) -> list[TicketRecord]:
    """The actor's offices' tickets, those still open first (`no-office` without one)."""
    if not actor.office_ids:
        raise refusal("no-office")
    async with uow:
        return await tickets.owner_tickets(uow.session, actor.office_ids)


async def thread(uow: UnitOfWork, actor: Actor, ticket_id: int) -> TicketView:
    """One ticket of the actor's offices with its thread (`not-found` for any other)."""
    async with uow, refusals():
        return await tickets.for_owner(uow.session, ticket_id, actor.office_ids)
