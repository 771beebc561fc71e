"""A citizen rates an office from its poster's link, through the sandbox on both platforms:
the first rating, its replacement, and the people who may not rate."""

from __future__ import annotations

import time

from sqlalchemy import select

from demo.local import World
from storage.models import Account
from tests.survey.conftest import (
    BABOL,
    SARI,
    SARI_HOLDER,
    count_ratings,
    link_owner,
    make_staff,
    rate,
    ratings,
    survey_office,
)


async def test_a_rating_takes_six_taps_and_a_later_one_replaces_it(world: World) -> None:
    office = await survey_office(world, SARI)
    citizen = world.user("telegram", 9001, "مینا", phone="09121112233")

    started = time.monotonic()
    await citizen.send_command("/start", f"s_{office.token}")
    intro = await citizen.wait_text("نظرسنجی رضایت مراجعان")
    assert "«دفتر پیشخوان خدمات دولت ساری ۸۴۴۴»، ساری" in intro["text"]
    assert "بی‌نام" in intro["text"]
    await citizen.press("📱 ارسال شمارهٔ همراه من")
    await citizen.wait_text("شمارهٔ شما ثبت شد")
    await citizen.wait_text("چه خدمتی گرفتید؟")
    await citizen.press("کارت هوشمند ملی")
    await citizen.wait_text("چقدر راضی بودید؟")
    assert await citizen.buttons() == ["😍 عالی", "🙂 خوب", "😐 متوسط", "🙁 بد", "😠 خیلی بد"]
    await citizen.press("🙂 خوب")
    await citizen.wait_text("ثبت شد: 🙂 خوب.")
    await citizen.press("خیر")
    await citizen.wait_text("«پایان» را بزنید")
    await citizen.press("✅ پایان")
    await citizen.wait_text("سپاس از وقتی که گذاشتید")
    assert time.monotonic() - started < 15  # six taps, the machine's part of it

    [row] = await ratings(world, SARI)
    assert (row.phone, row.stars, row.service, row.extra_fee, row.status, row.replaced) == (
        "+989121112233", 4, "id_card", False, "counted", 0)
    assert row.platform == "telegram"
    async with world.session() as session:  # the number is kept: it is asked only once
        phone = await session.scalar(select(Account.phone).where(
            Account.platform == "telegram", Account.platform_user_id == 9001))
    assert phone == "+989121112233"

    # The same citizen comes back: no number asked, told the new rating replaces the old.
    await citizen.send_command("/start", f"s_{office.token}")
    again = await citizen.wait_text("چه خدمتی گرفتید؟")
    assert "پیش‌تر به این دفتر نظر داده‌اید (🙂 خوب)" in again["text"]
    await citizen.press("خدمات مالیاتی")
    await citizen.wait_text("چقدر راضی بودید؟")
    await citizen.press("😠 خیلی بد")
    await citizen.wait_text("تعرفهٔ رسمی")
    await citizen.press("بله")
    noted = await citizen.wait_text("«پایان» را بزنید")
    assert "بدون نام شما بررسی می‌شود" in noted["text"]
    await citizen.send_text("صف طولانی بود و  برای   فرم پول اضافه خواستند")
    await citizen.wait_text("سپاس از وقتی که گذاشتید")

    [row] = await ratings(world, SARI)
    assert (row.stars, row.service, row.extra_fee, row.replaced) == (1, "tax", True, 1)
    assert row.comment == "صف طولانی بود و برای فرم پول اضافه خواستند"

    # The same number on Bale (another account) is the same person: it replaces again.
    on_bale = world.user("bale", 9001, "مینا", phone="09121112233")
    await rate(on_bale, office, stars="😍 عالی", service="سایر خدمات")
    [row] = await ratings(world, SARI)
    assert (row.stars, row.platform, row.replaced, row.extra_fee, row.comment) == (
        5, "bale", 2, False, None)
    # …and another office is another rating.
    await rate(citizen, await survey_office(world, BABOL), first_time=False)
    assert await count_ratings(world) == 2


async def test_the_office_own_owner_and_its_holder_number_are_refused(world: World) -> None:
    office = await survey_office(world, SARI)
    await link_owner(world, SARI, "bale", 5001)
    owner = world.user("bale", 5001, "زهرا")
    await owner.send_command("/start", f"s_{office.token}")
    refusal = await owner.wait_text("نمی‌توانید به آن امتیاز دهید")
    assert not (refusal.get("reply_markup") or {}).get("inline_keyboard")

    # The holder on a second, unlinked account is refused once their number is known.
    second = world.user("telegram", 5099, "زهرا", phone=SARI_HOLDER)
    await second.send_command("/start", f"s_{office.token}")
    await second.wait_text("شمارهٔ همراه خود را با دکمهٔ زیر بفرستید")
    await second.press("📱 ارسال شمارهٔ همراه من")
    await second.wait_text("نمی‌توانید به آن امتیاز دهید")

    # A forged stars button from the owner changes nothing either.
    await owner.press_callback(f"sv:r:{office.token}:other:5")
    await owner.wait_text("نمی‌توانید به آن امتیاز دهید")
    # An owner of another office is a citizen here.
    babol_owner_account = await link_owner(world, BABOL, "telegram", 5003)
    assert babol_owner_account
    babol_owner = world.user("telegram", 5003, "علی")
    await rate(babol_owner, office, first_time=False)
    assert [r.account_id for r in await ratings(world, SARI)] == [babol_owner_account]


async def test_staff_bad_links_and_forged_buttons(world: World) -> None:
    office = await survey_office(world, SARI)
    await make_staff(world, "telegram", 7004, "reviewer", region=4)
    reviewer = world.user("telegram", 7004, "بازبین", phone="09121110099")
    await reviewer.send_command("/start", f"s_{office.token}")
    await reviewer.wait_text("کارکنان ستاد، مناطق، انجمن‌ها و کارشناسان")

    stranger = world.user("bale", 9100, "رضا", phone="09123334455")
    await stranger.send_command("/start", "s_notarealtoken1")
    await stranger.wait_text("این پیوند نظرسنجی معتبر نیست")
    await stranger.send_command("/start", "s_")
    await stranger.wait_text("این پیوند نظرسنجی معتبر نیست")

    # Someone else's card is not proof of the citizen's own number.
    await stranger.send_command("/start", f"s_{office.token}")
    await stranger.wait_text("شمارهٔ همراه خود را با دکمهٔ زیر بفرستید")
    await stranger.send_text("۰۹۱۲۳۳۳۴۴۵۵")
    await stranger.wait_text("ارسال شمارهٔ همراه من")
    await stranger.share_contact("09127778899", own=False, user_id=4242)
    await stranger.wait_text("متعلق به حساب شما نیست")
    await stranger.press("📱 ارسال شمارهٔ همراه من")
    await stranger.wait_text("چه خدمتی گرفتید؟")

    # A citizen's rating id in a forged fee button of someone else: refused, nothing changes.
    citizen = world.user("telegram", 9001, "مینا", phone="09121112233")
    await rate(citizen, office)
    [row] = await ratings(world, SARI)
    await stranger.press_callback(f"sv:f:{row.id}:y")
    assert "دیگر معتبر نیست" in (await stranger.wait_callback_answer())["text"]
    for forged in (f"sv:r:{office.token}:no_such:5", "sv:r:wrongtoken:other:5",
                   f"sv:r:{office.token}:other:9", f"sv:c:{row.id}"):
        await stranger.press_callback(forged)
        assert (await stranger.wait_callback_answer())["show_alert"], forged
    [row] = await ratings(world, SARI)
    assert row.extra_fee is False and row.stars == 4


async def test_a_linked_expert_is_refused_and_a_late_text_is_no_comment(world: World) -> None:
    from datetime import timedelta

    from storage.models import Expert

    office = await survey_office(world, SARI)
    async with world.session() as session:
        account = Account(platform="bale", platform_user_id=7300, phone="+989121110000")
        session.add(account)
        await session.flush()
        session.add(Expert(name="خانم ثقفی", phone="89662920", account_id=account.id))
        await session.commit()
    expert = world.user("bale", 7300, "ثقفی")
    await expert.send_command("/start", f"s_{office.token}")
    await expert.wait_text("کارکنان ستاد، مناطق، انجمن‌ها و کارشناسان")

    citizen = world.user("telegram", 9001, "مینا", phone="09121112233")
    await citizen.send_command("/start", f"s_{office.token}")
    await citizen.wait_text("شمارهٔ همراه خود را با دکمهٔ زیر بفرستید")
    await citizen.press("📱 ارسال شمارهٔ همراه من")
    await citizen.wait_text("چه خدمتی گرفتید؟")
    await citizen.press("سایر خدمات")
    await citizen.wait_text("چقدر راضی بودید؟")
    await citizen.press("😐 متوسط")
    await citizen.wait_text("تعرفهٔ رسمی")
    await citizen.press("پاسخ نمی‌دهم")
    await citizen.wait_text("«پایان» را بزنید")
    world.clock.advance(timedelta(minutes=16))
    await citizen.send_text("۸۵")  # an hour later, meant for something else
    reply = await citizen.wait_message()
    assert "سپاس از وقتی که گذاشتید" not in reply["text"]
    [row] = await ratings(world, SARI)
    assert (row.stars, row.extra_fee, row.comment) == (3, None, None)


async def test_a_card_that_does_not_say_whose_it_is_serves_this_survey_only(
        world: World) -> None:
    office = await survey_office(world, SARI)
    citizen = world.user("bale", 9200, "سارا", phone="09125556677")
    await citizen.send_command("/start", f"s_{office.token}")
    await citizen.wait_text("شمارهٔ همراه خود را با دکمهٔ زیر بفرستید")
    await citizen.share_contact(omit_user_id=True)  # Bale may leave out the user id
    await citizen.wait_text("چه خدمتی گرفتید؟")
    await citizen.press("خدمات مالیاتی")
    await citizen.wait_text("چقدر راضی بودید؟")
    await citizen.press("😍 عالی")
    await citizen.wait_text("ثبت شد: 😍 عالی.")
    [row] = await ratings(world, SARI)
    assert (row.phone, row.stars, row.platform) == ("+989125556677", 5, "bale")
    async with world.session() as session:  # not proven: not kept on the account
        phone = await session.scalar(select(Account.phone).where(
            Account.platform == "bale", Account.platform_user_id == 9200))
    assert phone is None


async def test_a_double_tap_on_the_faces_leaves_one_rating(world: World) -> None:
    import asyncio

    office = await survey_office(world, SARI)
    citizen = world.user("telegram", 9001, "مینا", phone="09121112233")
    await citizen.send_command("/start", f"s_{office.token}")
    await citizen.wait_text("شمارهٔ همراه خود را با دکمهٔ زیر بفرستید")
    await citizen.press("📱 ارسال شمارهٔ همراه من")
    await citizen.wait_text("چه خدمتی گرفتید؟")
    await citizen.press("سایر خدمات")
    await citizen.wait_text("چقدر راضی بودید؟")
    data = f"sv:r:{office.token}:other:4"
    await asyncio.gather(citizen.press_callback(data), citizen.press_callback(data))
    async def saved_twice() -> int:
        return sum("ثبت شد: 🙂 خوب." in (e.get("text") or "")
                   for e in await citizen.transcript())

    for _ in range(100):  # both taps answered
        if await saved_twice() == 2:
            break
        await asyncio.sleep(0.05)
    assert await saved_twice() == 2
    [row] = await ratings(world, SARI)  # one rating: the second tap replaced the first
    assert (row.stars, row.replaced) == (4, 1)
