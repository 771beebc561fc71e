"""The contact feature fed to the dispatcher in process: an owner asks, the liaison claims and
answers by typed buttons, a stale or forged button gets the polite answer."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from services.staff import add_staff
from storage.models import Office, Ticket
from tests.handlers.conftest import Harness, texts
from texts.ticket_callbacks import (
    AnswererTicketCb,
    CategoryTicketCb,
    ClaimTicketCb,
    OwnerTicketCb,
)

HOLDER = "09382413657"  # the licence holder of the demo office 16598444 (region 4)


async def test_ask_answer_and_a_claim_someone_else_won(harness: Harness) -> None:
    owner = harness.chat("bale", 601, "زهرا")
    await owner.share_contact(HOLDER)
    for user_id in (602, 603):
        await add_staff(harness.uow(), platform="telegram", user_id=user_id, role="hq",
                        name=f"ستاد {user_id}")
    liaison_chat = harness.chat("telegram", 604, "رابط")
    await add_staff(harness.uow(), platform="telegram", user_id=604, role="liaison", region=4,
                    name="آقای رابط")

    assert any("موضوع پرسش" in t for t in texts(await owner.press(
        OwnerTicketCb(action="ask").pack())))
    async with harness.sessionmaker() as session:
        office = (await session.scalars(select(Office.id).where(
            Office.code == "16598444"))).one()
    await owner.press(CategoryTicketCb(office=office, category="scoring").pack())
    assert any("ثبت شد" in t for t in texts(await owner.send("رتبهٔ ما چرا سه است؟")))
    async with harness.sessionmaker() as session:
        ticket = (await session.scalars(select(Ticket))).one()

    # Two HQ staff both saw it held by the liaison; the second to press is told.
    seen = ClaimTicketCb(id=ticket.id, seen=ticket.assignee_account_id).pack()
    first, second = harness.chat("telegram", 602), harness.chat("telegram", 603)
    # One bot: each chat numbers its updates apart (a repeated update id is dropped as a
    # re-delivery).
    first.updates, second.updates = itertools.count(1000), itertools.count(2000)
    liaison_chat.updates = itertools.count(3000)
    assert any("سپرده شد" in t for t in texts(await first.press(seen)))
    said = texts(await second.press(seen))
    assert any("همکار دیگری" in t for t in said), said
    # The liaison no longer holds it.
    assert any("ارجاع نشده" in t for t in texts(await liaison_chat.press(
        AnswererTicketCb(action="ans", id=ticket.id).pack())))
    await first.press(AnswererTicketCb(action="ans", id=ticket.id).pack())
    assert any("فرستاده شد" in t for t in texts(await first.send("رتبه با امتیاز کل است.")))

    # Garbled data on both sides: «no longer valid», never a traceback.
    assert any("معتبر نیست" in t for t in texts(await owner.press("tk:o:view:x:")))
    assert any("معتبر نیست" in t for t in texts(await first.press("tk:e:claim:x:")))
