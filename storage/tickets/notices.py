"""The notices of a ticket, queued as data in the caller's transaction (`storage.outbox.notify`)
and rendered at send time by `texts.notices.tickets`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account, Ticket, TicketMessage
from storage.outbox import notify
from storage.tickets.policy import TicketPolicy
from storage.tickets.queries import load_view
from storage.tickets.records import card_args


async def notify_answerer(session: AsyncSession, ticket: Ticket, account_id: int, key: str,
                           policy: TicketPolicy, now: datetime, *, text: str | None = None,
                           has_file: bool = False, by: str = "",
                           dedup: str | None = None) -> None:
    account = await session.get(Account, account_id)
    if account is None:
        return
    await session.flush()
    view = await load_view(session, ticket, last=1)
    if text is None and view.messages:  # a new ticket: show the question itself
        first = (await session.scalars(select(TicketMessage).where(
            TicketMessage.ticket_id == ticket.id).order_by(TicketMessage.id).limit(1))).first()
        text = first.text if first else ""
        has_file = has_file or bool(first and first.file_sha256)
    await notify(session, account, "ticket-for-answerer", kind="ticket", dedup_key=dedup,
                 key=key, number=ticket.id, category=ticket.category,
                 hours=policy.escalation_hours, name=by, text=text or "", has_file=has_file,
                 **card_args(view))


async def notify_owner_moved(session: AsyncSession, ticket: Ticket, key: str,
                              policy: TicketPolicy, *, dedup: str | None = None) -> None:
    owner = await session.get(Account, ticket.account_id)
    if owner is None:
        return
    await notify(session, owner, "ticket-moved-owner", kind="ticket", dedup_key=dedup, key=key,
                 number=ticket.id, hours=policy.escalation_hours, level=ticket.level)


async def notify_moved(session: AsyncSession, ticket: Ticket, previous: int, level: int, *,
                        dedup: str | None = None) -> None:
    account = await session.get(Account, previous)
    if account is None:
        return
    await notify(session, account, "ticket-moved-answerer", kind="ticket", dedup_key=dedup,
                 number=ticket.id, level=level)


