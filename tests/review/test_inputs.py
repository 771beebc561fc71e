"""Owners' discrepancy reports reach the region's queue; the reviewer corrects the base field
(audited) or answers, and the owner is told. An association sends its scores as a CSV or XLSX
file in the chat, validated like the registry import."""

from __future__ import annotations

import io
import json

from sqlalchemy import select

from demo.local import World
from scoring.text import to_persian_digits
from storage.models import AuditLog, Discrepancy, ExternalScore, Office
from tests.review.conftest import (
    ASSOCIATION_FARS,
    REVIEWER_4,
    SARI,
    drain,
    link_owner,
    make_jpeg,
    make_staff,
)


async def test_discrepancies_are_fixed_or_answered_and_the_owner_is_told(world: World
                                                                        ) -> None:
    await link_owner(world, SARI, "bale", 5001)
    await make_staff(world, REVIEWER_4, "reviewer", region=4)
    owner = world.user("bale", 5001, "زهرا")
    await owner.send_command("/start")
    await owner.wait_text("مهلت خوداظهاری")
    await owner.press("⚠️ گزارش مغایرت")
    await owner.wait_text("گزارش مغایرت در اطلاعات پایه")
    await owner.press("نام دفتر")
    await owner.wait_text("مقدار درست")
    await owner.send_text("نام درست: دفتر پیشخوان خدمات دولت ساری مرکزی")
    await owner.wait_text("ثبت شد")
    await owner.press("ارسال بدون مدرک")
    await owner.wait_text("برای منطقه فرستاده شد")
    await owner.press("🏠 منوی اصلی")
    await owner.wait_text("مهلت خوداظهاری")
    await owner.press("⚠️ گزارش مغایرت")
    await owner.wait_text("گزارش مغایرت در اطلاعات پایه")
    await owner.press("نوع دفتر")
    await owner.wait_text("مقدار درست")
    await owner.send_text("دفتر ما روستایی است")
    await owner.wait_text("ثبت شد")
    await owner.send_photo(make_jpeg(color="yellow"))
    await owner.wait_text("برای منطقه فرستاده شد")

    reviewer = world.user(*REVIEWER_4, "بازبین")
    await reviewer.send_command("/review")
    assert "گزارش مغایرت باز: ۲" in (await reviewer.wait_text("مغایرت"))["text"]
    await reviewer.press("⚠️ مغایرت‌ها (۲)")
    listing = await reviewer.wait_text("گزارش‌های مغایرت باز")
    assert "نام دفتر" in listing["text"] and "نوع دفتر" in listing["text"]
    async with world.session() as session:
        first, second = (await session.scalars(select(Discrepancy.id).order_by(
            Discrepancy.id))).all()
    await reviewer.press(f"#{to_persian_digits(first)}")
    detail = await reviewer.wait_text("گزارش مغایرت #")
    assert "مقدار فعلی: دفتر پیشخوان خدمات دولت ساری ۸۴۴۴" in detail["text"]
    await reviewer.press("✏️ اصلاح اطلاعات")
    await reviewer.wait_text("مقدار درست «نام دفتر»")
    await reviewer.send_voice()
    assert "به‌صورت متن" in (await reviewer.wait_message())["text"]
    await reviewer.send_text("دفتر پیشخوان خدمات دولت ساری مرکزی")
    await reviewer.wait_text("اصلاح شد")

    await reviewer.press("↩️ فهرست مغایرت‌ها")
    await reviewer.wait_text("گزارش‌های مغایرت باز")
    await reviewer.press(f"#{to_persian_digits(second)}")
    await reviewer.wait_text("نوع دفتر")
    await reviewer.press("📎 مدرک مالک")
    photo = await reviewer.wait_message()
    assert photo["kind"] == "photo" and f"#{to_persian_digits(second)}" in photo["caption"]
    await reviewer.press("💬 فقط پاسخ", message_id=photo["message_id"] - 1)
    await reviewer.wait_text("پاسخ خود را")
    await reviewer.send_text("نوع دفتر شما در پروانه شهری ثبت شده است.")
    await reviewer.wait_text("برای مالک فرستاده شد")
    await reviewer.press_callback(f"rv:df:{first}")  # already dealt with
    assert "رسیدگی کرده است" in (await reviewer.wait_callback_answer())["text"]

    assert await drain(world) == 2
    fixed = await owner.wait_text("اصلاح شد")
    assert "«دفتر پیشخوان خدمات دولت ساری مرکزی»" in fixed["text"]
    answered = await owner.wait_text("پاسخ منطقه")
    assert "در پروانه شهری ثبت شده است" in answered["text"]
    async with world.session() as session:
        office = await session.scalar(select(Office).where(Office.code == SARI))
        assert office.name == "دفتر پیشخوان خدمات دولت ساری مرکزی"
        assert office.office_type == "urban"
        statuses = (await session.scalars(select(Discrepancy.status).order_by(
            Discrepancy.id))).all()
        assert statuses == ["fixed", "answered"]
        audit = await session.scalar(select(AuditLog).where(AuditLog.action == "office.fix"))
        assert json.loads(audit.old) == {"name": "دفتر پیشخوان خدمات دولت ساری ۸۴۴۴"}
        assert audit.actor == f"telegram:{REVIEWER_4[1]}" and audit.reason == \
            f"discrepancy #{first}"


def _xlsx(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def test_an_association_sends_its_scores_as_a_file(world: World) -> None:
    await make_staff(world, ASSOCIATION_FARS, "association", province="فارس")
    association = world.user(*ASSOCIATION_FARS, "انجمن فارس")
    await association.send_command("/scores")
    await association.wait_text("امتیاز انجمن صنفی استان فارس")
    await association.press("📄 ارسال فایل امتیازها")
    await association.wait_text("CSV یا XLSX")
    await association.send_sticker()
    assert "CSV یا XLSX بفرستید" in (await association.wait_message())["text"]
    await association.send_document(b"office_code,score\n71100001,80\n", "scores.txt",
                                    "text/plain")
    assert "فقط فایل CSV یا XLSX" in (await association.wait_message())["text"]

    bad = "کد دفتر,امتیاز\n71100001,80\n16598444,70\n71100003,۱۵۰\n".encode()
    await association.send_document(bad, "scores.csv", "text/csv")
    report = await association.wait_text("نتیجهٔ بررسی فایل")
    assert "هیچ امتیازی ثبت نشد" in report["text"]
    assert "ردیف ۳" in report["text"] and "نه در استان شما" in report["text"]
    assert "خارج از بازه" in report["text"] and "province" not in report["text"]  # issue 21
    assert "ردیف ۴" in report["text"]
    async with world.session() as session:
        assert (await session.scalars(select(ExternalScore))).all() == []

    good = _xlsx([["کد دفتر", "امتیاز"], [71100001, 80], [71100003, 65.5]])
    await association.send_document(good, "scores.xlsx",
                                    "application/vnd.openxmlformats-officedocument."
                                    "spreadsheetml.sheet")
    report = await association.wait_text("نتیجهٔ بررسی فایل")
    assert "۲ امتیاز تازه" in report["text"] and "امتیازها ثبت شد" in report["text"]
    async with world.session() as session:
        scores = dict((await session.execute(select(Office.code, ExternalScore.association)
                                             .join(Office))).all())
        assert {k: float(v) for k, v in scores.items()} == {"71100001": 80.0,
                                                            "71100003": 65.5}
        audit = await session.scalar(select(AuditLog).where(
            AuditLog.action == "score.association.import"))
        assert audit.actor == f"telegram:{ASSOCIATION_FARS[1]}"
