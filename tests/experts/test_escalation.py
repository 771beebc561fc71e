"""Escalation by time travel: liaison → HQ expert of the category → HQ supervisor, counting only
working hours (Saturday–Wednesday 08:00–16:00 Tehran), skipping the weekend and a holiday."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from bot.app import sweep_escalations
from demo.local import World
from scoring.text import to_persian_digits
from scoring.workhours import TEHRAN
from services.staff import add_holiday
from services.tickets import owner
from storage import tickets
from storage.accounts import load_actor
from storage.models import Outbox, Ticket, TicketMessage
from tests.experts.conftest import (
    LIAISON,
    OWNER_A,
    SCORING_EXPERT,
    SUPERVISOR,
    drain,
    setup_people,
)


def tehran(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=TEHRAN)


async def sweep(world: World, at: datetime) -> int:
    world.clock.set(at)
    return await sweep_escalations(world.app, world.clock.now())


async def ticket_row(world: World, ticket_id: int) -> Ticket:
    async with world.session() as session:
        ticket = await session.get(Ticket, ticket_id)
        assert ticket is not None
        return ticket


def close_to(instant: datetime | None, expected: datetime) -> bool:
    return instant is not None and abs(instant - expected) < timedelta(minutes=1)


async def test_escalation_skips_weekend_and_holiday(world: World) -> None:
    people = await setup_people(world)
    # Saturday 1404/07/19 is declared a holiday: with Thursday and Friday, three days off.
    await add_holiday(world.uow(), date(2025, 10, 11), "تعطیل رسمی")
    owner = world.user("bale", OWNER_A, "زهرا")
    liaison = world.user("telegram", LIAISON, "رابط")
    expert = world.user("telegram", SCORING_EXPERT, "رحمانی")
    supervisor = world.user("telegram", SUPERVISOR, "سرپرست")
    for person in (liaison, expert, supervisor):
        await person.send_command("/start")
        await person.wait_message()

    await owner.send_command("/contact")
    await owner.wait_text("کارشناسان ستاد")
    await owner.press("پرسش تازه")
    await owner.wait_text("موضوع پرسش")
    await owner.press("امتیاز و رتبه")
    await owner.wait_text("در یک پیام بنویسید")
    await owner.send_text("رتبهٔ دفتر ما چرا سه شده است؟")
    await owner.wait_text("ثبت شد")
    await drain(world)
    await liaison.wait_text("پرسش تازه")
    async with world.session() as session:
        ticket_id = (await session.scalars(select(Ticket.id))).one()
    number = to_persian_digits(ticket_id)

    # Asked Wednesday 10:00: 6 hours on Wednesday, Thursday, Friday and the holiday Saturday
    # off, 2 hours on Sunday → due Sunday 10:00.
    ticket = await ticket_row(world, ticket_id)
    assert close_to(ticket.due_at, tehran(10, 12, 10))
    assert ticket.level == tickets.LIAISON

    # The liaison opens the answer step on Wednesday but does not send it in time.
    await liaison.press("پاسخ")
    await liaison.wait_text("پاسخ خود")

    for moment in (tehran(10, 8, 15, 59), tehran(10, 9, 12), tehran(10, 10, 12),
                   tehran(10, 11, 12), tehran(10, 12, 9, 58)):
        assert await sweep(world, moment) == 0, moment
    assert await sweep(world, tehran(10, 12, 10, 1)) == 1
    assert await sweep(world, tehran(10, 12, 10, 2)) == 0  # idempotent

    ticket = await ticket_row(world, ticket_id)
    assert (ticket.level, ticket.assignee_account_id) == (tickets.EXPERT, people.scoring_account)
    # Sunday 10:01 + 8 working hours: 5h59 on Sunday, 2h01 on Monday.
    assert close_to(ticket.due_at, tehran(10, 13, 10, 1))

    assert await drain(world) == 3
    moved = (await owner.wait_text("ساعت کاری پاسخ نگرفت"))["text"]
    assert number in moved and "کارشناس ستاد" in moved and "۸" in moved
    note = (await expert.wait_text("پرسش ارجاعی"))["text"]
    assert "رتبهٔ دفتر ما" in note
    await liaison.wait_text("دیگر نزد شما نیست")

    # The liaison's late answer is refused: the question is no longer theirs.
    await liaison.send_text("پاسخ دیرهنگام")
    await liaison.wait_text("به شما ارجاع نشده است")
    async with world.session() as session:
        authors = (await session.scalars(select(TicketMessage.author_role).where(
            TicketMessage.ticket_id == ticket_id))).all()
        assert authors == ["owner"]

    # Unanswered again: Monday 10:01 moves it to the supervisor, the last level.
    assert await sweep(world, tehran(10, 13, 10, 0)) == 0
    assert await sweep(world, tehran(10, 13, 10, 2)) == 1
    ticket = await ticket_row(world, ticket_id)
    assert (ticket.level, ticket.assignee_account_id) == (tickets.SUPERVISOR,
                                                          people.supervisor_account)
    assert ticket.due_at is None
    assert await sweep(world, tehran(10, 20, 12)) == 0
    await drain(world)
    await supervisor.wait_text("پرسش ارجاعی")
    await owner.wait_text("سرپرست کارشناسان ستاد")

    # The supervisor answers; the owner gets it.
    await supervisor.press("پاسخ")
    await supervisor.wait_text("پاسخ خود")
    await supervisor.send_text("رتبه با امتیاز کل تعیین می‌شود.")
    await supervisor.wait_text("برای دفتر فرستاده شد")
    await drain(world)
    await owner.wait_text("امتیاز کل")

    async with world.session() as session:
        kinds = (await session.scalars(select(Outbox.dedup_key).where(
            Outbox.dedup_key.is_not(None)))).all()
    assert len(kinds) == 6 and all(k.startswith(f"tk-esc:{ticket_id}:") for k in kinds)


async def test_routing_without_a_liaison_goes_to_the_category_expert(world: World) -> None:
    people = await setup_people(world, liaison=False)
    async with world.session() as session:
        actor = await load_actor(session, "bale", OWNER_A)
    ticket = await owner.open_ticket(world.uow(), actor, office_id=people.office_a,
                                     category="scoring", text="پرسش", now=world.clock.now())
    assert (ticket.level, ticket.assignee_account_id) == (tickets.EXPERT,
                                                          people.scoring_account)
    # No HQ expert is linked for evidence: straight to the supervisor, who has no deadline.
    other = await owner.open_ticket(world.uow(), actor, office_id=people.office_a,
                                    category="evidence", text="پرسش", now=world.clock.now())
    assert (other.level, other.assignee_account_id) == (tickets.SUPERVISOR,
                                                        people.supervisor_account)
    assert other.due_at is None
