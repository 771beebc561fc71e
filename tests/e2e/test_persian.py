"""Persian that reads right, and people with two roles, through the sandbox on both flavours:
the contact button after a refused card, phone numbers and codes set apart from the Persian
sentence around them (bidi isolates), Persian digits on buttons, names as registered, both
menus for an owner who is also staff, a neutral greeting for a staff member without a name."""

from __future__ import annotations

from pathlib import Path

import pytest

from demo.local import World
from services import registry
from services.staff import add_staff, import_experts
from tests.review.conftest import link_owner

PLATFORMS = ["bale", "telegram"]
OWNER_PHONE = "+989382413657"  # holder of office 16598444 (Sari)
CONTACT_BUTTON = "📱 ارسال شمارهٔ همراه من"
LRI, PDI = "\u2066", "\u2069"
LATIN_DIGITS = set("0123456789")


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_after_someone_elses_contact_the_button_is_offered_again(world: World,
                                                                        platform: str) -> None:
    user = world.user(platform, 8101, "زهرا", phone=OWNER_PHONE)
    await user.send_command("/start")
    await user.wait_text("شمارهٔ همراه")
    await user.share_contact("+989121234567", own=False, user_id=4242)
    refusal = await user.wait_text("متعلق به حساب شما نیست")
    assert refusal["reply_markup"]["keyboard"][0][0]["request_contact"] is True
    assert CONTACT_BUTTON in await user.buttons()
    await user.press(CONTACT_BUTTON)  # her own, with the button the refusal asks for
    linked = await user.wait_text("متصل شد")
    assert f"{LRI}۱۶۵۹۸۴۴۴{PDI}" in linked["text"]  # the code set apart, in Persian digits


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_a_phone_number_is_isolated_and_persian_in_a_persian_sentence(
        world: World, platform: str, tmp_path: Path) -> None:
    """No office for this number: the refusal lists the experts; each phone number keeps its
    order inside the right-to-left sentence (left alone «۰۲۱-۸۸۸۸» reads «۸۸۸۸-۰۲۱»)."""
    experts = tmp_path / "experts.csv"
    experts.write_text("name,phone,category,topic_fa,topic_en,hours\n"
                       "خانم احمدی,021-88887777,scoring,امتیاز,Scoring,8-14\n", encoding="utf-8")
    await import_experts(world.uow(), experts)
    user = world.user(platform, 8102, "رضا", phone="+989350000001")
    await user.share_contact()
    refusal = await user.wait_text("ثبت نشده است")
    assert f"خانم احمدی: {LRI}۰۲۱-۸۸۸۸۷۷۷۷{PDI}" in refusal["text"]
    assert not LATIN_DIGITS & set(refusal["text"])


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_office_buttons_are_short_with_persian_digits(world: World, platform: str) -> None:
    user = world.user(platform, 8103, "علی", phone="+989121110001")  # offices 16598445/6
    await user.share_contact()
    asked = await user.wait_text("کدام دفتر")
    assert "دفتر پیشخوان خدمات دولت آمل ۸۴۴۶" in asked["text"]  # the names in the message
    labels = [b["text"] for row in asked["reply_markup"]["inline_keyboard"] for b in row]
    assert all(len(label) <= 24 and not LATIN_DIGITS & set(label) for label in labels), labels
    await user.press("آمل، کد ۱۶۵۹۸۴۴۶")
    assert "آمل" in (await user.wait_text("مهلت خوداظهاری"))["text"]


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_a_question_about_which_office_has_the_same_short_persian_buttons(
        world: World, platform: str) -> None:
    user = world.user(platform, 8105, "علی", phone="+989121110001")  # offices 16598445/6
    await user.share_contact()
    await user.wait_text("کدام دفتر")  # linked to both, none chosen yet
    await user.send_command("/contact")
    await user.wait_text("کارشناسان ستاد")
    await user.press("پرسش تازه")
    asked = await user.wait_text("پرسش دربارهٔ کدام دفتر است")
    assert "دفتر پیشخوان خدمات دولت آمل ۸۴۴۶" in asked["text"]
    labels = [b["text"] for row in asked["reply_markup"]["inline_keyboard"] for b in row]
    assert all(len(label) <= 24 and not LATIN_DIGITS & set(label) for label in labels), labels
    await user.press("بابل، کد ۱۶۵۹۸۴۴۵")
    await user.wait_text("موضوع پرسش")


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_an_owner_who_is_also_staff_sees_both_menus(world: World, platform: str) -> None:
    await link_owner(world, "16598444", platform, 8104)
    await add_staff(world.uow(), platform=platform, user_id=8104, role="reviewer", region=4)
    user = world.user(platform, 8104, "زهرا")
    await user.send_command("/start")
    tasks, menu = await user.wait_messages(2)
    assert "/review" in tasks["text"]
    assert "مهلت خوداظهاری" in menu["text"]
    assert "✍️ ادامهٔ خوداظهاری" in await user.buttons()


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_a_staff_member_without_a_name_gets_a_neutral_greeting(world: World,
                                                                      platform: str) -> None:
    await add_staff(world.uow(), platform=platform, user_id=8105, role="hq")  # no --name
    user = world.user(platform, 8105, "")
    await user.send_command("/start")
    greeting = (await user.wait_message())["text"]
    assert greeting.startswith("خوش آمدید. کارهای شما:"), greeting
    assert "عزیز" not in greeting
    await user.press_callback("menu:main")  # the menu button of any message: their tasks again
    assert "/publish" in (await user.wait_message())["text"]


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_a_name_is_shown_as_registered_with_its_non_joiner(world: World, platform: str,
                                                                 tmp_path: Path) -> None:
    offices = tmp_path / "offices.csv"
    offices.write_text(
        "office_code,office_name,office_type,region_code,province,city,holder_name,"
        "holder_phone\n49513824,دفتر پیشخوان خدمات دولت خمینی\u200cشهر 3824,urban,9,"
        "اصفهان,خمینی\u200cشهر,نسرین حسینی,09013410396\n", encoding="utf-8")
    await registry.import_offices(world.uow(), offices)
    user = world.user(platform, 8106, "نسرین", phone="+989013410396")
    await user.share_contact()
    linked = await user.wait_text("متصل شد")
    assert "«دفتر پیشخوان خدمات دولت خمینی\u200cشهر ۳۸۲۴»" in linked["text"]


def test_reports_show_names_in_persian_digits_and_keep_codes() -> None:
    """Issue 20 item 6: a Persian report (the announcement's and the offices' XLSX rows, the
    charts' labels) shows the registry's ASCII digits in names as Persian digits; the code,
    which a reader types or looks up, keeps its digits; English keeps ASCII."""
    from types import SimpleNamespace

    from documents.announcement import office_rows
    from documents.reports import table_rows
    from scoring.stats import ParticipationRow, ParticipationTable

    line = SimpleNamespace(code="16598444", name="دفتر پیشخوان خدمات دولت ساری 8444",
                           region_fa="منطقه 4", region_en="Region 4", office_type="urban",
                           source="declared", indicators={}, negatives=0, association=0,
                           satisfaction=0, total=56, rank=2)
    _, [row] = office_rows(SimpleNamespace(columns=(), lines=(line,)), "fa")
    assert row[:3] == ["16598444", "دفتر پیشخوان خدمات دولت ساری ۸۴۴۴", "منطقه ۴"]
    _, [row] = office_rows(SimpleNamespace(columns=(), lines=(line,)), "en")
    assert row[1:3] == ["دفتر پیشخوان خدمات دولت ساری 8444", "Region 4"]
    from decimal import Decimal

    table = ParticipationTable(
        "region", (ParticipationRow("4", "منطقه 4", "Region 4", 10, 5, Decimal(50)),),
        ParticipationRow("total", "", "", 10, 5, Decimal(50)))
    _, rows = table_rows(table, "fa")
    assert rows[0][0] == "منطقه ۴" and rows[0][1:3] == [10, 5]  # counts stay numbers
