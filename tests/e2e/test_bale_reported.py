"""The whole bot on Bale as third parties report it (docs/PLATFORMS.md): edits answered with a
stub, every button pressed from an app too old to show answers, «bot limit exceed» with status
400 whenever the bot sends faster than the sandbox's ceiling, contacts with `user_id` only from
the button. An owner's whole journey, a review of ten files and a broadcast, on both databases."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from delivery.outbox import OutboxSender
from demo.local import World, local_world
from sandbox.state import BaleQuirks
from storage.models import Answer, Declaration, Evidence, Outbox
from storage.outbox import enqueue
from tests.e2e.conftest import FIXED_NOW, make_jpeg, make_pdf
from tests.e2e.test_journey import OWNER_PHONE, declare_everything
from tests.review.conftest import (
    ANSWERS,
    REVIEWER_4,
    SARI,
    file_declaration,
    link_owner,
    make_staff,
)
from tests.review.test_taps import _owner_sends_ten_files


@pytest.fixture
async def world(tmp_path: Path, migrated_db_url: str) -> AsyncIterator[World]:
    async with local_world(tmp_path, database_url=migrated_db_url, now=FIXED_NOW) as w:
        token = w.tokens["bale"]
        w.sandbox.set_quirks(token, BaleQuirks.reported())
        w.sandbox.set_rate_limit(token, 8, burst=4)  # bursts over it: "bot limit exceed", 400
        yield w


def callbacks_answered(world: World, chat_id: int) -> None:
    records = world.sandbox.callbacks(world.tokens["bale"], chat_id)
    assert records and all(r["callback_query_id"].startswith("1") for r in records)
    assert all(r["answered"] for r in records), [r["data"] for r in records if not r["answered"]]


async def test_an_owners_whole_journey(world: World) -> None:
    user = world.user("bale", 7001, "زهرا", phone=OWNER_PHONE)
    await declare_everything(user, make_jpeg(), make_pdf())
    async with world.session() as session:
        declaration = await session.scalar(select(Declaration))
        assert declaration is not None and declaration.status == "submitted"
        assert await session.scalar(select(func.count()).select_from(Evidence)) == 5
    callbacks_answered(world, 7001)
    entries = await user.transcript()
    contact = next(e for e in entries if e.get("kind") == "contact")
    assert contact["contact"]["user_id"] == 7001  # the button's own contact carries it


async def test_a_review_of_ten_files(world: World) -> None:
    declaration_id = await _owner_sends_ten_files(world)
    await make_staff(world, ("bale", REVIEWER_4[1]), "reviewer", region=4)
    reviewer = world.user("bale", REVIEWER_4[1], "بازبین")
    await reviewer.send_command("/review")
    await reviewer.wait_text("در انتظار بررسی: ۱")
    await reviewer.press("▶️ بررسی از قدیمی‌ترین (۱)")
    await reviewer.wait_text("امتیاز موقت")
    await reviewer.press("📎 همهٔ فایل‌ها (۱۰)")
    files = await reviewer.wait_text("۱۰ فایل فرستاده شد", timeout=30)
    sent = [e for e in await reviewer.transcript() if e.get("kind") in ("photo", "document")]
    assert len(sent) == 10
    blurry = sent[3]
    await reviewer.press("❌ رد این فایل", message_id=blurry["message_id"])
    await reviewer.wait_edit(blurry["message_id"])
    await reviewer.press("ناخوانا", message_id=blurry["message_id"])
    await reviewer.wait_text("ناخوانا")  # the toast, sent as a message to the old app
    await reviewer.press("✅ تأیید", message_id=files["message_id"])
    await reviewer.wait_text("تأیید شود؟")
    await reviewer.press("✅ بله، تأیید و پروندهٔ بعدی")
    await reviewer.wait_text("پرونده‌ای در انتظار بررسی نیست")
    async with world.session() as session:
        row = await session.get(Declaration, declaration_id)
        assert row is not None and row.status == "confirmed"
    callbacks_answered(world, REVIEWER_4[1])


async def test_a_broadcast_in_bursts_over_the_limit(world: World) -> None:
    token = world.tokens["bale"]
    people = range(80001, 80121)
    world.sandbox.add_users(token, people)
    async with world.session() as session:
        for chat in people:
            await enqueue(session, platform="bale", chat_id=chat, kind="broadcast",
                          text="اطلاعیه: مهلت خوداظهاری تا ۱۰ آبان است.")
        await session.commit()
    sender = OutboxSender.from_app(world.app)
    started = time.monotonic()
    while time.monotonic() - started < 90:
        await sender.drain_once(within=60)
        async with world.session() as session:
            left = await session.scalar(select(func.count()).select_from(Outbox).where(
                Outbox.status.in_(("queued", "sending"))))
        if not left:
            break
        await asyncio.sleep(0.5)
    async with world.session() as session:
        statuses = dict((await session.execute(select(Outbox.status, func.count()).group_by(
            Outbox.status))).all())
    assert statuses == {"sent": len(people)}
    assert all(world.sandbox.sent_count(token, chat) == 1 for chat in people)  # once each
    assert world.sandbox.info(token)["rate_limited"] > 0  # it did hit the ceiling


async def test_only_the_buttons_contact_links_and_the_refusal_offers_the_code(world: World
                                                                               ) -> None:
    user = world.user("bale", 7002, "زهرا", phone=OWNER_PHONE)
    await user.send_command("/start")
    await user.wait_text("شمارهٔ همراه")
    await user.share_contact()  # her own card, shared by hand: Bale leaves user_id out
    refusal = await user.wait_text("متعلق به حساب شما نیست")
    assert "کد یک‌بارمصرف" in refusal["text"]  # the way that always works
    await user.send_command("/start")  # (the refusal removes the contact button today)
    await user.wait_text("شمارهٔ همراه")
    await user.press("📱 ارسال شمارهٔ همراه من")
    await user.wait_text("مهلت خوداظهاری")  # linked


async def test_a_refused_edit_in_the_wizard_sends_only_the_buttons_again(world: World) -> None:
    filed = await file_declaration(world, SARI, files={}, status="draft",
                                   answers={k: v for k, v in ANSWERS.items()
                                            if k != "facilities"})
    async with world.session() as session:
        await session.execute(update(Declaration).where(Declaration.id == filed.declaration_id)
                              .values(current_item="facilities"))
        await session.commit()
    await link_owner(world, SARI, "bale", 5003)
    owner = world.user("bale", 5003, "زهرا")
    await owner.send_command("/start")
    await owner.wait_text("مهلت خوداظهاری")
    await owner.press("✍️ ادامهٔ خوداظهاری")
    question = await owner.wait_text("امکانات")
    assert "\n" in question["text"]  # a title, then the question's hints
    world.sandbox.set_fault(world.tokens["bale"], "editMessageReplyMarkup", "400", times=1)
    option = next(b for b in await owner.buttons() if b.startswith("⬜️"))
    await owner.press(option)
    again = await owner.wait_message()
    assert again["text"] == question["text"].split("\n", 1)[0]  # not the whole question
    assert any(b["text"].startswith("☑️") for row in again["reply_markup"]["inline_keyboard"]
               for b in row)
    callbacks_answered(world, 5003)


async def test_a_refused_edit_in_the_review_still_answers_the_tap(world: World) -> None:
    await file_declaration(world, SARI)
    await make_staff(world, ("bale", REVIEWER_4[1]), "reviewer", region=4)
    reviewer = world.user("bale", REVIEWER_4[1], "بازبین")
    await reviewer.send_command("/review")
    await reviewer.wait_text("در انتظار بررسی: ۱")
    await reviewer.press("▶️ بررسی از قدیمی‌ترین (۱)")
    await reviewer.wait_text("امتیاز موقت")
    await reviewer.press("📎 همهٔ فایل‌ها (۴)")
    await reviewer.wait_text("۴ فایل فرستاده شد", timeout=30)
    file = [e for e in await reviewer.transcript() if e.get("kind") in ("photo", "document")][0]
    world.sandbox.set_fault(world.tokens["bale"], "editMessageReplyMarkup", "400", times=1)
    await reviewer.press("❌ رد این فایل", message_id=file["message_id"])
    reasons = await reviewer.wait_message()  # the reasons, in a new message
    assert reasons["text"] == file["caption"].split("\n", 1)[0]
    await reviewer.press("ناخوانا", message_id=reasons["message_id"])
    await reviewer.wait_text("ناخوانا")
    async with world.session() as session:
        rejected = (await session.scalars(select(Evidence.rejected_reason).where(
            Evidence.rejected_reason.is_not(None)))).all()
    assert rejected == ["@illegible"]
    callbacks_answered(world, REVIEWER_4[1])


async def long_comments(world: World, declaration_id: int) -> None:
    comment = " ".join(["این مدرک خوانا نیست و باید دوباره فرستاده شود"] * 20)  # ~900 each
    async with world.session() as session:
        await session.execute(update(Answer).where(Answer.declaration_id == declaration_id)
                              .values(review_comment=comment))
        await session.commit()


async def test_a_reviewers_view_longer_than_a_message_is_split(world: World) -> None:
    filed = await file_declaration(world, SARI)
    await long_comments(world, filed.declaration_id)
    await make_staff(world, ("bale", REVIEWER_4[1]), "reviewer", region=4)
    reviewer = world.user("bale", REVIEWER_4[1], "بازبین")
    await reviewer.send_command("/review")
    await reviewer.wait_text("در انتظار بررسی: ۱")
    await reviewer.press("▶️ بررسی از قدیمی‌ترین (۱)")
    await reviewer.wait_text("امتیاز موقت")
    view = [e for e in await reviewer.transcript()
            if e["direction"] == "out" and "این مدرک خوانا نیست" in (e.get("text") or "")]
    assert len(view) >= 2 and all(len(e["text"]) <= 4096 for e in view)
    assert view[-1]["reply_markup"] and not view[0]["reply_markup"]  # the buttons come last


async def test_an_owners_review_longer_than_a_message_is_split(world: World) -> None:
    filed = await file_declaration(world, SARI, status="returned")
    await long_comments(world, filed.declaration_id)
    await link_owner(world, SARI, "bale", 5004)
    owner = world.user("bale", 5004, "زهرا")
    await owner.send_command("/start")
    await owner.wait_text("مهلت خوداظهاری")
    await owner.press(next(b for b in await owner.buttons() if "خوداظهاری" in b))
    await owner.wait_text("امتیاز", timeout=15)
    parts = [e for e in await owner.transcript()
             if e["direction"] == "out" and "این مدرک خوانا نیست" in (e.get("text") or "")]
    assert len(parts) >= 2 and all(len(e["text"]) <= 4096 for e in parts)


async def test_a_long_text_whose_second_part_is_refused_is_not_sent_twice(world: World
                                                                          ) -> None:
    """A notice of three messages: the platform refuses the second («bot limit exceed»), and
    the retry sends the second and the third, never the first again."""
    token, chat = world.tokens["bale"], 80500
    world.sandbox.add_users(token, [chat])
    paragraphs = [f"بخش {n}: " + "متن اطلاعیه " * 300 for n in ("یکم", "دوم", "سوم")]
    async with world.session() as session:
        await enqueue(session, platform="bale", chat_id=chat, kind="broadcast",
                      text="\n\n".join(paragraphs))
        await session.commit()
    world.sandbox.set_rate_limit(token, 0.5, burst=1)  # one send now, the next in 2 s
    sender = OutboxSender.from_app(world.app)
    started = time.monotonic()
    while time.monotonic() - started < 60:
        await sender.drain_once(within=30)
        async with world.session() as session:
            status = await session.scalar(select(Outbox.status))
        if status not in ("queued", "sending"):
            break
        await asyncio.sleep(0.5)
    assert status == "sent"
    shown = [e["text"] for e in world.sandbox.transcript(token, chat)
             if e["direction"] == "out"]
    assert [text.split(":")[0] for text in shown] == ["بخش یکم", "بخش دوم", "بخش سوم"]
    assert world.sandbox.info(token)["rate_limited"] > 0  # a part was refused on the way
