"""Questions to named experts, the scheduler's and the command line's side: escalation and
binding the directory's experts to accounts.

Escalation runs from the scheduler: every open question past its working-hours deadline moves one
level up (expert → region liaison → headquarters), each in its own transaction, with its audit
row and the notices to the new answerer, the owner and the previous answerer; a question
answered or moved meanwhile is left alone (it is read again, locked, before it moves).
"""

from __future__ import annotations

from datetime import datetime

from services.staff import label, require_hq
from services.uow import UnitOfWork
from storage import tickets
from storage.accounts import Actor
from storage.records import ExpertRecord
from storage.tickets import TicketPolicy


async def escalate_due(uow: UnitOfWork, now: datetime, policy: TicketPolicy,
                       batch: int = 200) -> int:
    """Move every open question past its deadline; how many moved."""
    async with uow:
        ids = await tickets.due_ticket_ids(uow.session, now, batch)
    moved = 0
    for ticket_id in ids:
        async with uow:
            moved += await tickets.escalate_one(uow.session, ticket_id, now, policy)
            await uow.commit()
    return moved


async def link_expert(uow: UnitOfWork, expert_id: int, platform: str, user_id: int,
                      actor: Actor | None = None) -> ExpertRecord:
    """The directory's expert answers from this account from now on."""
    require_hq(actor)
    async with uow:
        record = await tickets.link_expert(uow.session, expert_id, platform, user_id,
                                           label(actor))
        await uow.commit()
    return record


async def unlink_expert(uow: UnitOfWork, expert_id: int, actor: Actor | None = None) -> None:
    require_hq(actor)
    async with uow:
        await tickets.unlink_expert(uow.session, expert_id, label(actor))
        await uow.commit()
