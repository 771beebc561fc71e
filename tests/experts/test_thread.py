"""A whole question thread through the sandbox: the owner on Bale, the liaison on Telegram."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from demo.local import World
from scoring.text import to_persian_digits
from scoring.workhours import TEHRAN
from storage.models import Expert, Faq, Ticket, TicketMessage
from tests.e2e.conftest import make_pdf
from tests.experts.conftest import LIAISON, OWNER_A, drain, make_jpeg, setup_people


async def test_whole_thread(world: World) -> None:
    people = await setup_people(world)
    async with world.session() as session:
        session.add(Faq(category="scoring", question_fa="امتیاز فضای دفتر چگونه است؟",
                        answer_fa="امتیاز فضا بر پایهٔ متراژ مفید در سند محاسبه می‌شود.",
                        question_en="", answer_en=""))
        await session.commit()
    owner = world.user("bale", OWNER_A, "زهرا")
    liaison = world.user("telegram", LIAISON, "رابط")
    await liaison.send_command("/start")  # a bot can only write to someone who started it
    await liaison.wait_message()

    # The directory: names, topics, phones as plain text, hours, and the region's liaison.
    await owner.send_command("/contact")
    directory = (await owner.wait_text("کارشناسان ستاد"))["text"]
    assert "خانم رحمانی ثانی" in directory and "021-89662911" in directory
    assert "شنبه تا چهارشنبه" in directory
    assert "آقای رابط" in directory

    # Ask: a topic, then a photo with its caption as the question.
    await owner.press("پرسش تازه")
    await owner.wait_text("موضوع پرسش")
    await owner.press("امتیاز و رتبه")
    await owner.wait_text("در یک پیام بنویسید")
    await owner.send_photo(make_jpeg(), caption="چرا امتیاز *فضای* دفتر ما کم است؟")
    created = (await owner.wait_text("ثبت شد"))["text"]
    async with world.session() as session:
        ticket = (await session.scalars(select(Ticket))).one()
    number = to_persian_digits(ticket.id)
    assert number in created and "رابط منطقه" in created
    assert ticket.assignee_account_id == people.liaison_account and ticket.level == 0
    assert ticket.status == "open" and ticket.category == "scoring"
    # Wednesday 10:00 + 8 working hours: 6 on Wednesday, the weekend, 2 on Saturday.
    # (The travel clock runs on from the chosen instant, so allow the seconds the test took.)
    assert abs(ticket.due_at - datetime(2025, 10, 11, 10, 0, tzinfo=TEHRAN)) < timedelta(minutes=1)
    await owner.press("تمام")
    await owner.wait_text("پاسخ در همین ربات")

    # The liaison is told, with the office, the period and the declaration's status.
    assert await drain(world) == 1
    note = (await liaison.wait_text("پرسش تازه"))["text"]
    assert to_persian_digits("16598444") in note and "ششماههٔ نخست ۱۴۰۴" in note
    assert "آغاز نشده" in note
    assert "*فضای*" in note  # the owner's own words, untouched on Telegram
    await liaison.press("مشاهده")
    photo, card = await liaison.wait_messages(2)
    assert photo["kind"] == "photo"  # re-uploaded from the stored bytes: it came from Bale
    assert "وضعیت: در انتظار پاسخ" in card["text"]
    await liaison.press("پاسخ")
    await liaison.wait_text("پاسخ خود")
    await liaison.send_document(make_pdf("guide"), "guide.pdf", "application/pdf",
                                caption="امتیاز فضا بر پایهٔ متراژ سند است. سند را بفرستید.")
    await liaison.wait_text("برای دفتر فرستاده شد")
    async with world.session() as session:
        ticket = await session.get(Ticket, ticket.id)
        assert ticket is not None and ticket.status == "answered" and ticket.due_at is None

    # The owner gets the answer and writes again.
    await drain(world)
    answer = (await owner.wait_text("پاسخ پرسش شمارهٔ"))["text"]
    assert "متراژ سند" in answer and "فایل پیوست" in answer
    await owner.press("مشاهده")
    document, card = await owner.wait_messages(2)
    # Sent on Telegram, so uploaded to Bale from the stored bytes.
    assert document["kind"] == "document" and "متراژ سند" in card["text"]
    assert (await owner.download(document["file_id"])).startswith(b"%PDF-")
    await owner.press("نوشتن پیام")
    await owner.wait_text("پیام خود")
    await owner.send_text("اجاره‌نامه داریم؛ کافی است؟")
    await owner.wait_text("افزوده شد")
    await owner.press("تمام")
    async with world.session() as session:
        ticket = await session.get(Ticket, ticket.id)
        assert ticket is not None and ticket.status == "open" and ticket.due_at is not None

    # The liaison answers from HQ's prepared answers with one tap.
    await drain(world)
    await liaison.wait_text("پیام تازهٔ دفتر")
    await liaison.press("پاسخ آماده")
    await liaison.wait_text("پاسخ‌های آماده")
    await liaison.press("۱")
    await liaison.wait_text("برای دفتر فرستاده شد")
    await drain(world)
    await owner.wait_text("متراژ مفید در سند")

    # The owner's list, the thread, then close and rate.
    await owner.send_command("/tickets")
    listing = (await owner.wait_text("پرسش‌های دفتر شما"))["text"]
    assert "پاسخ داده شد" in listing
    await owner.press(f"شمارهٔ {number}")
    # The expert's PDF again, but not the owner's own photo: it is on their phone already.
    document, thread = await owner.wait_messages(2)
    assert document["kind"] == "document"
    assert "متراژ سند" in thread["text"] and "اجاره‌نامه" in thread["text"]
    await owner.press("بستن پرسش")
    await owner.wait_text("بسته شد")
    await owner.press("۵ ⭐")
    await owner.wait_text("سپاسگزاریم")
    await drain(world)
    await liaison.wait_text(f"دفتر پرسش شمارهٔ {number} را بست")

    async with world.session() as session:
        ticket = await session.get(Ticket, ticket.id)
        assert ticket is not None
        assert (ticket.status, ticket.rating) == ("closed", 5)
        roles = (await session.scalars(select(TicketMessage.author_role)
                                       .where(TicketMessage.ticket_id == ticket.id)
                                       .order_by(TicketMessage.id))).all()
        assert roles == ["owner", "expert", "owner", "expert"]

    # A closed question takes no more messages, and says why.
    await owner.press_callback(f"tk:o:reply:{ticket.id}:", thread["message_id"])
    await owner.wait_text("بسته شده است")


async def test_a_question_nobody_can_take_says_so_with_the_numbers_to_call(world: World) -> None:
    """No liaison in the region and no expert linked to an account: the owner is not told that
    an expert has it; the answer says nobody is assigned and lists the directory's numbers."""
    await setup_people(world, liaison=False)
    async with world.session() as session:
        for expert in (await session.scalars(select(Expert))).all():
            expert.account_id = None
        await session.commit()
    owner = world.user("bale", OWNER_A, "زهرا")
    await owner.send_command("/contact")
    await owner.wait_text("کارشناسان ستاد")
    await owner.press("پرسش تازه")
    await owner.wait_text("موضوع پرسش")
    await owner.press("امتیاز و رتبه")
    await owner.wait_text("در یک پیام بنویسید")
    await owner.send_text("چرا امتیاز فضای دفتر ما کم است؟")
    created = (await owner.wait_text("ثبت شد"))["text"]
    assert "کارشناسی برای منطقهٔ شما تعیین نشده است" in created
    assert "021-89662911" in created  # a number from the directory, tappable (ASCII digits)
    assert "رسید" not in created and "به‌زودی" not in created
