"""Bursts: many top ratings in a short time, or many new accounts, are held out of the score
and flagged for the region, whose reviewer counts them or sets them aside in the bot."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from demo.local import World
from storage.models import Outbox
from storage.survey_scores import SurveySummary, office_summary, write_scores
from tests.survey.conftest import (
    SARI,
    make_staff,
    rate,
    ratings,
    seed_ratings,
    survey_office,
)
from texts.notices import render as render_notice


async def _summary(world: World, office_id: int) -> SurveySummary:
    assert world.period is not None
    async with world.session() as session:
        return await office_summary(session, world.period.id, office_id)


async def _external(world: World, office_id: int) -> tuple[Decimal | None, int | None]:
    from storage.models import ExternalScore

    assert world.period is not None
    async with world.session() as session:
        summary = await write_scores(session, world.period.id)
        await session.commit()
        assert summary.offices >= 1
        row = await session.get(ExternalScore, (world.period.id, office_id))
        assert row is not None
        mean = None if row.satisfaction_mean is None else Decimal(row.satisfaction_mean)
        return mean, row.respondents


async def test_a_burst_of_top_ratings_is_held_until_the_region_clears_it(world: World) -> None:
    office = await survey_office(world, SARI)
    await make_staff(world, "telegram", 7004, "reviewer", region=4)
    now = world.clock.now()
    # Ten ordinary ratings over two days, then seven top ones in the last half hour.
    await seed_ratings(world, SARI, [4] * 10, start=now - timedelta(days=2),
                       step=timedelta(hours=4), prefix="0912555")
    await seed_ratings(world, SARI, [5] * 7, start=now - timedelta(minutes=30),
                       step=timedelta(minutes=3), prefix="0912666")
    assert (await _summary(world, office.id)).respondents == 17

    # The eighth top rating within the hour opens a flag: all eight are held.
    citizen = world.user("telegram", 9001, "مینا", phone="09121112233")
    await rate(citizen, office, stars="😍 عالی")  # the citizen sees nothing unusual
    rows = await ratings(world, SARI)
    held = [r for r in rows if r.status == "held"]
    assert len(held) == 8 and {r.stars for r in held} == {5}
    assert len({r.flag_id for r in held}) == 1
    summary = await _summary(world, office.id)
    assert (summary.respondents, summary.mean, summary.held) == (10, Decimal("4.00"), 8)
    assert await _external(world, office.id) == (Decimal("4.00"), 10)

    # The region's reviewer was told, in the same transaction as the flag.
    async with world.session() as session:
        notices = (await session.scalars(select(Outbox).where(
            Outbox.kind == "survey_flag"))).all()
    assert [n.chat_id for n in notices] == [7004]
    # Queued as data, put into words when sent: neither holds the citizens' numbers or names.
    raw = notices[0].payload_json
    text = render_notice(json.loads(raw), notices[0].platform)["text"]
    assert "۸ نظر در زمانی کوتاه رسید" in text and "۱۶۵۹۸۴۴۴" in text
    for shown in (raw, text):
        assert "09121112233" not in shown and "مینا" not in shown

    # While the burst goes on, whatever the office gets waits with it (a 3 here).
    second = world.user("bale", 9002, "رضا", phone="09121112244")
    await rate(second, office, stars="😐 متوسط", service="سایر خدمات")
    assert (await _summary(world, office.id)).held == 9

    # The reviewer sees the burst (counts only) and counts it.
    reviewer = world.user("telegram", 7004, "بازبین")
    await reviewer.send_command("/survey")
    await reviewer.wait_text("۱ مورد مشکوک در انتظار بررسی")
    line = await reviewer.wait_text("نگه داشته شده است")
    assert "«دفتر پیشخوان خدمات دولت ساری ۸۴۴۴» (کد \u2066۱۶۵۹۸۴۴۴\u2069): ۹ نظر" in line["text"]
    assert "امتیاز کامل فراوان در زمانی کوتاه" in line["text"]
    assert "0912" not in line["text"]
    await reviewer.press("✅ شمرده شود")
    await reviewer.wait_text("(۹) شمرده شد")
    summary = await _summary(world, office.id)
    assert (summary.respondents, summary.held) == (19, 0)
    assert summary.mean == Decimal("4.37")  # (10×4 + 8×5 + 3) / 19
    assert await _external(world, office.id) == (Decimal("4.37"), 19)
    await reviewer.press("✅ شمرده شود")  # the old button again: already decided
    assert (await reviewer.wait_callback_answer())["show_alert"]

    # A reviewer of another region never sees it, nor can decide it with a forged button.
    await make_staff(world, "bale", 7007, "reviewer", region=7)
    other = world.user("bale", 7007, "بازبین")
    await other.send_command("/survey")
    await other.wait_text("موردی در انتظار بررسی نیست")


async def test_a_burst_of_new_accounts_is_held_and_set_aside(world: World) -> None:
    office = await survey_office(world, SARI)
    await make_staff(world, "bale", 7104, "reviewer", region=4)
    now = world.clock.now()
    await seed_ratings(world, SARI, [4] * 3, start=now - timedelta(days=3),
                       step=timedelta(hours=5), prefix="0912555")
    # Eleven mixed ratings from freshly made accounts in the last forty minutes…
    await seed_ratings(world, SARI, [1, 2, 1, 1, 3, 2, 1, 1, 2, 1, 1],
                       start=now - timedelta(minutes=40), step=timedelta(minutes=3),
                       prefix="0912777", new_account=True)
    # …and a twelfth from a new account through the bot: a flag of new accounts.
    citizen = world.user("bale", 9003, "ناشناس", phone="09129998877")
    await rate(citizen, office, stars="😠 خیلی بد")
    rows = await ratings(world, SARI)
    assert sum(r.status == "held" for r in rows) == 12
    assert all(r.status == "counted" for r in rows if not r.new_account)

    reviewer = world.user("bale", 7104, "بازبین")
    await reviewer.send_command("/survey")
    line = await reviewer.wait_text("نگه داشته شده است")
    assert "نظرهای فراوان از حساب‌های تازه" in line["text"]
    await reviewer.press("🚫 کنار گذاشته شود")
    await reviewer.wait_text("کنار گذاشته شد و در امتیاز اثری ندارد")
    summary = await _summary(world, office.id)
    assert (summary.respondents, summary.held, summary.rejected) == (3, 0, 12)
    assert summary.mean == Decimal("4.00")
