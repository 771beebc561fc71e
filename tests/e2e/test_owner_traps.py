"""Issue 20, the owner's traps, each through the sandbox on both platforms: an edit that keeps a
submission, a way back from every step, a clear answer to what a step does not take."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from demo.local import World
from storage.models import Declaration, Evidence
from tests.e2e.conftest import album_sent, make_jpeg
from tests.e2e.test_owner_paths import _confirmed_last_period

PLATFORMS = pytest.mark.parametrize("platform", ["bale", "telegram"])
PHONE = "+989382413657"


async def _submitted_with_no_change(world: World, user) -> None:
    await _confirmed_last_period(world)
    await user.share_contact()
    await user.wait_text("مهلت خوداظهاری")
    await user.press("✍️ ادامهٔ خوداظهاری")
    await user.wait_text("مساحت مفید دفتر")
    await user.press("بدون تغییر برای همهٔ موارد")
    await user.wait_text("مرور خوداظهاری")
    await user.press("📤 ارسال خوداظهاری")
    await user.wait_text("ارسال می‌کنید")
    await user.press("✅ بله، ارسال شود")
    await user.wait_text("ثبت شد")
    await user.press("🏠 منوی اصلی")
    await user.wait_text("مهلت خوداظهاری")


async def _status(world: World) -> tuple[str, int]:
    async with world.session() as session:
        declaration = await session.scalar(select(Declaration).where(
            Declaration.period_id == world.period.id))
        return declaration.status, declaration.version


@PLATFORMS
async def test_editing_a_submitted_declaration_asks_first_and_the_same_value_keeps_it(
        world: World, platform: str) -> None:
    user = world.user(platform, 7101, "زهرا", phone=PHONE)
    await _submitted_with_no_change(world, user)
    await user.press("📋 مرور و ارسال")
    await user.wait_text("مرور خوداظهاری")
    await user.press("✏️ ۱")
    warning = await user.wait_text("دوباره باز می‌کند")
    assert "دوباره آن را ارسال کنید" in warning["text"] and "۱۴۰۴" in warning["text"]
    assert await _status(world) == ("submitted", 1)  # asking changed nothing
    await user.press("✏️ بله، ویرایش می‌کنم")
    await user.wait_text("پاسخ فعلی: ۹۰ متر مربع")
    await user.send_text("۹۰")  # the same value
    await user.wait_text("ذخیره شد")
    assert await _status(world) == ("submitted", 1)
    await user.press("✅ تمام")
    await user.wait_text("مرور خوداظهاری")
    await user.press("✏️ ۱")
    await user.wait_text("دوباره باز می‌کند")
    await user.press("✏️ بله، ویرایش می‌کنم")
    await user.wait_text("پاسخ فعلی")
    await user.send_text("۹۵")  # a change: back to draft until sent again
    await user.wait_text("ذخیره شد")
    assert await _status(world) == ("draft", 1)
    await user.press("✅ تمام")
    review = await user.wait_text("مرور خوداظهاری")
    # the summary before submitting says what changed since the last period
    assert "تغییر نسبت به دورهٔ قبل (قبلاً: ۹۰ متر مربع)" in review["text"]
    assert "پیش از بررسی منطقهٔ شما" in review["text"]


@PLATFORMS
async def test_an_approved_declaration_offers_no_edit_only_a_discrepancy_report(
        world: World, platform: str) -> None:
    user = world.user(platform, 7102, "زهرا", phone=PHONE)
    await _submitted_with_no_change(world, user)
    async with world.session() as session:
        declaration = await session.scalar(select(Declaration).where(
            Declaration.period_id == world.period.id))
        declaration.status = "confirmed"
        await session.commit()
    await user.press("📋 مرور و ارسال")
    review = await user.wait_text("مرور خوداظهاری")
    assert "امتیاز موقت" not in review["text"] and "تأیید کرده است" in review["text"]
    buttons = await user.buttons()
    assert not [b for b in buttons if b.startswith("✏️")], buttons
    await user.press("⚠️ گزارش مغایرت به منطقه")
    await user.wait_text("اطلاعات پایهٔ دفتر")


@PLATFORMS
async def test_a_revisited_question_can_be_kept_and_files_have_a_way_back(
        world: World, platform: str) -> None:
    user = world.user(platform, 7103, "زهرا", phone=PHONE)
    await user.share_contact()
    await user.wait_text("مهلت خوداظهاری")
    await user.press("✍️ ادامهٔ خوداظهاری")
    await user.wait_text("مساحت مفید دفتر")
    await user.send_text("85")
    await user.wait_text("حداکثر")
    await user.send_sticker()  # a sticker at a file step: told it takes a photo or a PDF
    assert "فقط عکس یا فایل PDF" in (await user.wait_message())["text"]
    await user.press("⬅️ بازگشت به پرسش")  # back from the files to the question
    await user.wait_text("پاسخ فعلی: ۸۵ متر مربع")
    await user.press("✔️ همین پاسخ بماند، بعدی")  # keep it, on to its files
    await user.wait_text("حداکثر")
    for color in ("red", "green"):
        await user.send_photo(make_jpeg(color=color))
        await user.wait_text("فایل دریافت شد")
    await user.press("📎 فایل‌ها (۲)")
    await user.wait_text("فایل‌های")
    await user.press("🗑 حذف ۱")
    listed = await user.wait_text("حذف شد")
    assert "۱. عکس" in listed["text"] and "۲. عکس" not in listed["text"]  # the list refreshed
    assert "🗑 حذف ۲" not in await user.buttons()
    async with world.session() as session:
        left = await session.scalar(select(func.count()).select_from(Evidence).where(
            Evidence.removed_at.is_(None)))
    assert left == 1


@PLATFORMS
async def test_an_album_is_one_answer_acknowledged_once_with_its_files(
        world: World, platform: str) -> None:
    from tests.e2e.conftest import make_pdf

    user = world.user(platform, 7104, "زهرا", phone=PHONE)
    await user.share_contact()
    await user.wait_text("مهلت خوداظهاری")
    await user.press("✍️ ادامهٔ خوداظهاری")
    await user.wait_text("مساحت مفید دفتر")
    await user.send_text("85")
    await user.wait_text("حداکثر")
    await user.send_album([make_jpeg(color="red"), make_jpeg(color="green"),
                           {"type": "document", "data": make_pdf("deed"),
                            "filename": "deed.pdf", "mime_type": "application/pdf"}])
    await album_sent(world, 3)  # the outbox answers for the album once its parts stop
    ack = await user.wait_text("از یک آلبوم دریافت شد", timeout=10)
    assert "۳ فایل برای «مساحت مفید دفتر»" in ack["text"]
    assert "۱. عکس" in ack["text"] and "۳. deed.pdf" in ack["text"]
    await asyncio.sleep(2)  # no other acknowledgement follows, none per part
    said = [e.get("text") or "" for e in await user.transcript() if e["direction"] == "out"]
    assert sum("دریافت شد" in text for text in said) == 1, said
    async with world.session() as session:
        stored = await session.scalar(select(func.count()).select_from(Evidence))
    assert stored == 3


@PLATFORMS
async def test_the_action_counts_do_not_grow(world: World, platform: str) -> None:
    """A first declaration of the sample rubric, and «no change for all»: the owner's actions
    from the menu's «continue» to the submission (linking not counted)."""
    from tests.e2e.conftest import make_pdf
    from tests.e2e.test_journey import declare_everything

    def actions(entries: list[dict]) -> int:
        inbound = [e for e in entries if e["direction"] == "in"]
        linked = next(i for i, e in enumerate(inbound) if e.get("kind") == "contact")
        return len(inbound) - linked - 1

    first = world.user(platform, 7105, "زهرا", phone=PHONE)
    await declare_everything(first, make_jpeg(), make_pdf())
    # 24 before (the same script since the first commit); 23 now that the next staff member's
    # name is typed on the card (the card says so) instead of going back to the list first
    assert actions(await first.transcript()) == 23

    again = world.user(platform, 7106, "زهرا", phone=PHONE)
    async with world.session() as session:  # a fresh start for the same office
        for row in (await session.scalars(select(Declaration))).all():
            await session.delete(row)
        await session.commit()
    await _submitted_with_no_change(world, again)
    assert actions(await again.transcript()) == 4 + 1  # and the menu button at the end


@PLATFORMS
async def test_a_declaration_under_review_offers_no_edit_only_a_discrepancy_report(
        world: World, platform: str) -> None:
    """Once a reviewer of the region has opened a submission, the owner may not edit it (a
    button from before is refused, nothing changes) and is told it is under review."""
    from storage.models import Office
    from tests.review.conftest import make_staff

    user = world.user(platform, 7107, "زهرا", phone=PHONE)
    await _submitted_with_no_change(world, user)
    await user.press("📋 مرور و ارسال")
    await user.wait_text("در انتظار بررسی منطقه")
    assert [b for b in await user.buttons() if b.startswith("✏️")]  # not opened yet: editable
    async with world.session() as session:
        declaration = await session.scalar(select(Declaration).where(
            Declaration.period_id == world.period.id))
        region = (await session.get(Office, declaration.office_id)).region_code
    await make_staff(world, (platform, 7207), "reviewer", region=region)
    reviewer = world.user(platform, 7207, "بازبین")
    await reviewer.send_command("/review")
    await reviewer.wait_text("در انتظار بررسی: ۱")
    await reviewer.press("▶️ بررسی از قدیمی‌ترین (۱)")
    await reviewer.wait_text("امتیاز موقت")

    await user.press("✏️ ۱")  # the button shown before the reviewer opened it
    answer = await user.wait_callback_answer()
    assert "بررسی خوداظهاری شما را آغاز کرده" in (answer.get("text") or "")
    assert await _status(world) == ("submitted", 1)
    await user.send_command("/start")
    menu = await user.wait_text("مهلت خوداظهاری")
    assert "وضعیت خوداظهاری: در حال بررسی منطقه" in menu["text"]
    assert not [b for b in await user.buttons() if "ادامهٔ" in b or "ویرایش" in b]
    await user.press("📋 مرور و ارسال")
    review = await user.wait_text("مرور خوداظهاری")
    assert "وضعیت: در حال بررسی منطقه" in review["text"]
    buttons = await user.buttons()
    assert not [b for b in buttons if b.startswith("✏️")], buttons
    await user.press("⚠️ گزارش مغایرت به منطقه")
    await user.wait_text("اطلاعات پایهٔ دفتر")
    assert await _status(world) == ("submitted", 1)
