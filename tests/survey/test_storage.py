"""The survey's storage on SQLite and PostgreSQL: ratings, replacement, bursts and their review,
scores written where the ranking reads them, fee reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from demo.local import DATA, SAMPLE_RUBRIC
from services import survey_admin
from services.periods import create_period
from services.registry import import_offices, import_regions
from services.staff import add_staff
from services.uow import UnitOfWork
from storage import survey as sv
from storage import survey_scores as scores
from storage.models import Account, ExternalScore, Outbox

NOW = datetime(2025, 10, 25, 8, 30, tzinfo=UTC)
RULES = sv.SurveyRules(burst_top=3, burst_new=50, office_per_hour=100)


async def _world(sessionmaker: Any) -> tuple[Any, dict[str, sv.SurveyOffice], list[int]]:
    from scoring.rubric import load_rubric

    uow = UnitOfWork(sessionmaker)
    await import_regions(uow, DATA / "demo_regions.csv")
    await import_offices(uow, DATA / "demo_offices.csv")
    text = SAMPLE_RUBRIC.read_text(encoding="utf-8")
    period = await create_period(
        uow, code="1404-H1", opens_at=NOW - timedelta(days=3),
        closes_at=NOW + timedelta(days=10), review_opens_at=NOW - timedelta(days=3),
        review_closes_at=NOW + timedelta(days=10), rubric_code=load_rubric(text).code,
        rubric_text=text)
    async with sessionmaker() as session:
        offices = {o.code: o for o in await sv.office_links(session)}
        accounts = []
        for n in range(6):
            account = Account(platform="telegram", platform_user_id=9000 + n,
                              phone=f"+98912000{n:04d}", created_at=NOW - timedelta(days=30))
            session.add(account)
            await session.flush()
            accounts.append(account.id)
        await session.commit()
    await add_staff(uow, platform="bale", user_id=7004, role="reviewer", region=4)
    return period, offices, accounts


async def test_ratings_bursts_and_scores(sessionmaker: Any) -> None:
    period, offices, accounts = await _world(sessionmaker)
    uow = UnitOfWork(sessionmaker)
    sari, babol = offices["16598444"], offices["16598445"]
    async with sessionmaker() as session:
        assert (await sv.survey_period(session, NOW)).id == period.id

        async def rate(n: int, stars: int, office: sv.SurveyOffice = sari,
                       at: datetime = NOW) -> sv.RatingOutcome:
            outcome = await sv.rate(session, office=office, period=period,
                                    account_id=accounts[n], platform="telegram",
                                    phone=f"+98912000{n:04d}", service="other", stars=stars,
                                    now=at, rules=RULES)
            await session.commit()
            return outcome

        first = await rate(0, 4, at=NOW - timedelta(hours=5))
        assert not first.replaced and not first.held
        again = await rate(0, 2, at=NOW - timedelta(hours=4))
        assert again.replaced and again.rating.id == first.rating.id
        assert await sv.set_fee(session, first.rating.id, accounts[0], True)
        assert not await sv.set_fee(session, first.rating.id, accounts[1], True)  # not theirs
        await session.commit()
        await rate(1, 5, office=babol)

        # Three top ratings within the hour: a burst, all three held; the region is told.
        assert not (await rate(1, 5, at=NOW - timedelta(minutes=20))).held
        assert not (await rate(2, 5, at=NOW - timedelta(minutes=10))).held
        burst = await rate(3, 5)
        assert burst.held and burst.new_flag
        during = await rate(4, 1, at=NOW + timedelta(minutes=5))
        assert during.held and during.flag_id == burst.flag_id and not during.new_flag

        summary = await scores.office_summary(session, period.id, sari.id)
        assert (summary.respondents, summary.held, summary.mean, summary.fee_reports) == (
            1, 4, Decimal("2.00"), 1)
        notices = (await session.scalars(select(Outbox.chat_id).where(
            Outbox.kind == "survey_flag"))).all()
        assert notices == [7004]

        [flag] = await scores.flags(session, regions={4})
        assert (flag.office_code, flag.reason, flag.ratings) == ("16598444", "top", 4)
        assert await scores.flags(session, regions={7}) == []
        decided = await survey_admin.decide(uow, None, flag.id, "clear", NOW)
        assert decided.status == "cleared"
        summary = await scores.office_summary(session, period.id, sari.id)
        assert (summary.respondents, summary.held, summary.mean) == (5, 0, Decimal("3.60"))

        # Below the minimum the mean is not written; the respondents are.
        written = await scores.write_scores(session, period.id)
        await session.commit()
        assert (written.offices, written.written, written.below_minimum) == (2, 2, 2)
        row = await session.get(ExternalScore, (period.id, sari.id))
        assert row is not None and row.satisfaction_mean is None and row.respondents == 5
        minimum = scores.SurveySummary(sari.id, 5, Decimal("3.60"), 0, 0, 0, (0, 1, 0, 0, 4), 5)
        assert minimum.enough and minimum.scored_mean == Decimal("3.60")

        reports = await scores.fee_reports(session, period.id)
        assert [(r.office_code, r.reports) for r in reports] == [("16598444", 1)]
        assert (await survey_admin.fees(uow, period.code, route=True)).queued == 1
        assert (await survey_admin.fees(uow, period.code, route=True)).queued == 0
