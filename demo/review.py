"""The second half of the demo: the region returns an item, the owner fixes it, the region
confirms, headquarters publishes and the owner receives the rank."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from sandbox.user import ScriptedUser


async def _press_starting(user: ScriptedUser, prefix: str) -> None:
    button = next(b for b in await user.buttons() if b.startswith(prefix))
    await user.press(button)


async def play(world: Any, cast: Any, scene: Callable[[str], None],
               drain: Callable[[Any], Awaitable[int]]) -> None:
    owner: ScriptedUser = cast.people["owner"][1]
    reviewer = cast.add("reviewer", "بازبین منطقهٔ شمال (تلگرام)", cast.people["liaison"][1])
    cast.printed["reviewer"] = cast.printed["liaison"]
    hq = cast.add("hq", "ستاد (تلگرام)", world.user("telegram", 3001, "ستاد"))

    scene("۵. منطقه یک مورد را برای اصلاح برمی‌گرداند")
    await reviewer.send_command("/review")
    await reviewer.wait_text("در انتظار بررسی")
    await _press_starting(reviewer, "▶️ بررسی از قدیمی‌ترین")
    await reviewer.wait_text("امتیاز موقت")
    await reviewer.press("↩️ بازگرداندن به مالک")
    await reviewer.wait_text("بازگرداندن «")
    await _press_starting(reviewer, "۴. ")
    await reviewer.wait_text("نظر خود را")
    await reviewer.send_text("سابقه را مطابق تاریخ صدور پروانه بنویسید.")
    await reviewer.wait_text("بازگرداندن «")
    await reviewer.press("📤 ارسال برای مالک")
    await reviewer.wait_text("تا کی")
    await _press_starting(reviewer, "تا پایان مهلت خوداظهاری")
    await reviewer.wait_text("برای اصلاح بازگردانده شد")
    await drain(world)
    await owner.wait_text("برای اصلاح بازگردانده شد")
    await cast.show("reviewer")
    await cast.show("owner")

    scene("۶. مالک مورد را اصلاح می‌کند و دوباره می‌فرستد")
    await owner.press("📋 مرور و اصلاح")
    await owner.wait_text("مرور خوداظهاری")
    await owner.press("✏️ ۴")
    await owner.wait_text("سابقهٔ فعالیت")
    await owner.send_text("۱۰")
    await owner.wait_text("حداکثر")
    await owner.press("✅ تمام")
    await owner.wait_text("مرور خوداظهاری")
    await owner.press("📤 ارسال خوداظهاری")
    await owner.wait_text("ارسال می‌کنید")
    await owner.press("✅ بله، ارسال شود")
    await owner.wait_text("ثبت شد")
    await cast.show("owner")

    scene("۷. منطقه تأیید می‌کند")
    await reviewer.send_command("/review")
    await reviewer.wait_text("در انتظار بررسی")
    await _press_starting(reviewer, "▶️ بررسی از قدیمی‌ترین")
    await reviewer.wait_text("امتیاز موقت")
    await reviewer.press("✅ تأیید")
    await reviewer.wait_text("تأیید شود؟")
    await reviewer.press("✅ بله، تأیید و پروندهٔ بعدی")
    await reviewer.wait_text("پرونده‌ای در انتظار بررسی نیست")
    await drain(world)
    await owner.wait_text("تأیید کرد")
    await cast.show("reviewer")
    await cast.show("owner")

    scene("۸. پس از پایان مهلت بررسی، ستاد نتایج را اعلام می‌کند")
    world.clock.set(world.period.review_closes_at + timedelta(minutes=5))
    await hq.send_command("/publish")
    await hq.wait_text("نتایج")
    await hq.press("📢 اعلام نتایج به همهٔ دفاتر")
    await hq.wait_text("اعلام شود؟")
    await hq.press("✅ بله، نتایج اعلام شود")
    await hq.wait_text("اعلام شد")
    await drain(world)
    await owner.wait_text("نتیجهٔ ارزیابی")
    await cast.show("hq")
    await cast.show("owner")
