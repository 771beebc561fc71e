"""Limits and wrong input: each refusal says why, and nothing is written."""

from __future__ import annotations

from sqlalchemy import func, select

from demo.local import World
from services.tickets import owner
from storage.accounts import load_actor
from storage.models import Ticket, TicketMessage
from tests.experts.conftest import OWNER_A, make_jpeg, setup_people


async def _count(world: World, model: type) -> int:
    async with world.session() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def _start_question(owner: object) -> None:
    await owner.send_command("/contact")  # type: ignore[attr-defined]
    await owner.wait_text("کارشناسان ستاد")  # type: ignore[attr-defined]
    await owner.press("پرسش تازه")  # type: ignore[attr-defined]
    await owner.wait_text("موضوع پرسش")  # type: ignore[attr-defined]
    await owner.press("مشکل فنی")  # type: ignore[attr-defined]
    await owner.wait_text("در یک پیام بنویسید")  # type: ignore[attr-defined]


async def test_wrong_input_while_asking(world: World) -> None:
    await setup_people(world)
    owner = world.user("bale", OWNER_A, "زهرا")
    await _start_question(owner)

    await owner.send_sticker()
    await owner.wait_text("فقط متن، عکس یا فایل PDF پذیرفته می‌شود")
    await owner.send_photo(make_jpeg())  # no caption: what is the question?
    await owner.wait_text("توضیح پرسش را هم بنویسید")
    await owner.send_document(b"just some text", "note.txt", "text/plain", caption="این فایل")
    await owner.wait_text("فقط عکس (JPEG یا PNG) یا فایل PDF")
    await owner.send_text("ب" * 1501)
    await owner.wait_text("۱٬۵۰۱ نویسه")
    assert await _count(world, Ticket) == 0
    await owner.send_text("   ")
    await owner.wait_text("متن خالی است")
    # Still waiting for the question: a proper one goes through.
    await owner.send_text("سامانه باز نمی‌شود.")
    await owner.wait_text("ثبت شد")
    assert await _count(world, Ticket) == 1


async def test_open_tickets_per_office_are_limited(world: World) -> None:
    people = await setup_people(world)
    async with world.session() as session:
        actor = await load_actor(session, "bale", OWNER_A)
    for n in range(3):
        await owner.open_ticket(world.uow(), actor, office_id=people.office_a,
                                category="technical", text=f"پرسش {n}", now=world.clock.now())
    person = world.user("bale", OWNER_A, "زهرا")
    await person.send_command("/contact")
    await person.wait_text("کارشناسان ستاد")
    await person.press("پرسش تازه")
    refusal = (await person.wait_text("پرسش باز دارد"))["text"]
    assert "۳" in refusal and "ببندید" in refusal
    assert await _count(world, Ticket) == 3

    # Closing one makes room again.
    async with world.session() as session:
        first = (await session.scalars(select(Ticket.id).order_by(Ticket.id))).first()
        assert first is not None
    await owner.close(world.uow(), actor, first, world.clock.now())
    await person.press("پرسش‌های من")  # the refusal offers the list, where one can close
    await person.wait_text("پرسش‌های دفتر شما")
    await person.press("پرسش تازه")
    await person.wait_text("موضوع پرسش")


async def test_flood_control_per_account(world: World) -> None:
    await setup_people(world)
    owner = world.user("bale", OWNER_A, "زهرا")
    await _start_question(owner)
    await owner.send_text("پیام ۱")
    await owner.wait_text("ثبت شد")
    for n in range(2, 9):  # the question and 7 more: 8 messages in ten minutes
        await owner.send_text(f"پیام {n}")
        await owner.wait_text("افزوده شد")
    await owner.send_text("پیام ۹")
    refusal = (await owner.wait_text("پیام‌های زیادی فرستاده‌اید"))["text"]
    assert "۱۰ دقیقهٔ دیگر" in refusal
    assert await _count(world, TicketMessage) == 8
    # Ten minutes later the owner may write again.
    from datetime import timedelta

    world.clock.advance(timedelta(minutes=10, seconds=5))
    await owner.send_text("پیام ۱۰")
    await owner.wait_text("افزوده شد")
    assert await _count(world, TicketMessage) == 9


async def test_another_button_or_a_command_ends_the_writing_step(world: World) -> None:
    await setup_people(world)
    owner = world.user("bale", OWNER_A, "زهرا")
    await _start_question(owner)
    await owner.send_text("سامانه باز نمی‌شود.")
    await owner.wait_text("ثبت شد")
    # The owner leaves for the main menu without pressing «تمام»: what they type next is not
    # filed into the question.
    last = await owner.last_message()
    assert last is not None
    await owner.press_callback("menu:main", last["message_id"])
    await owner.wait_message()
    await owner.send_text("۸۵")
    await owner.wait_message()
    await _start_question(owner)
    await owner.send_command("/start")
    await owner.wait_message()
    await owner.send_text("متن دیگر")
    await owner.wait_message()
    assert await _count(world, TicketMessage) == 1
    assert await _count(world, Ticket) == 1
