"""Escalation: an open ticket past its working-hours deadline moves one level up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.admin import audit
from storage.models import Office, Ticket
from storage.tickets.notices import notify_answerer, notify_moved, notify_owner_moved
from storage.tickets.policy import TicketPolicy, deadline, due_after
from storage.tickets.queries import get_ticket
from storage.tickets.records import OPEN, SUPERVISOR
from storage.tickets.routing import route


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
    ticket = await get_ticket(session, ticket_id, lock=True)
    office = await session.get(Office, ticket.office_id) if ticket else None
    if ticket is None or office is None or ticket.status != OPEN or ticket.due_at is None \
            or ticket.due_at > now:
        return False
    previous = ticket.assignee_account_id
    start = ticket.level + 1 if previous is not None else ticket.level
    target = None if start > SUPERVISOR else await route(
        session, ticket.category, office.region_code, start, exclude=[previous])
    if target is None:
        ticket.due_at = None if previous is not None else await due_after(session, now, policy)
        return False
    old_due = ticket.due_at
    ticket.level, ticket.assignee_account_id = target
    ticket.updated_at = now
    ticket.due_at = await deadline(session, ticket.level, ticket.assignee_account_id, now,
                                    policy)
    await audit(session, actor="system", action="ticket.escalate", entity="ticket",
                entity_id=ticket.id, old={"assignee": previous},
                new={"assignee": ticket.assignee_account_id, "level": ticket.level})
    stamp = int(old_due.timestamp())
    await notify_answerer(session, ticket, ticket.assignee_account_id,
                           "expert-escalated-ticket", policy, now,
                           dedup=f"tk-esc:{ticket.id}:{stamp}:new")
    await notify_owner_moved(session, ticket, "ticket-escalated-owner", policy,
                              dedup=f"tk-esc:{ticket.id}:{stamp}:owner")
    if previous is not None:
        await notify_moved(session, ticket, previous, ticket.level,
                            dedup=f"tk-esc:{ticket.id}:{stamp}:old")
    return True


