"""The period's satisfaction score per office: the rubric's mapping of the counted ratings' mean,
the rubric's default below the minimum number of respondents, written where the ranking reads
it; the owner sees counts and the score, never who rated; rate limits refuse floods."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from demo.local import World
from storage import survey as sv
from storage.declarations import period_rubric
from storage.models import Account, ExternalScore, Office, Period
from storage.models import Result as ResultRow
from storage.ranking import rank_period
from storage.survey_scores import min_respondents, write_scores
from tests.survey.conftest import (
    BABOL,
    SARI,
    declare,
    link_owner,
    rate,
    seed_ratings,
    survey_office,
)


async def _rank_line(world: World, code: str) -> dict:
    """Rank the period (as `pishkhan rank` does, after writing the survey's scores) and return
    the office's satisfaction line."""
    assert world.period is not None
    async with world.session() as session:
        await write_scores(session, world.period.id)
        await rank_period(session, world.period.id, world.clock.now())
        await session.commit()
        breakdown = await session.scalar(
            select(ResultRow.breakdown_json).join(Office, Office.id == ResultRow.office_id)
            .where(ResultRow.period_id == world.period.id, Office.code == code))
    return next(line for line in json.loads(breakdown)["lines"]
                if line["key"] == "satisfaction")


async def test_the_score_follows_the_rubric_and_its_minimum(world: World) -> None:
    assert world.period is not None
    rubric = period_rubric(world.period)
    minimum = min_respondents(rubric)
    assert minimum == 10  # the sample rubric does not say yet: the survey's default
    now = world.clock.now()
    await declare(world, SARI)
    await declare(world, BABOL)
    await seed_ratings(world, SARI, [4] * (minimum - 1), start=now - timedelta(days=5),
                       step=timedelta(hours=7))

    # Nine respondents: too few, the rubric's default (50 of 100 → 7.5 of 15 points) applies,
    # and the reason says so (not "no survey").
    line = await _rank_line(world, SARI)
    assert (line["points"], line["reason_key"]) == ("7.50", "reason-satisfaction-few")
    assert line["reason_args"]["count"] == minimum - 1
    async with world.session() as session:
        office_id = await session.scalar(select(Office.id).where(Office.code == SARI))
        row = await session.get(ExternalScore, (world.period.id, office_id))
        assert row is not None and row.satisfaction_mean is None and row.respondents == 9

    # The tenth, through the bot: the mean 4.1 maps to 77.5 of 100, 11.63 of 15 points.
    citizen = world.user("telegram", 9001, "مینا", phone="09121112233")
    await rate(citizen, await survey_office(world, SARI), stars="😍 عالی")
    line = await _rank_line(world, SARI)
    assert (line["points"], line["reason_key"]) == ("11.63", "reason-satisfaction-mean")
    assert Decimal(str(line["reason_args"]["mean"])) == Decimal("4.1")
    # An office nobody rated keeps the default; writing again changes nothing.
    assert (await _rank_line(world, BABOL))["points"] == "7.50"
    async with world.session() as session:
        again = await write_scores(session, world.period.id)
        assert (again.offices, again.written, again.below_minimum) == (1, 0, 0)

    # The owner sees the counts, the mean and the points; never who rated.
    await link_owner(world, SARI, "bale", 5001)
    owner = world.user("bale", 5001, "زهرا")
    await owner.send_command("/survey")
    summary = await owner.wait_text("نظرسنجی مراجعان")
    text = summary["text"]
    assert "نظرهای شمرده‌شده: ۱۰ (میانگین ۴٫۱ از ۵)" in text
    assert "😍 ۱ · 🙂 ۹ · 😐 ۰ · 🙁 ۰ · 😠 ۰" in text
    assert "امتیاز رضایتمندی: ۱۱٫۶۳ از ۱۵" in text
    assert "مینا" not in text and "۲۲۳۳" not in text and "2233" not in text
    assert await owner.buttons() == ["🔗 پیوند نظرسنجی در بله", "🔗 پیوند نظرسنجی در تلگرام",
                                     "📄 برگهٔ نظرسنجی (PDF)"]

    # A published period is frozen: the survey writes nothing into it.
    async with world.session() as session:
        await session.execute(update(Period).where(Period.id == world.period.id)
                              .values(published_at=world.clock.now()))
        await session.commit()
        assert (await write_scores(session, world.period.id)).frozen


async def test_owner_of_an_office_with_few_ratings_is_told_the_default(world: World) -> None:
    await link_owner(world, BABOL, "telegram", 5002)
    owner = world.user("telegram", 5002, "علی")
    await owner.send_command("/survey")
    text = (await owner.wait_text("نظرسنجی مراجعان"))["text"]
    assert "هنوز نظری برای این دوره ثبت نشده است." in text
    assert "تا رسیدن به ۱۰ نظر، امتیاز پیش‌فرض (۷٫۵ از ۱۵) حساب می‌شود." in text

    # Three ratings: the count only; a mean of three could tell the owner who gave what.
    await seed_ratings(world, BABOL, [5, 1, 4], start=world.clock.now() - timedelta(days=1),
                       step=timedelta(hours=2))
    await owner.send_command("/survey")
    text = (await owner.wait_text("نظرسنجی مراجعان"))["text"]
    assert "نظرهای شمرده‌شده: ۳. میانگین و جزئیات از ۱۰ نظر به بعد" in text
    assert "میانگین ۳٫۳۳" not in text and "😍" not in text


async def test_rate_limits_per_office_and_per_account(world: World) -> None:
    assert world.period is not None
    now = world.clock.now()
    rules = sv.SurveyRules(office_per_hour=5, account_per_day=2)
    await seed_ratings(world, SARI, [3] * 5, start=now - timedelta(minutes=50),
                       step=timedelta(minutes=5))
    async with world.session() as session:
        account = Account(platform="bale", platform_user_id=9500, phone="+989120000001")
        session.add(account)
        await session.commit()
        account_id = account.id
        offices = {o.code: o for o in await sv.office_links(session)}
        await session.commit()

        async def rate_now(code: str, phone: str = "+989120000001") -> sv.RatingOutcome:
            outcome = await sv.rate(session, office=offices[code], period=world.period,
                                    account_id=account_id, platform="bale", phone=phone,
                                    service="other", stars=4, now=now, rules=rules)
            await session.commit()
            return outcome

        with pytest.raises(sv.SurveyRefusal) as busy:
            await rate_now(SARI)
        assert busy.value.key == "survey-busy"
        await session.rollback()
        await rate_now(BABOL)
        await rate_now("16598446")
        with pytest.raises(sv.SurveyRefusal) as many:
            await rate_now("71100001")
        assert many.value.key == "survey-too-many"
        await session.rollback()
        again = await rate_now(BABOL)  # replacing one of today's is not another office
        assert again.replaced and again.rating.replaced == 1
        # A day later both limits have passed.
        outcome = await sv.rate(session, office=offices["71100001"], period=world.period,
                                account_id=account_id, platform="bale",
                                phone="+989120000001", service="other", stars=4,
                                now=now + timedelta(days=1, minutes=1), rules=rules)
        assert not outcome.held and not outcome.replaced


async def test_ratings_go_to_the_newest_unpublished_period(world: World) -> None:
    assert world.period is not None
    async with world.session() as session:
        now = world.clock.now()
        assert (await sv.survey_period(session, now)).id == world.period.id
        await session.execute(update(Period).where(Period.id == world.period.id)
                              .values(published_at=now))
        await session.commit()
        assert await sv.survey_period(session, now) is None
    citizen = world.user("telegram", 9001, "مینا", phone="09121112233")
    await citizen.send_command("/start", f"s_{(await survey_office(world, SARI)).token}")
    await citizen.wait_text("نظرسنجی دفاتر اکنون فعال نیست")
