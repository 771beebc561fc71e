"""Migration 0009 on SQLite and PostgreSQL: existing ratings are verified when the rating's
account has that number as its own; the others stop counting in periods not yet published."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from demo.local import DATA, SAMPLE_RUBRIC
from services.periods import create_period
from services.registry import import_offices, import_regions
from services.uow import UnitOfWork
from storage.db import create_engine, create_sessionmaker, downgrade, upgrade
from tests.services.conftest import NOW


async def test_existing_ratings_are_sorted_into_verified_and_not(db_url: str) -> None:
    from scoring.rubric import load_rubric

    engine = create_engine(db_url)
    try:
        await upgrade(engine, "0007")
        make = create_sessionmaker(engine)
        await import_regions(UnitOfWork(make), DATA / "demo_regions.csv")
        await import_offices(UnitOfWork(make), DATA / "demo_offices.csv")
        rubric = SAMPLE_RUBRIC.read_text(encoding="utf-8")
        await create_period(UnitOfWork(make), code="1404-H1", opens_at=NOW - timedelta(days=3),
                            closes_at=NOW + timedelta(days=10),
                            review_opens_at=NOW - timedelta(days=3),
                            review_closes_at=NOW + timedelta(days=10),
                            rubric_code=load_rubric(rubric).code, rubric_text=rubric)
        async with engine.begin() as conn:
            await conn.execute(text(
                "INSERT INTO accounts (platform, platform_user_id, first_name, phone, locale, "
                "created_at) VALUES ('telegram', 1, 'a', '+989121112233', 'fa', :now), "
                "('bale', 2, 'b', NULL, 'fa', :now)"), {"now": NOW})
            for account, phone in ((1, "+989121112233"), (2, "+989125556677")):
                await conn.execute(text(
                    "INSERT INTO survey_ratings (period_id, office_id, phone, account_id, "
                    "platform, service, stars, new_account, status, replaced, rated_at, "
                    "created_at) VALUES (1, 1, :phone, :account, 'bale', 'other', 5, false, "
                    "'counted', 0, :now, :now)"), {"phone": phone, "account": account,
                                                   "now": NOW})
        await upgrade(engine)
        async with engine.connect() as conn:
            rows = (await conn.execute(text(
                "SELECT phone, verified, status FROM survey_ratings ORDER BY id"))).all()
        assert [(p, bool(v), s) for p, v, s in rows] == [
            ("+989121112233", True, "counted"), ("+989125556677", False, "unverified")]
        await downgrade(engine, "0007")
        await upgrade(engine)
    finally:
        await engine.dispose()
