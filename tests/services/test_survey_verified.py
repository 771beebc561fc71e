"""A satisfaction rating counts only from a citizen who shared their own contact (the card's user
id is the sender's): a rating made with a card that does not say whose it is (someone else's
phone-book entry) is stored as unverified, never replaces a verified one, and is left out of
the score and of the fee reports."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from services import survey
from services.accounts import identify
from services.uow import UnitOfWork
from storage import survey_scores
from storage.models_survey import SurveyRating
from tests.survey.test_services import NOW, RULES, _rate, _world, citizen

VICTIM = "09121112233"


async def _rows(sessionmaker: Any) -> list[tuple[str, int, str, bool]]:
    async with sessionmaker() as session:
        return [(r.phone, r.stars, r.status, r.verified) for r in (await session.scalars(
            select(SurveyRating).order_by(SurveyRating.id))).all()]


async def _stranger_rates_with_a_card(sessionmaker: Any, token: str, user_id: int,
                                      stars: int, phone: str = VICTIM) -> Any:
    actor = await identify(UnitOfWork(sessionmaker), "bale", user_id)
    kept = await survey.keep_phone(UnitOfWork(sessionmaker), actor, contact_user_id=None,
                                   phone_number=phone)
    assert not kept.proven
    return await survey.rate(UnitOfWork(sessionmaker), actor, token=token, service_key="other",
                             stars=stars, phone=kept.phone, platform="bale", now=NOW,
                             rules=RULES)


async def test_a_phone_book_card_never_overwrites_the_owners_rating(sessionmaker: Any
                                                                     ) -> None:
    w = await _world(sessionmaker)
    victim = await citizen(sessionmaker, 9001, VICTIM)
    first = await _rate(sessionmaker, victim, w["sari"].token, stars=5)
    assert first.rating.status == "counted"
    outcome = await _stranger_rates_with_a_card(sessionmaker, w["sari"].token, 9002, stars=1)
    assert outcome.rating.status == "unverified" and not outcome.replaced
    assert await _rows(sessionmaker) == [("+989121112233", 5, "counted", True),
                                         ("+989121112233", 1, "unverified", False)]


async def test_unverified_ratings_are_left_out_of_the_score_and_the_fee_reports(
        sessionmaker: Any) -> None:
    w = await _world(sessionmaker)
    for n in range(3):
        outcome = await _stranger_rates_with_a_card(sessionmaker, w["sari"].token, 9100 + n,
                                                    stars=1, phone=f"0912000{n:04d}")
        await survey.set_fee(UnitOfWork(sessionmaker), await identify(
            UnitOfWork(sessionmaker), "bale", 9100 + n), outcome.rating.id, True)
    proven = await citizen(sessionmaker, 9200, "09123334455")
    await _rate(sessionmaker, proven, w["sari"].token, stars=4)
    async with sessionmaker() as session:
        period_id = (await _period(session))
        summary = await survey_scores.office_summary(session, period_id, w["sari"].id)
        fees = await survey_scores.fee_reports(session, period_id)
    assert (summary.respondents, summary.mean, summary.unverified) == (1, 4, 3)
    assert fees == []


async def test_a_second_unverified_card_replaces_only_the_unverified_rating(
        sessionmaker: Any) -> None:
    w = await _world(sessionmaker)
    await _stranger_rates_with_a_card(sessionmaker, w["sari"].token, 9301, stars=2)
    again = await _stranger_rates_with_a_card(sessionmaker, w["sari"].token, 9302, stars=3)
    assert again.replaced and again.rating.status == "unverified"
    victim = await citizen(sessionmaker, 9303, VICTIM)
    mine = await _rate(sessionmaker, victim, w["sari"].token, stars=5)
    assert not mine.replaced and mine.rating.status == "counted"
    assert sorted(await _rows(sessionmaker)) == [("+989121112233", 3, "unverified", False),
                                                 ("+989121112233", 5, "counted", True)]


async def _period(session: Any) -> int:
    from storage.models import Period

    return int(await session.scalar(select(Period.id)))
