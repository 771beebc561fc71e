"""The other ways through: a one-time code, several offices, last period's answers, a closed
window, a discrepancy report."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from demo.local import World, open_period
from scoring.calendar import format_jalali_date
from services.linking import issue_code
from storage.models import (
    AccountOffice,
    Answer,
    Declaration,
    Discrepancy,
    Evidence,
    LinkAttempt,
    Office,
)
from tests.e2e.conftest import album_sent, make_jpeg


async def test_a_one_time_code_links_and_wrong_codes_are_limited(world: World) -> None:
    code = (await issue_code(world.uow(), "71100002", world.clock.now())).code
    user = world.user("bale", 601, "حسن")
    for attempt in range(5):
        await user.send_command("/start", f"WRONG{attempt:03d}")
        assert "درست نیست" in (await user.wait_message())["text"]
    await user.send_command("/start", code)  # right, but five wrong ones: 15 minutes' wait
    assert "۱۵ دقیقهٔ دیگر" in (await user.wait_message())["text"]
    world.clock.advance(timedelta(minutes=15))
    await user.send_text(code.lower())  # typed by hand, in lower case
    assert "متصل شد" in (await user.wait_text("متصل شد"))["text"]
    other = world.user("telegram", 602, "دیگری")
    await other.send_command("/start", code)
    assert "استفاده کرده است" in (await other.wait_message())["text"]
    async with world.session() as session:
        assert await session.scalar(select(func.count()).select_from(AccountOffice)) == 1
        assert await session.scalar(select(func.count()).select_from(LinkAttempt)) == 6


async def test_a_holder_of_several_offices_picks_and_switches(world: World) -> None:
    user = world.user("telegram", 603, "علی", phone="+989121110001")  # offices 16598445/6
    await user.share_contact()
    await user.wait_text("۲ دفتر")
    await user.press("آمل، کد ۱۶۵۹۸۴۴۶")
    menu = await user.wait_text("مهلت خوداظهاری")
    assert "آمل" in menu["text"]
    await user.press("🔁 تغییر دفتر")
    await user.wait_text("کدام دفتر")
    await user.press("بابل، کد ۱۶۵۹۸۴۴۵")
    assert "بابل" in (await user.wait_text("مهلت خوداظهاری"))["text"]


async def _confirmed_last_period(world: World) -> None:
    """The office's H2 1403 declaration, confirmed: what this period starts from."""
    now = world.clock.now()
    previous = await open_period(world.app, "1403-H2", now - timedelta(days=200),
                                 now - timedelta(days=170))
    answers = {"area": 90, "staff": [{"name": "رضا", "insured": True, "disabled": False}],
               "location_urban": "side_street", "holder_years": 7, "step_free": False,
               "facilities": []}
    async with world.session() as session:
        office = await session.scalar(select(Office).where(Office.code == "16598444"))
        declaration = Declaration(office_id=office.id, period_id=previous.id,
                                  status="confirmed", version=1)
        session.add(declaration)
        await session.flush()
        for key, value in answers.items():
            session.add(Answer(declaration_id=declaration.id, item_key=key,
                               value_json=json.dumps(value, ensure_ascii=False)))
        for key in ("area", "staff", "holder_years"):
            session.add(Evidence(declaration_id=declaration.id, item_key=key, sha256="ab" * 32,
                                 size=10, mime="application/pdf", platform="bale",
                                 file_id="old-file"))
        await session.commit()


async def test_last_periods_answers_with_no_change_for_everything(world: World) -> None:
    await _confirmed_last_period(world)
    user = world.user("bale", 604, "زهرا", phone="+989382413657")
    await user.share_contact()
    await user.wait_text("مهلت خوداظهاری")
    await user.press("✍️ ادامهٔ خوداظهاری")
    await user.wait_text("دورهٔ قبل آماده است")
    question = await user.wait_text("مساحت مفید دفتر")
    assert "پاسخ دورهٔ قبل: ۹۰ متر مربع" in question["text"]
    await user.press("بدون تغییر برای همهٔ موارد")
    await user.wait_text("مانند دورهٔ قبل ثبت شد")
    review = await user.wait_text("مرور خوداظهاری")
    assert "۹۰ متر مربع" in review["text"] and "بر خیابان فرعی" in review["text"]
    await user.press("📤 ارسال خوداظهاری")
    await user.wait_text("ارسال می‌کنید")
    await user.press("✅ بله، ارسال شود")
    await user.wait_text("ثبت شد")
    async with world.session() as session:
        current = await session.scalar(select(Declaration).where(
            Declaration.period_id == world.period.id))
        assert current.status == "submitted"
        copied = await session.scalar(select(func.count()).select_from(Evidence).where(
            Evidence.declaration_id == current.id))
        assert copied == 3


async def test_after_the_close_edits_are_refused_with_the_date(world: World) -> None:
    user = world.user("telegram", 605, "زهرا", phone="+989382413657")
    await user.share_contact()
    await user.wait_text("مهلت خوداظهاری")
    await user.press("✍️ ادامهٔ خوداظهاری")
    await user.wait_text("مساحت مفید دفتر")
    world.clock.set(world.period.closes_at + timedelta(minutes=1))
    await user.send_text("85")
    refusal = await user.wait_message()
    last_day = format_jalali_date(world.period.closes_at - timedelta(seconds=1))
    assert "به پایان رسیده" in refusal["text"] and last_day in refusal["text"]
    async with world.session() as session:
        assert await session.scalar(select(func.count()).select_from(Answer)) == 0


async def test_a_discrepancy_report_is_saved_with_its_photo(world: World) -> None:
    user = world.user("bale", 606, "زهرا", phone="+989382413657")
    await user.share_contact()
    await user.wait_text("مهلت خوداظهاری")
    await user.press("⚠️ گزارش مغایرت")
    await user.wait_text("اطلاعات پایهٔ دفتر")
    await user.press("نشانی")
    await user.wait_text("نشانی")
    await user.send_sticker()
    assert "متن" in (await user.wait_message())["text"]
    await user.send_text("نشانی درست: ساری، خیابان فرهنگ، پلاک ۱۲")
    await user.wait_text("ثبت شد")
    await user.send_photo(make_jpeg())
    await user.wait_text("برای منطقه فرستاده شد")
    async with world.session() as session:
        report = await session.scalar(select(Discrepancy))
        assert (report.field, report.status) == ("address", "open")
        assert "فرهنگ" in report.text and report.evidence_sha256
    await user.press("🏠 منوی اصلی")
    await user.wait_text("مهلت خوداظهاری")
    await user.press("⚠️ گزارش مغایرت")
    assert "در انتظار بررسی منطقه" in (await user.wait_text("گزارش"))["text"]


async def test_editing_after_submit_takes_it_back_to_draft_until_resubmitted(
        world: World) -> None:
    await _confirmed_last_period(world)
    user = world.user("telegram", 607, "زهرا", phone="+989382413657")
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
    menu = await user.wait_text("مهلت خوداظهاری")
    assert "ارسال‌شده" in menu["text"]
    await user.press("📋 مرور و ارسال")
    await user.wait_text("مرور خوداظهاری")
    await user.press("✏️ ۱")
    await user.wait_text("دوباره باز می‌کند")  # asked first (issue 20)
    await user.press("✏️ بله، ویرایش می‌کنم")
    await user.wait_text("پاسخ فعلی: ۹۰ متر مربع")
    await user.send_text("۹۵")
    await user.wait_text("ذخیره شد")
    async with world.session() as session:
        declaration = await session.scalar(select(Declaration).where(
            Declaration.period_id == world.period.id))
        assert (declaration.status, declaration.version) == ("draft", 1)
    await user.press("✅ تمام")  # the area's files: the copied one is still there
    review = await user.wait_text("مرور خوداظهاری")
    assert "۹۵ متر مربع" in review["text"]
    await user.press("📤 ارسال خوداظهاری")
    await user.wait_text("ارسال می‌کنید")
    await user.press("✅ بله، ارسال شود")
    await user.wait_text("ثبت شد")
    async with world.session() as session:
        declaration = await session.get(Declaration, declaration.id, populate_existing=True)
        assert (declaration.status, declaration.version) == ("submitted", 2)


async def test_an_album_of_evidence_is_stored_file_by_file(world: World) -> None:
    user = world.user("bale", 608, "زهرا", phone="+989382413657")
    await user.share_contact()
    await user.wait_text("مهلت خوداظهاری")
    await user.press("✍️ ادامهٔ خوداظهاری")
    await user.wait_text("مساحت مفید دفتر")
    await user.send_text("85")
    await user.wait_text("حداکثر")
    await user.send_album([make_jpeg(color=c) for c in ("red", "green", "blue")])
    await album_sent(world, 3)
    await user.wait_text("۳ فایل")
    async with world.session() as session:
        hashes = (await session.scalars(select(Evidence.sha256))).all()
    assert len(set(hashes)) == 3
    await user.press("📎 فایل‌ها (۳)")
    await user.wait_text("فایل‌های")
    await user.press("🗑 حذف ۲")
    await user.wait_text("حذف شد")
    async with world.session() as session:
        left = await session.scalar(select(func.count()).select_from(Evidence).where(
            Evidence.removed_at.is_(None)))
    assert left == 2


async def test_a_reminders_button_resumes_the_office_it_names(world: World) -> None:
    user = world.user("bale", 609, "علی", phone="+989121110001")  # offices 16598445 and 6
    await user.share_contact()
    await user.wait_text("کدام دفتر")
    async with world.session() as session:
        amol = await session.scalar(select(Office.id).where(Office.code == "16598446"))
        shiraz = await session.scalar(select(Office.id).where(Office.code == "71100001"))
    await user.press_callback(f"w:resume:{shiraz}")  # not theirs: refused, nothing changes
    assert "متصل نیست" in (await user.wait_callback_answer())["text"]
    await user.press_callback(f"w:resume:{amol}")
    await user.wait_text("پرسش ۱")
    async with world.session() as session:
        declaration = await session.scalar(select(Declaration))
    assert declaration.office_id == amol
