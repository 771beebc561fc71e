"""A Bale citizen whose contact card carries no user id (as Bale sends a card shared by hand)
is told that the rating is stored as unverified and not counted (issue 19, item 1)."""

from __future__ import annotations

from demo.local import World
from tests.survey.conftest import SARI, ratings, survey_office

UNVERIFIED = "«تأییدنشده» ذخیره"


async def test_a_card_without_user_id_is_told_its_rating_is_unverified(world: World) -> None:
    office = await survey_office(world, SARI)
    citizen = world.user("bale", 9210, "سارا", phone="09125556678")
    await citizen.send_command("/start", f"s_{office.token}")
    await citizen.wait_text("شمارهٔ همراه خود را با دکمهٔ زیر بفرستید")
    await citizen.share_contact(omit_user_id=True)
    noted = await citizen.wait_text("فقط برای همین نظرسنجی")
    assert UNVERIFIED in noted["text"] and "شمرده نمی‌شود" in noted["text"]
    await citizen.wait_text("چه خدمتی گرفتید؟")
    await citizen.press("خدمات مالیاتی")
    await citizen.wait_text("چقدر راضی بودید؟")
    await citizen.press("😍 عالی")
    rated = await citizen.wait_text("ثبت شد: 😍 عالی.")
    assert UNVERIFIED in rated["text"]
    [row] = await ratings(world, SARI)
    assert row.status == "unverified"


async def test_the_buttons_own_card_is_not_called_unverified(world: World) -> None:
    office = await survey_office(world, SARI)
    citizen = world.user("bale", 9211, "مینا", phone="09125556679")
    await citizen.send_command("/start", f"s_{office.token}")
    await citizen.wait_text("شمارهٔ همراه خود را با دکمهٔ زیر بفرستید")
    await citizen.press("📱 ارسال شمارهٔ همراه من")
    await citizen.wait_text("شمارهٔ شما ثبت شد")
    await citizen.wait_text("چه خدمتی گرفتید؟")
    await citizen.press("خدمات مالیاتی")
    await citizen.wait_text("چقدر راضی بودید؟")
    await citizen.press("😍 عالی")
    rated = await citizen.wait_text("ثبت شد: 😍 عالی.")
    assert UNVERIFIED not in rated["text"]
    [row] = await ratings(world, SARI)
    assert row.status == "counted"
