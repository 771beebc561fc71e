"""The review window, per period: equal to the owners' window (H1 1404) or after it (H2 1401).
Actions outside it are refused with the dates; a grace period lets a returned declaration be
fixed after the owners' window and reviewed after it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from demo.local import SAMPLE_RUBRIC, World, local_world
from scoring.calendar import format_jalali_date
from scoring.rubric import load_rubric
from services.periods import create_period
from services.results import publish
from storage.records import PeriodRecord
from storage.results import ResultsError
from tests.review.conftest import (
    ASSOCIATION_FARS,
    BABOL,
    FIXED_NOW,
    REVIEWER_4,
    SARI,
    file_declaration,
    link_owner,
    make_staff,
    status_of,
)

TICK = timedelta(microseconds=1)


@pytest.fixture
async def later_world(tmp_path: Path) -> World:
    """H2 1401 style: owners until five days from now, regions and associations for the
    fifteen days after that."""
    async with local_world(tmp_path, now=FIXED_NOW, period_days=None) as world:
        now = world.clock.now()
        text = SAMPLE_RUBRIC.read_text(encoding="utf-8")
        world.period = await create_period(
            world.uow(), code="1401-H2", opens_at=now - timedelta(days=20),
            closes_at=now + timedelta(days=5), review_opens_at=now + timedelta(days=5),
            review_closes_at=now + timedelta(days=20), rubric_code=load_rubric(text).code,
            rubric_text=text)
        yield world


def _dates(period: PeriodRecord) -> tuple[str, str]:
    return (format_jalali_date(period.review_opens_at),
            format_jalali_date(period.review_closes_at - TICK))


async def test_review_after_the_owners_window(later_world: World) -> None:
    world = later_world
    assert world.period is not None
    filed = await file_declaration(world, SARI)
    await link_owner(world, SARI, "bale", 5001)
    await make_staff(world, REVIEWER_4, "reviewer", region=4)
    await make_staff(world, ASSOCIATION_FARS, "association", province="فارس")
    reviewer = world.user(*REVIEWER_4, "بازبین")
    opens, closes = _dates(world.period)

    # Before the regions' window: the queue can be read, nothing can be done.
    await reviewer.send_command("/review")
    queue = await reviewer.wait_text("در انتظار بررسی: ۱")
    assert "هنوز آغاز نشده" in queue["text"] and opens in queue["text"]
    await reviewer.press("▶️ بررسی از قدیمی‌ترین (۱)")
    await reviewer.wait_text("امتیاز موقت")
    await reviewer.press("✅ تأیید")
    refusal = await reviewer.wait_callback_answer()
    assert refusal["show_alert"] and "هنوز آغاز نشده" in refusal["text"]
    assert opens in refusal["text"] and closes in refusal["text"]
    association = world.user(*ASSOCIATION_FARS, "انجمن")
    await association.send_command("/scores")
    await association.wait_text("امتیاز انجمن صنفی")
    await association.press("✍️ ثبت امتیاز دفتر")
    assert "هنوز آغاز نشده" in (await association.wait_callback_answer())["text"]

    # In the regions' window the owners' window is closed: a return needs extra days.
    world.clock.set(world.period.closes_at + timedelta(hours=2))
    await reviewer.press_callback(f"rv:ri:{filed.declaration_id}:0")
    await reviewer.wait_text("نظر خود را")
    await reviewer.send_sticker()
    assert "به‌صورت متن" in (await reviewer.wait_message())["text"]
    await reviewer.send_text("سند اجاره را کامل بفرستید.")
    await reviewer.wait_text("بازگرداندن «")
    await reviewer.press("📤 ارسال برای مالک")
    grace = await reviewer.wait_text("تا کی")
    buttons = [b["text"] for row in grace["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == ["۳ روز مهلت اضافه", "۷ روز مهلت اضافه", "انصراف"]
    await reviewer.press_callback(f"rv:rg:{filed.declaration_id}:0")  # forged: no grace
    assert "مهلت اضافه تعیین کنید" in (await reviewer.wait_callback_answer())["text"]
    await reviewer.press("۳ روز مهلت اضافه")
    returned = await reviewer.wait_text("برای اصلاح بازگردانده شد")
    assert await status_of(world, filed.declaration_id) == "returned"

    # The owner fixes within the grace, after the owners' window, and resubmits.
    owner = world.user("bale", 5001, "زهرا")
    await owner.send_command("/start")
    await owner.wait_text("وضعیت خوداظهاری")
    await owner.press_callback("menu:review")
    await owner.wait_text("مرور خوداظهاری")
    await owner.press("📤 ارسال خوداظهاری")
    await owner.wait_text("ارسال می‌کنید")
    await owner.press("✅ بله، ارسال شود")
    await owner.wait_text("ثبت شد")
    assert await status_of(world, filed.declaration_id) == "submitted"
    assert returned["text"]

    # Inside the regions' window the resubmitted declaration is confirmed.
    await reviewer.press_callback(f"rv:cy:{filed.declaration_id}")
    await reviewer.wait_text("تأیید شد")
    assert await status_of(world, filed.declaration_id) == "confirmed"

    # After the regions' window: refused, with the dates.
    world.clock.set(world.period.review_closes_at + timedelta(hours=1))
    await reviewer.press_callback("rv:ng")
    refusal = await reviewer.wait_callback_answer()
    assert "بسته است" in refusal["text"] and opens in refusal["text"] and closes in \
        refusal["text"]


async def test_equal_windows_close_together_but_a_grace_period_stretches_one(
        world: World) -> None:
    assert world.period is not None
    late = await file_declaration(world, SARI)
    other = await file_declaration(world, BABOL)
    await link_owner(world, SARI, "bale", 5001)
    await make_staff(world, REVIEWER_4, "reviewer", region=4)
    reviewer = world.user(*REVIEWER_4, "بازبین")
    await reviewer.send_command("/review")
    await reviewer.wait_text("در انتظار بررسی: ۲")

    # On the last day the region returns one declaration with seven extra days.
    world.clock.set(world.period.closes_at - timedelta(hours=2))
    await reviewer.press_callback(f"rv:ri:{late.declaration_id}:0")
    await reviewer.wait_text("نظر خود را")
    await reviewer.send_text("سند خوانا نیست.")
    await reviewer.wait_text("بازگرداندن «")
    await reviewer.press_callback(f"rv:rg:{late.declaration_id}:7")
    await reviewer.wait_text("برای اصلاح بازگردانده شد")

    # Both windows close together: the other declaration can no longer be touched…
    world.clock.set(world.period.closes_at + timedelta(days=1))
    await reviewer.press_callback(f"rv:cy:{other.declaration_id}")
    refusal = await reviewer.wait_callback_answer()
    opens, closes = _dates(world.period)
    assert "بسته است" in refusal["text"] and opens in refusal["text"] and closes in \
        refusal["text"]
    await reviewer.press_callback("rv:ng")
    assert "بسته است" in (await reviewer.wait_callback_answer())["text"]
    assert await status_of(world, other.declaration_id) == "submitted"

    # HQ cannot publish while a returned declaration may still be fixed and reviewed.
    with pytest.raises(ResultsError) as refused:
        await publish(world.uow(), None, world.period.id, world.clock.now())
    assert refused.value.key == "hq-grace-open"

    # …while the returned one is fixed in its grace and reviewed.
    owner = world.user("bale", 5001, "زهرا")
    await owner.send_command("/start")
    await owner.wait_text("وضعیت خوداظهاری")
    await owner.press_callback("menu:review")
    await owner.wait_text("مرور خوداظهاری")
    await owner.press("📤 ارسال خوداظهاری")
    await owner.wait_text("ارسال می‌کنید")
    await owner.press("✅ بله، ارسال شود")
    await owner.wait_text("ثبت شد")
    await reviewer.press_callback(f"rv:cy:{late.declaration_id}")
    await reviewer.wait_text("تأیید شد")
    assert await status_of(world, late.declaration_id) == "confirmed"
