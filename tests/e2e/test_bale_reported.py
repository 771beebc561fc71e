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
from sqlalchemy import func, select

from delivery.outbox import OutboxSender
from demo.local import World, local_world
from sandbox.state import BaleQuirks
from storage.models import Declaration, Evidence, Outbox
from storage.outbox import enqueue
from tests.e2e.conftest import FIXED_NOW, make_jpeg, make_pdf
from tests.e2e.test_journey import OWNER_PHONE, declare_everything
from tests.review.conftest import REVIEWER_4, make_staff
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
