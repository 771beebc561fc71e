"""Nobody reads or writes a ticket that is not theirs, whatever button data they send."""

from __future__ import annotations

from sqlalchemy import select

from demo.local import World
from services.tickets import owner
from storage import tickets
from storage.accounts import load_actor
from storage.models import Ticket, TicketMessage
from tests.experts.conftest import (
    DECLARATION_EXPERT,
    LIAISON,
    OWNER_A,
    OWNER_B,
    SCORING_EXPERT,
    drain,
    setup_people,
)


async def _ask(world: World, office_id: int, category: str = "scoring") -> int:
    async with world.session() as session:
        actor = await load_actor(session, "bale", OWNER_A)
    record = await owner.open_ticket(world.uow(), actor, office_id=office_id, category=category,
                                     text="پرسش محرمانهٔ دفتر ساری", now=world.clock.now())
    return record.id


async def test_an_owner_cannot_read_another_offices_ticket(world: World) -> None:
    people = await setup_people(world)
    ticket_id = await _ask(world, people.office_a)
    other = world.user("bale", OWNER_B, "علی")
    await other.send_command("/tickets")
    listing = await other.wait_text("هنوز پرسشی ثبت نکرده‌اید")
    assert "محرمانه" not in listing["text"]
    on = listing["message_id"]  # forged data on a real message of the bot's, as an app sends

    for action in ("view", "reply", "close"):
        await other.press_callback(f"tk:o:{action}:{ticket_id}:", on)
        refusal = (await other.wait_text("در میان پرسش‌های دفتر شما نیست"))["text"]
        assert "محرمانه" not in refusal
    await other.press_callback(f"tk:o:rate:{ticket_id}:5", on)
    await other.wait_text("در میان پرسش‌های دفتر شما نیست")
    # Garbled data: a polite "no longer valid", never a traceback.
    await other.press_callback("tk:o:view:not-a-number:", on)
    await other.wait_text("دیگر معتبر نیست")
    # An owner pressing an answerer's button gets nothing of the ticket either.
    await other.press_callback(f"tk:e:view:{ticket_id}:", on)
    await other.wait_message()
    assert "محرمانه" not in str(await other.transcript())

    async with world.session() as session:
        ticket = await session.get(Ticket, ticket_id)
        assert ticket is not None and ticket.status == "open" and ticket.rating is None
        count = len((await session.scalars(select(TicketMessage.id))).all())
        assert count == 1


async def test_an_expert_cannot_answer_a_ticket_that_is_not_theirs(world: World) -> None:
    people = await setup_people(world)
    ticket_id = await _ask(world, people.office_a)  # goes to the region's liaison
    scoring = world.user("telegram", SCORING_EXPERT, "رحمانی")
    declaration = world.user("telegram", DECLARATION_EXPERT, "ثقفی")
    liaison = world.user("telegram", LIAISON, "رابط")

    messages = {}
    for person in (scoring, declaration, liaison):
        await person.send_command("/inbox")
        messages[person.user_id] = (await person.wait_message())["message_id"]

    # The scoring expert may look (the ticket is in their category) but not answer it.
    on = messages[SCORING_EXPERT]
    for data in (f"tk:e:ans:{ticket_id}:", f"tk:e:fq:{ticket_id}:1", f"tk:e:tr:{ticket_id}:",
                 f"tk:e:to:{ticket_id}:{people.scoring_account}"):
        await scoring.press_callback(data, on)
        await scoring.wait_text("به شما ارجاع نشده است")
    # The declaration expert may not even read it.
    await declaration.press_callback(f"tk:e:view:{ticket_id}:", messages[DECLARATION_EXPERT])
    refusal = (await declaration.wait_text("به شما ارجاع نشده است"))["text"]
    assert "محرمانه" not in refusal
    await declaration.press_callback(f"tk:e:claim:{ticket_id}:", messages[DECLARATION_EXPERT])
    await declaration.wait_text("نمی‌توانید این پرسش را بردارید")
    # The liaison, lower than an HQ expert, cannot take it back once the expert claimed it.
    await scoring.press_callback(f"tk:e:claim:{ticket_id}:", on)
    await scoring.wait_text("به شما سپرده شد")
    await drain(world)
    await liaison.wait_text("دیگر نزد شما نیست")
    await liaison.press_callback(f"tk:e:claim:{ticket_id}:", messages[LIAISON])
    await liaison.wait_text("نمی‌توانید این پرسش را بردارید")
    await liaison.press_callback(f"tk:e:ans:{ticket_id}:", messages[LIAISON])
    await liaison.wait_text("به شما ارجاع نشده است")

    async with world.session() as session:
        ticket = await session.get(Ticket, ticket_id)
        assert ticket is not None
        assert (ticket.assignee_account_id, ticket.level, ticket.status) == (
            people.scoring_account, tickets.EXPERT, "open")
        roles = (await session.scalars(select(TicketMessage.author_role))).all()
        assert roles == ["owner"]

    # The rightful answerer passes it to the supervisor; the owner and the supervisor are told.
    await scoring.press_callback(f"tk:e:tr:{ticket_id}:", on)
    await scoring.wait_text("ارجاع می‌دهید")
    await scoring.press("آقای سرپرست (سرپرست کارشناسان ستاد)")
    await scoring.wait_text("به آقای سرپرست ارجاع شد")
    async with world.session() as session:
        ticket = await session.get(Ticket, ticket_id)
        assert ticket is not None
        assert (ticket.assignee_account_id, ticket.level) == (people.supervisor_account,
                                                              tickets.SUPERVISOR)
