"""What the association and expert console tests share: an owner's question, staff members, the
rows a race must leave."""

from __future__ import annotations

from sqlalchemy import func, select, update

from demo.local import World
from services.accounts import identify
from services.tickets import owner
from storage.accounts import Actor
from storage.models import Account, AuditLog, ExternalScore, Outbox, Ticket, TicketMessage
from tests.review.conftest import SARI, SARI_OWNER, link_owner, make_staff

LIAISON_4 = ("telegram", 7304)
LIAISON_7 = ("telegram", 7307)
HQ_ONE = ("telegram", 7401)
HQ_TWO = ("bale", 7402)
ASSOCIATION_FARS_TWO = ("bale", 7102)


async def actor(world: World, who: tuple[str, int]) -> Actor:
    return await identify(world.uow(), who[0], who[1])


async def ask(world: World, text: str = "چرا امتیاز ما کم شد؟", *, unassigned: bool = False
              ) -> int:
    """The Sari owner's question (routed to the region's liaison, if any); `unassigned`: nobody
    holds it (the pool)."""
    async with world.session() as session:
        linked = await session.scalar(select(Account.id).where(
            Account.platform == SARI_OWNER[0], Account.platform_user_id == SARI_OWNER[1]))
    if linked is None:
        await link_owner(world, SARI, *SARI_OWNER)
    asker = await actor(world, SARI_OWNER)
    assert asker.office_id is not None
    record = await owner.open_ticket(world.uow(), asker, office_id=asker.office_id,
                                     category="scoring", text=text, now=world.clock.now())
    if unassigned:
        async with world.session() as session:
            await session.execute(update(Ticket).where(Ticket.id == record.id)
                                  .values(assignee_account_id=None))
            await session.commit()
    return record.id


async def answerers(world: World) -> None:
    await make_staff(world, LIAISON_4, "liaison", region=4, name="رابط ساری")
    await make_staff(world, LIAISON_7, "liaison", region=7, name="رابط شیراز")
    await make_staff(world, HQ_ONE, "hq", name="مریم")
    await make_staff(world, HQ_TWO, "hq", name="رضا")


async def count(world: World, what: str, ticket_id: int | None = None) -> int:
    """Audit rows of an action; or ('expert-messages', id), ('owner-notices', id)."""
    async with world.session() as session:
        if what == "expert-messages":
            query = select(func.count()).select_from(TicketMessage).where(
                TicketMessage.ticket_id == ticket_id, TicketMessage.author_role == "expert")
        elif what == "owner-notices":
            query = select(func.count()).select_from(Outbox).where(
                Outbox.payload_json.contains('"notice": "ticket-answered"'))
        elif what == "scores":
            query = select(func.count()).select_from(ExternalScore).where(
                ExternalScore.association.is_not(None))
        else:
            query = select(func.count()).select_from(AuditLog).where(AuditLog.action == what)
        return int(await session.scalar(query) or 0)
