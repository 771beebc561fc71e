"""Questions to the experts as use cases, on SQLite and PostgreSQL: who may do what, and two
changes of one ticket at once (two experts claiming it, an expert answering while another takes
it, the owner closing while the expert answers) ending in one consistent state."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from services import linking
from services.errors import Conflict, Forbidden, NotFound, ServiceError
from services.staff import add_staff
from services.tickets import answerer, owner, reason
from storage import tickets
from storage.accounts import Actor
from storage.models import AuditLog, Outbox, Ticket, TicketMessage
from tests.services.conftest import NOW, World

HOLDER = "09382413657"  # the licence holder of the demo office 16598444 (region 4)


async def _owner(world: World, user_id: int = 9100) -> Actor:
    actor = await world.person("bale", user_id)
    linked = await linking.link_by_contact(world.uow(), actor, contact_user_id=user_id,
                                           phone=HOLDER)
    assert isinstance(linked, linking.Linked)
    return linked.actor


async def _staff(world: World, user_id: int, role: str, region: int | None = None) -> Actor:
    await add_staff(world.uow(), platform="telegram", user_id=user_id, role=role,
                    region=region, name=f"{role} {user_id}")
    return await world.person("telegram", user_id)


async def _audits(world: World, action: str) -> int:
    async with world.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == action)) or 0)


async def _row(world: World, ticket_id: int) -> Ticket:
    async with world.sessionmaker() as session:
        row = await session.get(Ticket, ticket_id)
        assert row is not None
        return row


async def _expert_messages(world: World, ticket_id: int) -> int:
    async with world.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(TicketMessage).where(
            TicketMessage.ticket_id == ticket_id, TicketMessage.author_role == "expert")) or 0)


async def _ask(world: World, who: Actor) -> tickets.TicketRecord:
    assert who.office_id is not None
    return await owner.open_ticket(world.uow(), who, office_id=who.office_id,
                                   category="scoring", text="رتبهٔ ما چرا سه است؟", now=NOW)


async def test_two_experts_claiming_one_ticket_at_once_one_takes_it(world: World) -> None:
    asker = await _owner(world)
    liaison = await _staff(world, 9201, "liaison", 4)
    first, second = await _staff(world, 9301, "hq"), await _staff(world, 9302, "hq")
    ticket = await _ask(world, asker)
    assert ticket.assignee_account_id == liaison.account_id  # the region's liaison first

    outcomes = await asyncio.gather(
        answerer.claim(world.uow(), first, ticket.id, NOW, seen=liaison.account_id),
        answerer.claim(world.uow(), second, ticket.id, NOW, seen=liaison.account_id),
        return_exceptions=True)
    won = [o for o in outcomes if isinstance(o, tickets.TicketRecord)]
    lost = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert isinstance(lost[0], Conflict) and reason(lost[0]) == "taken"
    assert (await _row(world, ticket.id)).assignee_account_id == won[0].assignee_account_id
    assert await _audits(world, "ticket.claim") == 1

    # Only the holder answers, however many press at once.
    holder = first if won[0].assignee_account_id == first.account_id else second
    others = [p for p in (first, second, liaison) if p is not holder]
    outcomes = await asyncio.gather(
        *(answerer.answer(world.uow(), p, ticket.id, text=f"پاسخ {p.user_id}", now=NOW)
          for p in (holder, *others)), return_exceptions=True)
    assert isinstance(outcomes[0], tickets.TicketRecord), outcomes
    assert all(isinstance(o, Forbidden) and reason(o) == "not-yours" for o in outcomes[1:])
    assert await _audits(world, "ticket.answer") == 1
    assert await _expert_messages(world, ticket.id) == 1


async def test_an_answer_and_a_claim_at_once_leave_one_consistent_state(world: World) -> None:
    asker = await _owner(world)
    liaison = await _staff(world, 9202, "liaison", 4)
    boss = await _staff(world, 9303, "hq")
    ticket = await _ask(world, asker)
    answered, claimed = await asyncio.gather(
        answerer.answer(world.uow(), liaison, ticket.id, text="پاسخ رابط", now=NOW),
        answerer.claim(world.uow(), boss, ticket.id, NOW, seen=liaison.account_id),
        return_exceptions=True)
    assert isinstance(claimed, tickets.TicketRecord), claimed
    row = await _row(world, ticket.id)
    assert row.assignee_account_id == boss.account_id
    if isinstance(answered, tickets.TicketRecord):  # the answer came first, then the claim
        assert row.status == "answered" and await _expert_messages(world, ticket.id) == 1
    else:  # the claim came first: the liaison's answer is refused, nothing of it is kept
        assert isinstance(answered, Forbidden) and reason(answered) == "not-yours"
        assert row.status == "open" and await _expert_messages(world, ticket.id) == 0
        assert await _audits(world, "ticket.answer") == 0


async def test_the_owner_closing_while_the_expert_answers(world: World) -> None:
    asker = await _owner(world)
    liaison = await _staff(world, 9203, "liaison", 4)
    ticket = await _ask(world, asker)
    closed, answered = await asyncio.gather(
        owner.close(world.uow(), asker, ticket.id, NOW),
        answerer.answer(world.uow(), liaison, ticket.id, text="پاسخ", now=NOW),
        return_exceptions=True)
    assert isinstance(closed, tickets.TicketRecord), closed
    row = await _row(world, ticket.id)
    assert row.status == "closed" and row.due_at is None and row.closed_at is not None
    async with world.sessionmaker() as session:
        notices = (await session.scalars(select(Outbox.kind).where(
            Outbox.account_id == asker.account_id))).all()
    if isinstance(answered, tickets.TicketRecord):  # answered just before it was closed
        assert await _expert_messages(world, ticket.id) == 1 and "ticket" in notices
    else:
        assert isinstance(answered, Conflict) and reason(answered) == "closed"
        assert await _expert_messages(world, ticket.id) == 0
    assert await _audits(world, "ticket.close") == 1
    # Closing twice: the second is told, nothing changes.
    with pytest.raises(Conflict) as again:
        await owner.close(world.uow(), asker, ticket.id, NOW)
    assert again.value.code == "ticket-refused-closed"


async def test_many_questions_at_once_stay_within_the_open_limit(world: World) -> None:
    asker = await _owner(world)
    await _staff(world, 9204, "liaison", 4)
    outcomes = await asyncio.gather(*(_ask(world, asker) for _ in range(5)),
                                    return_exceptions=True)
    opened = [o for o in outcomes if isinstance(o, tickets.TicketRecord)]
    refused = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(opened) == 3 and len(refused) == 2, outcomes
    assert {reason(e) for e in refused} == {"too-many-open"}
    assert await _audits(world, "ticket.open") == 3


async def test_another_office_and_another_answerer_are_refused(world: World) -> None:
    asker = await _owner(world)
    liaison = await _staff(world, 9205, "liaison", 4)
    stranger = await world.person("bale", 9106)
    other_region = await _staff(world, 9206, "liaison", 1)
    ticket = await _ask(world, asker)
    for call in (owner.thread(world.uow(), stranger, ticket.id),
                 owner.close(world.uow(), stranger, ticket.id, NOW),
                 owner.rate(world.uow(), stranger, ticket.id, 5, NOW)):
        with pytest.raises(NotFound):
            await call
    with pytest.raises(Forbidden):
        await answerer.card(world.uow(), other_region, ticket.id)
    with pytest.raises(Forbidden):
        await answerer.claim(world.uow(), other_region, ticket.id, NOW)
    card = await answerer.card(world.uow(), liaison, ticket.id)
    assert card.mine and not card.can_claim
    # Rating needs a closed ticket, once, 1 to 5.
    with pytest.raises(Conflict):
        await owner.rate(world.uow(), asker, ticket.id, 5, NOW)
    await owner.close(world.uow(), asker, ticket.id, NOW)
    await owner.rate(world.uow(), asker, ticket.id, 4, NOW)
    with pytest.raises(Conflict):
        await owner.rate(world.uow(), asker, ticket.id, 5, NOW)
    assert (await _row(world, ticket.id)).rating == 4
    assert await _audits(world, "ticket.rate") == 1


async def test_an_answer_and_the_escalation_sweep_at_once(world: World) -> None:
    """The sweep re-reads the ticket locked: answered first, it stays; moved first, the late
    answer is refused."""
    from datetime import timedelta

    from services.tickets import escalate_due

    asker = await _owner(world)
    liaison = await _staff(world, 9207, "liaison", 4)
    boss = await _staff(world, 9307, "hq")
    ticket = await _ask(world, asker)
    later = NOW + timedelta(days=7)  # well past the deadline in working hours
    moved, answered = await asyncio.gather(
        escalate_due(world.uow(), later, tickets.TicketPolicy()),
        answerer.answer(world.uow(), liaison, ticket.id, text="پاسخ", now=later),
        return_exceptions=True)
    row = await _row(world, ticket.id)
    if isinstance(answered, tickets.TicketRecord):
        assert moved == 0 and row.status == "answered"
        assert row.assignee_account_id == liaison.account_id
    else:
        assert moved == 1 and isinstance(answered, Forbidden)
        assert (row.status, row.assignee_account_id) == ("open", boss.account_id)
        assert await _expert_messages(world, ticket.id) == 0
    assert await _audits(world, "ticket.escalate") == moved
