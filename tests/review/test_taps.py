"""How fast a reviewer gets through a declaration with ten evidence files: every tap counted.

The owner sends the ten files through the bot on Bale (so they have real Bale file ids) and the
reviewer works on Bale too: the files come back by file id, not by upload."""

from __future__ import annotations

import time

from sqlalchemy import select, update

from demo.local import World
from storage.models import AuditLog, Declaration, Evidence
from tests.review.conftest import (
    ANSWERS,
    REVIEWER_4,
    SARI,
    file_declaration,
    link_owner,
    make_jpeg,
    make_pdf,
    make_staff,
)

# Which item each of the ten files is for, and what it is.
TEN = [("area", "jpeg"), ("area", "jpeg"), ("area", "pdf"), ("staff", "pdf"), ("staff", "pdf"),
       ("holder_years", "jpeg"), ("holder_years", "jpeg"), ("facilities", "jpeg"),
       ("facilities", "jpeg"), ("facilities", "jpeg")]


async def _owner_sends_ten_files(world: World) -> int:
    """A complete draft whose ten files the owner sends through the bot, then submitted."""
    filed = await file_declaration(world, SARI, files={}, status="draft")
    await link_owner(world, SARI, "bale", 5001)
    owner = world.user("bale", 5001, "زهرا")
    for number, (key, kind) in enumerate(TEN):
        async with world.session() as session:
            await session.execute(update(Declaration).where(Declaration.id ==
                                                            filed.declaration_id)
                                  .values(current_item=f"ev:{key}"))
            await session.commit()
        if kind == "pdf":
            await owner.send_document(make_pdf(f"doc {number}"), f"{number}.pdf",
                                      "application/pdf")
        else:
            await owner.send_photo(make_jpeg(color=["navy", "red", "green", "olive"][number % 4],
                                             width=60 + number))
        await owner.wait_text("فایل دریافت شد")
    async with world.session() as session:
        await session.execute(update(Declaration).where(Declaration.id == filed.declaration_id)
                              .values(status="submitted", version=1, current_item=None,
                                      submitted_at=world.clock.now()))
        await session.commit()
        count = len((await session.scalars(select(Evidence).where(
            Evidence.declaration_id == filed.declaration_id))).all())
    assert count == 10
    assert set(ANSWERS) <= {"area", "staff", "location_urban", "holder_years", "step_free",
                            "facilities"}
    return filed.declaration_id


async def test_ten_files_take_six_taps_and_well_under_a_minute(world: World) -> None:
    declaration_id = await _owner_sends_ten_files(world)
    await make_staff(world, ("bale", REVIEWER_4[1]), "reviewer", region=4)
    reviewer = world.user("bale", REVIEWER_4[1], "بازبین")
    taps = 0

    async def tap(text: str, **kw: object) -> None:
        nonlocal taps
        taps += 1
        await reviewer.press(text, **kw)

    await reviewer.send_command("/review")
    queue = await reviewer.wait_text("در انتظار بررسی: ۱")
    assert "منطقهٔ شمال" in queue["text"]
    started = time.monotonic()
    await tap("▶️ بررسی از قدیمی‌ترین (۱)")
    screen = await reviewer.wait_text("امتیاز موقت")
    assert "دفتر پیشخوان خدمات دولت ساری" in screen["text"] and "📎۳" in screen["text"]
    await tap("📎 همهٔ فایل‌ها (۱۰)")
    files = await reviewer.wait_messages(11, timeout=20)
    sent = [m for m in files if m["kind"] in ("photo", "document")]
    assert len(sent) == 10
    assert sum(1 for m in sent if m["kind"] == "document") == 3
    assert "فایل ۱۰ از ۱۰" in sent[-1]["caption"]
    assert "۱۰ فایل فرستاده شد" in files[-1]["text"]
    blurry = sent[3]
    await tap("❌ رد این فایل", message_id=blurry["message_id"])
    await reviewer.wait_edit(blurry["message_id"])
    await tap("ناخوانا", message_id=blurry["message_id"])
    await reviewer.wait_edit(blurry["message_id"])
    await tap("✅ تأیید", message_id=files[-1]["message_id"])
    await reviewer.wait_text("تأیید شود؟")
    await tap("✅ بله، تأیید و پروندهٔ بعدی")
    await reviewer.wait_text("پرونده‌ای در انتظار بررسی نیست")
    elapsed = time.monotonic() - started

    assert taps == 6  # open, all files, reject, reason, confirm, sure-and-next
    assert elapsed < 60, elapsed
    async with world.session() as session:
        row = await session.get(Declaration, declaration_id)
        assert row is not None and row.status == "confirmed"
        rejected = (await session.scalars(select(Evidence).where(
            Evidence.rejected_reason.is_not(None)))).all()
        assert [e.rejected_reason for e in rejected] == ["@illegible"]
        actions = set((await session.scalars(select(AuditLog.action).where(
            AuditLog.actor == f"bale:{REVIEWER_4[1]}"))).all())
        assert {"evidence.reject", "declaration.status"} <= actions
        owners_ids = set((await session.scalars(select(Evidence.file_id))).all())
    # Same platform: re-sent by the owner's own file ids, nothing uploaded again.
    assert {m["file_id"] for m in sent} == owners_ids
