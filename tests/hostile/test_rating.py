"""Hostile ratings: who may not rate an office (its owner, by account or by the holder's number,
staff) and numbers that are not the rater's own. Each: the input, the answer, nothing counted."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from services import survey
from services.accounts import identify
from services.errors import ServiceError
from services.uow import UnitOfWork
from storage.models_survey import SurveyRating
from tests.survey.test_services import NOW, RULES, _world, citizen, owner

SARI, SARI_HOLDER = "16598444", "+989382413657"


async def _counted(sessionmaker: Any) -> int:
    async with sessionmaker() as session:
        return len((await session.scalars(select(SurveyRating).where(
            SurveyRating.status == "counted"))).all())


async def _as_owner(sessionmaker: Any) -> tuple[Any, str]:
    actor = await owner(sessionmaker, 9801, SARI)
    return actor, "+989120001111"


async def _as_holder_number(sessionmaker: Any) -> tuple[Any, str]:
    return await citizen(sessionmaker, 9802, "09382413657"), SARI_HOLDER


async def _as_holder_card(sessionmaker: Any) -> tuple[Any, str]:
    return await identify(UnitOfWork(sessionmaker), "bale", 9803), SARI_HOLDER


async def _as_reviewer(sessionmaker: Any) -> tuple[Any, str]:
    from services.staff import add_staff

    await add_staff(UnitOfWork(sessionmaker), platform="telegram", user_id=9804,
                    role="reviewer", region=4)
    actor = await citizen(sessionmaker, 9804, "09120002222")
    return actor, "+989120002222"


WHO = {"owner-account": (_as_owner, "survey-own-office"),
       "holder-number-proven": (_as_holder_number, "survey-own-office"),
       "holder-number-on-a-card": (_as_holder_card, "survey-own-office"),
       "reviewer": (_as_reviewer, "survey-staff")}


@pytest.mark.parametrize("who", list(WHO))
@pytest.mark.parametrize("step", ["begin", "rate"])
async def test_who_may_not_rate_is_refused_and_nothing_counts(sessionmaker: Any, who: str,
                                                              step: str) -> None:
    w = await _world(sessionmaker)
    make, expected = WHO[who]
    actor, phone = await make(sessionmaker)
    with pytest.raises(ServiceError) as refused:
        if step == "begin":
            await survey.begin(UnitOfWork(sessionmaker), actor, w["sari"].token, phone, NOW)
        else:
            await survey.rate(UnitOfWork(sessionmaker), actor, token=w["sari"].token,
                              service_key="other", stars=5, phone=phone, platform="bale",
                              now=NOW, rules=RULES)
    assert refused.value.code == expected
    assert await _counted(sessionmaker) == 0


@pytest.mark.parametrize(("token", "service", "stars", "code"), [
    ("nope", "other", 5, "survey-stale"),
    (None, "other", 0, "survey-stale"),
    (None, "other", 6, "survey-stale"),
    (None, "../../etc", 5, "survey-stale"),
    (None, "other" * 40, 5, "survey-stale"),
])
async def test_forged_rating_buttons_are_stale(sessionmaker: Any, token: str | None,
                                               service: str, stars: int, code: str) -> None:
    w = await _world(sessionmaker)
    actor = await citizen(sessionmaker, 9810, "09120003333")
    with pytest.raises(ServiceError) as refused:
        await survey.rate(UnitOfWork(sessionmaker), actor, token=token or w["sari"].token,
                          service_key=service, stars=stars, phone=actor.phone,
                          platform="telegram", now=NOW, rules=RULES)
    assert refused.value.code == code
    assert await _counted(sessionmaker) == 0
