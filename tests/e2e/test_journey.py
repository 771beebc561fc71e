"""The owner's whole journey through the sandbox, on both platforms: link, declare every rubric
item with evidence, review, submit. Asserts what the owner saw and what the database holds."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

from demo.local import World
from scoring.rubric import load_sample_rubric
from storage.models import Answer, Declaration, Evidence
from tests.e2e.conftest import compare_transcript, make_jpeg, make_pdf, render_transcript

OWNER_PHONE = "+989382413657"  # holder of office 16598444 (urban, region 4) in the demo registry


RUBRIC = load_sample_rubric()
STAFF = RUBRIC.indicator("staff")
INSURED, DISABLED = (f"⬜️ {f.title_fa}" for f in STAFF.staff_fields)


async def until_button(user, prefix: str, tries: int = 50) -> None:
    """Wait until a visible button starts with `prefix` (a keyboard redrawn in place)."""
    import asyncio

    for _ in range(tries):
        if any(b.startswith(prefix) for b in await user.buttons()):
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"no button starting with {prefix!r}: {await user.buttons()}")


async def declare_everything(user, jpeg: bytes, pdf: bytes) -> None:
    await user.send_command("/start")
    await user.wait_text("شمارهٔ همراه")
    await user.press("📱 ارسال شمارهٔ همراه من")
    await user.wait_text("مهلت خوداظهاری")
    await user.press("✍️ ادامهٔ خوداظهاری")
    await user.wait_text("مساحت مفید دفتر")
    await user.send_text("۸۵")
    await user.wait_text("سند مالکیت")
    await user.send_photo(jpeg)
    await user.wait_text("فایل دریافت شد")
    await user.send_document(pdf, "lease.pdf", "application/pdf")
    await user.wait_text("۲ فایل")
    await user.press("✅ تمام")
    await user.wait_text("کارکنان دفتر")
    await user.send_text("علی رضایی")
    await user.wait_text("علی رضایی")
    await user.press(INSURED)
    await until_button(user, "☑️")
    await user.send_text("مریم *کریمی_[۲] (ب)")  # markers a careless send would choke on
    await user.wait_text("کریمی")
    await user.press(DISABLED)
    await until_button(user, "☑️")
    await user.press("✅ فهرست کامل است")
    await user.wait_text(STAFF.evidence.prompt_fa[:20])
    await user.send_document(pdf, "insurance.pdf", "application/pdf")
    await user.wait_text("فایل دریافت شد")
    await user.press("✅ تمام")
    await user.wait_text("مکان استقرار دفتر")
    await user.press("بر خیابان اصلی")
    await user.wait_text("سابقهٔ فعالیت")
    await user.send_text("12")
    await user.wait_text("پروانهٔ فعالیت")
    await user.send_photo(jpeg)
    await user.wait_text("فایل دریافت شد")
    await user.press("✅ تمام")
    await user.wait_text("دسترسی بدون پله")
    await user.press("بله")
    await user.wait_text("امکانات")
    buttons = [b for b in await user.buttons() if b.startswith("⬜️")]
    await user.press(buttons[0])
    await until_button(user, "☑️")
    await user.press("✅ تمام")
    await user.wait_text("عکس")
    await user.send_photo(jpeg)
    await user.wait_text("فایل دریافت شد")
    await user.press("✅ تمام")
    await user.wait_text("مرور خوداظهاری")
    await user.press("📤 ارسال خوداظهاری")
    await user.wait_text("ارسال می‌کنید")
    await user.press("✅ بله، ارسال شود")
    await user.wait_text("ثبت شد")


@pytest.mark.parametrize("platform", ["bale", "telegram"])
async def test_link_declare_everything_and_submit(world: World, platform: str) -> None:
    jpeg, pdf = make_jpeg(), make_pdf()
    user = world.user(platform, 7001, "زهرا", phone=OWNER_PHONE)
    await declare_everything(user, jpeg, pdf)

    async with world.session() as session:
        declaration = await session.scalar(select(Declaration))
        assert declaration is not None
        assert (declaration.status, declaration.version) == ("submitted", 1)
        answers = {a.item_key: a.value_json for a in (await session.scalars(select(Answer)))}
        assert answers["area"] == "85" and answers["holder_years"] == "12"
        assert answers["location_urban"] == '"main_street"' and answers["step_free"] == "true"
        assert '"insured": true' in answers["staff"] and "*کریمی_[۲] (ب)" in answers["staff"]
        files = (await session.scalars(select(Evidence))).all()
    assert sorted(f.item_key for f in files) == ["area", "area", "facilities", "holder_years",
                                                 "staff"]
    store = world.app.services["evidence_store"]
    for file in files:
        expected = jpeg if file.mime == "image/jpeg" else pdf
        assert file.sha256 == hashlib.sha256(expected).hexdigest()
        assert store.get(file.sha256) == expected  # downloaded, bytes equal
    assert all(f.platform == platform for f in files)

    entries = await user.transcript()
    assert all(e.get("answered", True) for e in entries if e.get("kind") == "callback")
    compare_transcript(f"journey_{platform}.txt", render_transcript(entries))
