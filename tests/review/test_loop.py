"""The whole review through the sandbox: the region returns a declaration, the owner fixes and
resubmits it, the region adjusts a value, records a committee decision and confirms it, HQ
publishes, and the owner reads a result that carries both. The owner is on Bale, the reviewer on
Telegram: the files reach the reviewer uploaded from the evidence store."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from demo.local import World, open_period
from storage.models import (
    AuditLog,
    Declaration,
    Evidence,
    NegativePoint,
    Outbox,
    Period,
    Result,
)
from tests.e2e.conftest import render_transcript
from tests.review.conftest import (
    HQ,
    REVIEWER_4,
    SARI,
    drain,
    file_declaration,
    link_owner,
    make_jpeg,
    make_staff,
    office_id,
    status_of,
)

TRANSCRIPTS = Path(__file__).parent / "transcripts"


def compare_transcript(name: str, text: str) -> None:
    """Compare with the committed transcript; PISHKHAN_UPDATE_TRANSCRIPTS=1 rewrites it."""
    path = TRANSCRIPTS / name
    if os.environ.get("PISHKHAN_UPDATE_TRANSCRIPTS") == "1" or not path.exists():
        TRANSCRIPTS.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"transcript {name} was missing in CI; it has been written, commit it")
        return
    assert text == path.read_text(encoding="utf-8"), \
        f"the result message changed; see git diff of {path} after running with " \
        f"PISHKHAN_UPDATE_TRANSCRIPTS=1"


async def _last_period_published(world: World, sari: int) -> None:
    """H2 1403, published: Sari ranked 2 with 55 points."""
    now = world.clock.now()
    previous = await open_period(world.app, "1403-H2", now - timedelta(days=200),
                                 now - timedelta(days=170))
    async with world.session() as session:
        period = await session.get(Period, previous.id)
        assert period is not None
        period.published_at = now - timedelta(days=150)
        session.add(Result(period_id=previous.id, office_id=sari, source="declared",
                           total=Decimal("55"), rank=2, service_share=70, breakdown_json="{}"))
        await session.commit()


async def test_return_fix_resubmit_adjust_negative_confirm_publish(world: World) -> None:
    sari = await office_id(world, SARI)
    await _last_period_published(world, sari)
    filed = await file_declaration(world, SARI)  # the owner's files were sent on Bale
    await link_owner(world, SARI, "bale", 5001)
    await make_staff(world, REVIEWER_4, "reviewer", region=4, name="آقای بازبین")
    await make_staff(world, HQ, "hq", name="ستاد")
    owner = world.user("bale", 5001, "زهرا")
    reviewer = world.user(*REVIEWER_4, "بازبین")

    # 1. The region looks at the files (uploaded from the store: the owner used Bale) and
    #    returns the declaration with a comment and a rejected file.
    await reviewer.send_command("/review")
    await reviewer.wait_text("در انتظار بررسی: ۱")
    await reviewer.press("▶️ بررسی از قدیمی‌ترین (۱)")
    await reviewer.wait_text("امتیاز موقت")
    await reviewer.press("📎 همهٔ فایل‌ها (۴)")
    files = await reviewer.wait_messages(5)
    async with world.session() as session:
        stored = {e.sha256 for e in (await session.scalars(select(Evidence))).all()}
    assert {m["sha256"] for m in files[:4]} == stored
    await reviewer.press("❌ رد این فایل", message_id=files[0]["message_id"])
    await reviewer.wait_edit(files[0]["message_id"])
    await reviewer.press("ناخوانا", message_id=files[0]["message_id"])
    await reviewer.wait_edit(files[0]["message_id"])
    # the owner hears of the rejected file at once: why, and what to send instead (issue 20)
    assert await drain(world) == 1
    rejected = await owner.wait_text("نپذیرفت")
    assert "دلیل: ناخوانا" in rejected["text"] and "آنچه به‌جای آن لازم است:" in rejected["text"]
    await reviewer.press("↩️ بازگرداندن به مالک", message_id=files[-1]["message_id"])
    await reviewer.wait_text("بازگرداندن «")
    await reviewer.press("۱. مساحت مفید دفتر")
    await reviewer.wait_text("نظر خود را")
    await reviewer.send_text("مساحت با اجاره‌نامه نمی‌خواند؛ سند خوانا بفرستید.")
    screen = await reviewer.wait_text("بازگرداندن «")
    assert "مساحت با اجاره‌نامه نمی‌خواند" in screen["text"]
    await reviewer.press("📤 ارسال برای مالک")
    await reviewer.wait_text("تا کی")
    await reviewer.press("تا پایان مهلت خوداظهاری (۱۳ آبان ۱۴۰۴)")
    await reviewer.wait_text("برای اصلاح بازگردانده شد")
    assert await status_of(world, filed.declaration_id) == "returned"

    # 2. The owner hears of it through the outbox, fixes the area and its file, resubmits.
    assert await drain(world) == 1
    told = await owner.wait_text("برای اصلاح بازگردانده شد")
    assert "مساحت با اجاره‌نامه نمی‌خواند" in told["text"]
    assert "پذیرفته نشد: ناخوانا" in told["text"] and "۱۳ آبان ۱۴۰۴" in told["text"]
    await owner.press("📋 مرور و اصلاح")
    review_screen = await owner.wait_text("مرور خوداظهاری")
    assert "نظر منطقه: مساحت با اجاره‌نامه" in review_screen["text"]
    await owner.press("✏️ ۱")
    await owner.wait_text("مساحت مفید دفتر")
    await owner.send_text("۷۰")
    await owner.wait_text("سند مالکیت")
    await owner.send_photo(make_jpeg(color="white", width=80))
    await owner.wait_text("فایل دریافت شد")
    await owner.press("✅ تمام")
    await owner.wait_text("مرور خوداظهاری")
    await owner.press("📤 ارسال خوداظهاری")
    await owner.wait_text("ارسال می‌کنید")
    await owner.press("✅ بله، ارسال شود")
    await owner.wait_text("ثبت شد")
    assert await status_of(world, filed.declaration_id) == "submitted"

    # 3. The region adjusts the holder's years, records a committee decision, confirms.
    await reviewer.send_command("/review")
    await reviewer.wait_text("در انتظار بررسی: ۱")
    await reviewer.press("▶️ بررسی از قدیمی‌ترین (۱)")
    screen = await reviewer.wait_text("امتیاز موقت")
    assert "نسخهٔ ۲" in screen["text"] and "۷۰ متر مربع" in screen["text"]
    await reviewer.press("✏️ اصلاح مقدار")
    await reviewer.wait_text("کدام مورد")
    await reviewer.press("۴. سابقهٔ فعالیت دارندهٔ پروانه")
    await reviewer.wait_text("مقدار اعلام‌شده: ۱۲ سال")
    await reviewer.send_text("هشت")
    await reviewer.wait_text("عدد نیست")
    await reviewer.send_text("۸")
    await reviewer.wait_text("دلیل اصلاح")
    await reviewer.send_text("پروانه در ۱۳۹۶ صادر شده است.")
    screen = await reviewer.wait_text("امتیاز موقت")
    assert "پذیرفته: ۸ سال" in screen["text"]
    await reviewer.press("➖ امتیاز منفی")
    await reviewer.wait_text("موضوع رأی")
    await reviewer.press("دریافت وجوه مازاد بر هزینهٔ خدمات (−۱۰)")
    await reviewer.wait_text("تاریخ رأی")
    await reviewer.send_text("1404/09/01")
    await reviewer.wait_text("بعد از امروز")
    await reviewer.send_text("۱۴۰۴/۰۷/۲۰")
    await reviewer.wait_text("شمارهٔ رأی")
    await reviewer.send_text("۱۲۳/ک/۱۴۰۴")
    await reviewer.wait_text("توضیح کوتاه")
    await reviewer.press("بدون توضیح")
    await reviewer.wait_text("ثبت شد و به مالک")
    await reviewer.press("📋 صف بررسی")
    await reviewer.wait_text("در انتظار بررسی: ۱")
    await reviewer.press("▶️ بررسی از قدیمی‌ترین (۱)")
    screen = await reviewer.wait_text("امتیاز موقت")
    assert "کسر ۱۰ امتیاز" in screen["text"]
    await reviewer.press("✅ تأیید")
    await reviewer.wait_text("تأیید شود؟")
    await reviewer.press("✅ بله، تأیید و پروندهٔ بعدی")
    await reviewer.wait_text("پرونده‌ای در انتظار بررسی نیست")
    assert await status_of(world, filed.declaration_id) == "confirmed"
    assert await drain(world) == 2  # the decision, the confirmation
    confirmed = await owner.wait_text("را منطقه تأیید کرد")
    assert "اعلام‌شده ۱۲ سال، پذیرفته ۸ سال (پروانه در ۱۳۹۶ صادر شده است.)" in \
        confirmed["text"]
    assert "پذیرفته نشد" not in confirmed["text"]  # the rejected file was replaced since
    async with world.session() as session:
        assert await session.scalar(select(func.count()).select_from(NegativePoint)) == 1
        audited = (await session.execute(select(AuditLog.action, AuditLog.old, AuditLog.new,
                                                AuditLog.reason)
                                         .where(AuditLog.action == "answer.adjust"))).one()
        assert json.loads(audited.old) == {"holder_years": 12}
        assert json.loads(audited.new) == {"holder_years": 8}
        assert audited.reason == "پروانه در ۱۳۹۶ صادر شده است."

    # 4. HQ cannot publish while the review window is open; after it, HQ publishes, the owner
    #    is told, and publishing again sends nothing.
    assert world.period is not None
    hq = world.user(*HQ, "ستاد")
    await hq.send_command("/publish")
    early = await hq.wait_text("نتایج ششماههٔ نخست ۱۴۰۴")
    assert "تا پایان ۱۳ آبان ۱۴۰۴ باز است" in early["text"]
    assert "📢 اعلام نتایج به همهٔ دفاتر" not in await hq.buttons()
    await hq.press_callback(f"hq:py:{world.period.id}")
    assert "باز است" in (await hq.wait_callback_answer())["text"]
    assert await status_of(world, filed.declaration_id) == "confirmed"
    world.clock.set(world.period.review_closes_at + timedelta(minutes=5))
    await hq.send_command("/publish")
    await hq.wait_text("نتایج ششماههٔ نخست ۱۴۰۴")
    await hq.press("📢 اعلام نتایج به همهٔ دفاتر")
    await hq.wait_text("اعلام شود؟")
    await hq.press("✅ بله، نتایج اعلام شود")
    done = await hq.wait_text("اعلام شد")
    assert "۱ پیام" in done["text"]
    assert await status_of(world, filed.declaration_id) == "published"
    assert await drain(world) == 1
    result = await owner.wait_text("نتیجهٔ ارزیابی")
    compare_transcript("result_bale.txt", render_transcript([result]))
    async with world.session() as session:
        row = await session.get(Result, (world.period.id, sari))
        assert row is not None and row.source == "declared"
        breakdown = json.loads(row.breakdown_json)
        years = next(x for x in breakdown["lines"] if x["key"] == "holder_years")
        assert years["points"] == "8.00" and years["reason_args"]["value"] == 8
        area = next(x for x in breakdown["lines"] if x["key"] == "area")
        assert area["reason_args"]["value"] == 70
        [negative] = breakdown["negatives"]
        assert negative["key"] == "overcharging" and negative["points"] == "-10.00"

    await hq.send_command("/publish")
    again = await hq.wait_text("نتایج")
    assert "اعلام شده است و تغییر نمی‌کند" in again["text"]
    await hq.press_callback(f"hq:py:{world.period.id}")
    await hq.wait_text("اعلام شده است")
    assert await drain(world) == 0
    async with world.session() as session:
        results = await session.scalar(select(func.count()).select_from(Outbox).where(
            Outbox.kind == "result"))
        assert results == 1

    # «My results» shows the same any time after.
    await owner.send_command("/start")
    await owner.wait_text("وضعیت خوداظهاری")
    await owner.press("🏅 نتیجهٔ ارزیابی")
    again = await owner.wait_text("نتیجهٔ ارزیابی")
    assert again["text"] == result["text"]
    async with world.session() as session:
        assert (await session.get(Declaration, filed.declaration_id)).status == "published"
