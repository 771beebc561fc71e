"""The answerers' side: region liaisons, HQ experts and supervisors.

What an account may do to a ticket is decided here on every call, never by the button that was
pressed: answering, sending a prepared answer and passing a ticket on need the ticket to be the
account's (`ticket-refused-not-yours`); claiming needs it within the account's remit and not held
higher. Each change locks the ticket first: of two experts claiming one ticket at once, one takes
it and the other is told who did (`ticket-refused-taken`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.tickets.common import policy_or_default, refusal, refusals
from services.uow import UnitOfWork
from storage import tickets
from storage.accounts import Actor
from storage.tickets import (
    FaqRecord,
    Inbox,
    NewFile,
    Target,
    TicketPolicy,
    TicketRecord,
    TicketView,
)


@dataclass(frozen=True, slots=True)
class Card:
    """A ticket as its answerer (or someone who could take it) sees it."""

    view: TicketView
    mine: bool  # the actor holds it: answer, prepared answers, pass it on
    can_claim: bool


@dataclass(frozen=True, slots=True)
class Transferred:
    ticket: TicketRecord
    to_name: str


@dataclass(frozen=True, slots=True)
class FaqChoice:
    ticket_id: int
    items: tuple[FaqRecord, ...]


async def inbox(uow: UnitOfWork, actor: Actor) -> Inbox:
    """Tickets the actor holds, and unassigned ones they may take (`not-answerer` if neither)."""
    async with uow:
        if await tickets.answerer(uow.session, actor.account_id) is None:
            raise refusal("not-answerer")
        return await tickets.inbox(uow.session, actor.account_id)


async def card(uow: UnitOfWork, actor: Actor, ticket_id: int) -> Card:
    async with uow, refusals():
        view = await tickets.for_answerer(uow.session, ticket_id, actor.account_id)
        profile = await tickets.answerer(uow.session, actor.account_id)
    ticket = view.ticket
    level = profile.level_for(ticket.category, view.office.region_code) if profile else None
    held = ticket.assignee_account_id
    return Card(view, held == actor.account_id and ticket.status != tickets.CLOSED,
                ticket.status != tickets.CLOSED and level is not None
                and held != actor.account_id and (held is None or level >= ticket.level))


async def answerable(uow: UnitOfWork, actor: Actor, ticket_id: int) -> TicketRecord:
    """The ticket, if the actor holds it and it is open (`not-yours`, `closed`)."""
    async with uow, refusals():
        return tickets.ticket_record(
            await tickets.assigned(uow.session, ticket_id, actor.account_id))


async def answer(uow: UnitOfWork, actor: Actor, ticket_id: int, *, text: str | None,
                 file: NewFile | None = None, now: datetime,
                 policy: TicketPolicy | None = None) -> TicketRecord:
    """The holder answers (text, or a file with its caption); the owner is told. Checked again
    here, not only when the button was pressed: it may have moved to someone else meanwhile."""
    async with uow, refusals():
        record = await tickets.answer(uow.session, ticket_id=ticket_id,
                                      account_id=actor.account_id, text=text, file=file,
                                      now=now, policy=policy_or_default(policy))
        await uow.commit()
    return record


async def faq_choice(uow: UnitOfWork, actor: Actor, ticket_id: int) -> FaqChoice:
    """HQ's prepared answers for the ticket's category, for its holder."""
    async with uow, refusals():
        ticket = await tickets.assigned(uow.session, ticket_id, actor.account_id)
        items = await tickets.faqs(uow.session, ticket.category)
    return FaqChoice(ticket_id, tuple(items))


async def answer_from_faq(uow: UnitOfWork, actor: Actor, ticket_id: int, faq_id: int,
                          now: datetime, policy: TicketPolicy | None = None) -> TicketRecord:
    """One of HQ's prepared answers, in the owner's language, as the holder's answer."""
    async with uow, refusals():
        record = await tickets.answer_from_faq(uow.session, ticket_id=ticket_id,
                                               account_id=actor.account_id, faq_id=faq_id,
                                               now=now, policy=policy_or_default(policy))
        await uow.commit()
    return record


async def claim(uow: UnitOfWork, actor: Actor, ticket_id: int, now: datetime, *,
                seen: int | None = None, policy: TicketPolicy | None = None) -> TicketRecord:
    """Take the ticket (see `storage.tickets.claim`); the previous holder is told."""
    async with uow, refusals():
        record = await tickets.claim(uow.session, ticket_id=ticket_id,
                                     account_id=actor.account_id, now=now, seen=seen,
                                     policy=policy_or_default(policy))
        await uow.commit()
    return record


async def transfer_targets(uow: UnitOfWork, actor: Actor, ticket_id: int) -> list[Target]:
    async with uow, refusals():
        return await tickets.transfer_targets(uow.session, ticket_id, actor.account_id)


async def transfer(uow: UnitOfWork, actor: Actor, ticket_id: int, to_account_id: int,
                   now: datetime, policy: TicketPolicy | None = None) -> Transferred:
    """Pass the held ticket to one of `transfer_targets`; the new holder and the owner are
    told."""
    async with uow, refusals():
        record = await tickets.transfer(uow.session, ticket_id=ticket_id,
                                        account_id=actor.account_id,
                                        to_account_id=to_account_id, now=now,
                                        policy=policy_or_default(policy))
        name = (await tickets.names_of(uow.session, [to_account_id])).get(to_account_id, "")
        await uow.commit()
    return Transferred(record, name)
