"""The survey's use cases on SQLite and PostgreSQL: each refusal, who may, and what a person can do
twice (a double tap, two reviewers at once: together on PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from demo.local import DATA, SAMPLE_RUBRIC
from services import survey, survey_admin
from services.accounts import identify
from services.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError
from services.periods import create_period
from services.registry import import_offices, import_regions
from services.staff import add_staff
from services.uow import UnitOfWork
from storage.accounts import Actor
from storage.models import AccountOffice, AuditLog, Office, Outbox
from storage.models_survey import SurveyFlag, SurveyLink, SurveyRating
from storage.survey import SurveyRules
from tests.admin.conftest import count, twice

NOW = datetime(2025, 10, 25, 8, 30, tzinfo=UTC)
SARI, BABOL = "16598444", "16598445"  # region 4
RULES = SurveyRules(burst_top=3, burst_new=50, office_per_hour=100)


async def _world(sessionmaker: Any) -> dict[str, Any]:
    from scoring.rubric import load_rubric

    uow = UnitOfWork(sessionmaker)
    await import_regions(uow, DATA / "demo_regions.csv")
    await import_offices(uow, DATA / "demo_offices.csv")
    text = SAMPLE_RUBRIC.read_text(encoding="utf-8")
    await create_period(uow, code="1404-H1", opens_at=NOW - timedelta(days=3),
                        closes_at=NOW + timedelta(days=10),
                        review_opens_at=NOW - timedelta(days=3),
                        review_closes_at=NOW + timedelta(days=10),
                        rubric_code=load_rubric(text).code, rubric_text=text)
    sari = (await survey_admin.links(uow, office_code=SARI))[0]
    return {"uow": uow, "sari": sari}


async def citizen(sessionmaker: Any, user_id: int, phone: str) -> Actor:
    """An account whose own number is known (a contact card they shared)."""
    actor = await identify(UnitOfWork(sessionmaker), "telegram", user_id)
    kept = await survey.keep_phone(UnitOfWork(sessionmaker), actor, contact_user_id=user_id,
                                   phone_number=phone)
    return await identify(UnitOfWork(sessionmaker), "telegram", user_id) if kept else actor


async def owner(sessionmaker: Any, user_id: int, *codes: str) -> Actor:
    actor = await identify(UnitOfWork(sessionmaker), "bale", user_id)
    async with sessionmaker() as session:
        for code in codes:
            office_id = await session.scalar(select(Office.id).where(Office.code == code))
            session.add(AccountOffice(account_id=actor.account_id, office_id=office_id,
                                      via="code"))
        await session.commit()
    return await identify(UnitOfWork(sessionmaker), "bale", user_id)


def _rate(sessionmaker: Any, actor: Actor, token: str, stars: int = 4,
          service: str = "other", at: datetime = NOW, rules: SurveyRules = RULES) -> Any:
    return survey.rate(UnitOfWork(sessionmaker), actor, token=token, service_key=service,
                       stars=stars, phone=actor.phone, platform="telegram", now=at, rules=rules)


async def _code(call: Any) -> str:
    with pytest.raises(ServiceError) as refused:
        await call
    return refused.value.code


async def test_a_double_tap_on_the_faces_is_one_rating(sessionmaker: Any) -> None:
    world = await _world(sessionmaker)
    mina = await citizen(sessionmaker, 9001, "09121112233")
    outcomes = await twice(sessionmaker, lambda: _rate(sessionmaker, mina, world["sari"].token))
    assert not any(isinstance(o, ServiceError) for o in outcomes)
    assert {o.rating.id for o in outcomes} == {outcomes[0].rating.id}
    assert sorted(o.replaced for o in outcomes) == [False, True]
    [row] = (await _ratings(sessionmaker))
    assert (row.stars, row.replaced, row.phone) == (4, 1, "+989121112233")


async def _ratings(sessionmaker: Any) -> list[SurveyRating]:
    async with sessionmaker() as session:
        return list((await session.scalars(select(SurveyRating))).all())


async def test_each_refusal_of_a_citizen(sessionmaker: Any) -> None:
    world = await _world(sessionmaker)
    uow, token = world["uow"], world["sari"].token
    mina = await citizen(sessionmaker, 9001, "09121112233")
    stranger = await identify(UnitOfWork(sessionmaker), "telegram", 9002)
    assert await _code(survey.begin(uow, mina, "nosuchtoken", mina.phone, NOW)) == \
        "survey-bad-link"
    opened = await survey.begin(uow, stranger, token, None, NOW)
    assert opened.needs_phone and opened.office.code == SARI
    assert await _code(survey.keep_phone(uow, stranger, contact_user_id=4242,
                                         phone_number="09127778899")) == "survey-not-own-contact"
    assert await _code(survey.keep_phone(uow, stranger, contact_user_id=9002,
                                         phone_number="021-88776655")) == "survey-bad-number"
    unproven = await survey.keep_phone(uow, stranger, contact_user_id=None,
                                       phone_number="09125556677")
    assert unproven == survey.KeptPhone("+989125556677", proven=False)

    for bad in ({"stars": 9}, {"token": "wrongtoken"}, {"service": "no_such"}):
        args = {"stars": 4, "token": token, "service": "other", **bad}
        assert await _code(_rate(sessionmaker, mina, **args)) == "survey-stale"
    assert await _code(survey.rate(uow, stranger, token=token, service_key="other", stars=4,
                                   phone=None, platform="bale", now=NOW)) == "survey-ask-contact"
    holder = await citizen(sessionmaker, 9003, "09382413657")  # Sari's licence holder
    assert await _code(_rate(sessionmaker, holder, token)) == "survey-own-office"
    await add_staff(uow, platform="telegram", user_id=9004, role="hq")
    hq = await citizen(sessionmaker, 9004, "09121110099")
    assert await _code(_rate(sessionmaker, hq, token)) == "survey-staff"
    busy = SurveyRules(office_per_hour=1)
    await _rate(sessionmaker, mina, token, rules=busy)
    other = await citizen(sessionmaker, 9005, "09121110098")
    assert await _code(_rate(sessionmaker, other, token, rules=busy)) == "survey-busy"
    babol = (await survey_admin.links(uow, office_code=BABOL))[0]
    assert await _code(_rate(sessionmaker, mina, babol.token,
                             rules=SurveyRules(account_per_day=1))) == "survey-too-many"
    [rating] = await _ratings(sessionmaker)
    assert await _code(survey.set_fee(uow, other, rating.id, True)) == "survey-stale"
    assert await _code(survey.comment(uow, other, rating.id, "x")) == "survey-stale"
    assert await _code(survey.finish(uow, other, rating.id)) == "survey-stale"
    await survey.set_fee(uow, mina, rating.id, True)
    await survey.comment(uow, mina, rating.id, " صف   طولانی ")
    await survey.finish(uow, mina, rating.id)
    [rating] = await _ratings(sessionmaker)
    assert (rating.extra_fee, rating.comment) == (True, "صف طولانی")


async def test_the_survey_closes_with_the_last_period(sessionmaker: Any) -> None:
    world = await _world(sessionmaker)
    mina = await citizen(sessionmaker, 9001, "09121112233")
    async with sessionmaker() as session:
        from sqlalchemy import update

        from storage.models import Period

        await session.execute(update(Period).values(published_at=NOW))
        await session.commit()
    assert await _code(survey.begin(world["uow"], mina, world["sari"].token, mina.phone,
                                    NOW)) == "survey-closed"
    assert await _code(_rate(sessionmaker, mina, world["sari"].token)) == "survey-closed"


async def test_an_owner_double_tapping_their_first_poster_gets_one_link(sessionmaker: Any
                                                                       ) -> None:
    await _world(sessionmaker)
    zahra = await owner(sessionmaker, 1001, BABOL)  # Babol has no link yet
    posters = await twice(sessionmaker, lambda: survey.poster(UnitOfWork(sessionmaker), zahra))
    assert posters[0].token == posters[1].token
    summary = await survey.owner_summary(UnitOfWork(sessionmaker), zahra, NOW)
    assert summary.office.token == posters[0].token and summary.summary is not None
    assert (summary.summary.respondents, summary.max_points) == (0, 15)
    assert await count(sessionmaker, SurveyLink, SurveyLink.office_id == zahra.office_id) == 1
    nobody = await identify(UnitOfWork(sessionmaker), "bale", 1002)
    assert await _code(survey.owner_summary(UnitOfWork(sessionmaker), nobody, NOW)) == \
        "not-linked"
    two = await owner(sessionmaker, 1003, SARI, BABOL)
    assert await _code(survey.poster(UnitOfWork(sessionmaker), two)) == "pick-office-first"


async def _burst(sessionmaker: Any, token: str) -> int:
    for n in range(3):
        person = await citizen(sessionmaker, 9100 + n, f"0912000{n:04d}")
        await _rate(sessionmaker, person, token, stars=5, at=NOW + timedelta(minutes=n))
    async with sessionmaker() as session:
        flag_id = await session.scalar(select(SurveyFlag.id))
    assert flag_id is not None
    return flag_id


async def test_two_decisions_on_one_burst_are_one(sessionmaker: Any) -> None:
    world = await _world(sessionmaker)
    uow = world["uow"]
    await add_staff(uow, platform="telegram", user_id=7004, role="reviewer", region=4)
    await add_staff(uow, platform="telegram", user_id=7007, role="reviewer", region=7)
    north = await identify(UnitOfWork(sessionmaker), "telegram", 7004)
    south = await identify(UnitOfWork(sessionmaker), "telegram", 7007)
    flag_id = await _burst(sessionmaker, world["sari"].token)
    assert await count(sessionmaker, Outbox, Outbox.kind == "survey_flag") == 1

    mina = await citizen(sessionmaker, 9001, "09121112233")
    assert await _code(survey_admin.flags(uow, mina)) == "survey-reviewers-only"
    assert await survey_admin.flags(uow, south) == []
    assert [f.id for f in await survey_admin.flags(uow, north)] == [flag_id]
    assert await _code(survey_admin.decide(uow, south, flag_id, "clear", NOW)) == \
        "survey-no-flag"
    assert await _code(survey_admin.decide(uow, mina, flag_id, "clear", NOW)) == \
        "survey-reviewers-only"

    outcomes = await twice(sessionmaker, lambda: survey_admin.decide(
        UnitOfWork(sessionmaker), north, flag_id, "reject", NOW))
    lost = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(lost) == 1 and lost[0].code == "survey-flag-already"
    assert lost[0].params["status"] == "rejected"
    won = next(o for o in outcomes if not isinstance(o, Conflict))
    assert (won.status, won.ratings) == ("rejected", 3)
    assert {r.status for r in await _ratings(sessionmaker)} == {"rejected"}
    assert await count(sessionmaker, AuditLog, AuditLog.action == "survey.flag.reject") == 1


async def test_fee_reports_routed_twice_at_once_are_sent_once(sessionmaker: Any) -> None:
    world = await _world(sessionmaker)
    uow = world["uow"]
    await add_staff(uow, platform="telegram", user_id=7004, role="reviewer", region=4)
    mina = await citizen(sessionmaker, 9001, "09121112233")
    rated = await _rate(sessionmaker, mina, world["sari"].token)
    await survey.set_fee(uow, mina, rated.rating.id, True)
    runs = await twice(sessionmaker, lambda: survey_admin.fees(UnitOfWork(sessionmaker),
                                                               "1404-H1", route=True))
    assert sorted(run.queued for run in runs) == [0, 1]
    assert await count(sessionmaker, Outbox, Outbox.kind == "survey_fee") == 1
    assert await _code(survey_admin.fees(uow, "1499-H9")) == "admin-no-period"
    written = await twice(sessionmaker, lambda: survey_admin.scores_of(
        UnitOfWork(sessionmaker), "1404-H1"))
    assert sorted(run.written.written for run in written) == [0, 1]


async def test_links_rotation_and_services_are_headquarters_work(sessionmaker: Any,
                                                                 tmp_path: Any) -> None:
    world = await _world(sessionmaker)
    uow, sari = world["uow"], world["sari"]
    mina = await citizen(sessionmaker, 9001, "09121112233")
    for call in (survey_admin.links(uow, actor=mina), survey_admin.rotate(uow, SARI, NOW, mina),
                 survey_admin.scores_of(uow, "1404-H1", actor=mina),
                 survey_admin.import_services(uow, tmp_path / "x.csv", mina)):
        with pytest.raises(Forbidden):
            await call
    assert await _code(survey_admin.links(uow, office_code="99999999")) == "survey-no-office"
    assert await _code(survey_admin.rotate(uow, "99999999", NOW)) == "survey-no-office"
    rotated = await twice(sessionmaker, lambda: survey_admin.rotate(UnitOfWork(sessionmaker),
                                                                    SARI, NOW))
    active = await count(sessionmaker, SurveyLink, SurveyLink.office_id == sari.id,
                         SurveyLink.revoked_at.is_(None))
    assert active == 1 and sari.token not in {r.token for r in rotated}

    services = tmp_path / "services.csv"
    services.write_text("key,title_fa,title_en\nsana,ثبت‌نام ثنا,Sana\nother,سایر,Other\n",
                        encoding="utf-8")
    assert await twice(sessionmaker, lambda: survey_admin.import_services(
        UnitOfWork(sessionmaker), services)) == [2, 2]
    listed = await survey_admin.list_services(uow)
    assert [(s.key, s.title_fa) for s in listed] == [("sana", "ثبت‌نام ثنا"), ("other", "سایر")]
    for text, code in (("key,title_fa\nonly,یک\n", "survey-services-count"),
                       ("key,title_fa\nBad Key,x\nok,y\n", "survey-services-key"),
                       ("key,title_fa\nok,x\nok,y\n", "survey-services-twice"),
                       ("key,title_fa\nok,\nno,y\n", "survey-services-title")):
        services.write_text(text, encoding="utf-8")
        with pytest.raises(Invalid) as refused:
            await survey_admin.import_services(uow, services)
        assert refused.value.code == code
    with pytest.raises(NotFound):
        await survey_admin.decide(uow, None, 999, "clear", NOW)
