"""Undo with a reason (issue 21, item 2): headquarters reopens a confirmed declaration,
withdraws a negative point and undoes an association score; each needs a reason, is audited
and tells the owner; after publishing, a correction makes a new version of the office's result
and says what changed. Of two identical corrections at once, one is done. SQLite and
PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from demo.local import DATA, load_registry, open_period
from scoring.sources import SOURCES
from services import corrections
from services.errors import Conflict, Forbidden, Invalid, ServiceError
from services.results import publish
from services.statistics import announcement, office_results
from services.uow import UnitOfWork
from storage.models import (
    Account,
    AccountOffice,
    AuditLog,
    Declaration,
    ExternalScore,
    NegativePoint,
    Office,
    Outbox,
    Result,
)
from tests.admin.conftest import person, twice
from tests.integration.test_cli import env  # noqa: F401  (the fixture)
from texts.i18n import Translator

NOW = datetime(2025, 11, 20, 8, 30, tzinfo=UTC)
DAY = timedelta(days=1)


async def _world(sessionmaker: Any) -> dict[str, Any]:
    app = SimpleNamespace(sessionmaker=sessionmaker)
    await load_registry(app, DATA / "demo_regions.csv", DATA / "demo_offices.csv")
    period = await open_period(app, "1404-H1", NOW - 40 * DAY, NOW - 10 * DAY)
    async with sessionmaker() as session:
        office = (await session.scalars(select(Office).order_by(Office.id).limit(1))).one()
        account = Account(platform="bale", platform_user_id=8100, locale="fa")
        session.add(account)
        await session.flush()
        session.add(AccountOffice(account_id=account.id, office_id=office.id, via="code"))
        session.add(Declaration(office_id=office.id, period_id=period.id, status="confirmed",
                                version=1, confirmed_at=NOW - 12 * DAY))
        negative = NegativePoint(period_id=period.id, office_id=office.id,
                                 item_key="overcharging", decided_on="1404/07/20",
                                 reference="ک-۱۲")
        session.add(negative)
        session.add(ExternalScore(period_id=period.id, office_id=office.id,
                                  association=Decimal(90)))
        await session.commit()
        return {"period": period, "office": office.code, "office_id": office.id,
                "account": account.id, "negative": negative.id}


async def _notices(sessionmaker: Any, account_id: int) -> list[dict[str, Any]]:
    async with sessionmaker() as session:
        rows = (await session.scalars(select(Outbox).where(Outbox.account_id == account_id)
                                      .order_by(Outbox.id))).all()
    return [json.loads(r.payload_json) for r in rows]


async def _audit(sessionmaker: Any, action: str) -> list[AuditLog]:
    async with sessionmaker() as session:
        return list((await session.scalars(select(AuditLog).where(AuditLog.action == action)
                                           )).all())


async def test_reopening_a_confirmed_declaration(sessionmaker: Any) -> None:
    w = await _world(sessionmaker)
    hq = await person(sessionmaker, 950, hq=True)
    with pytest.raises(Invalid) as no_reason:
        await corrections.reopen_declaration(UnitOfWork(sessionmaker), w["office"], "1404-H1",
                                             reason="  ", actor=hq)
    assert no_reason.value.code == "admin-reason-required"
    with pytest.raises(Forbidden):
        await corrections.reopen_declaration(UnitOfWork(sessionmaker), w["office"], "1404-H1",
                                             reason="x", actor=await person(sessionmaker, 951))
    outcomes = await twice(sessionmaker, lambda: corrections.reopen_declaration(
        UnitOfWork(sessionmaker), w["office"], "1404-H1", reason="مدرک اشتباه", actor=hq))
    refused = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(refused) == 1 and refused[0].code == "correct-reopened-by"  # who won, and when
    assert refused[0].params["by"] == "ستاد"
    said = Translator("fa")(refused[0].code, **refused[0].params)
    assert "ستاد" in said and "بازگشایی" in said and "ساعت" in said
    async with sessionmaker() as session:
        status = await session.scalar(select(Declaration.status))
    assert status == "submitted"
    [row] = await _audit(sessionmaker, "declaration.reopen")
    assert row.reason == "مدرک اشتباه" and row.old == "confirmed" and row.actor == "telegram:950"
    [notice] = await _notices(sessionmaker, w["account"])
    text = Translator("fa")(notice["notice"], **notice["args"])
    assert "بررسی دوباره" in text and "مدرک اشتباه" in text


async def test_withdrawing_a_negative_point_once(sessionmaker: Any) -> None:
    w = await _world(sessionmaker)
    outcomes = await twice(sessionmaker, lambda: corrections.withdraw_negative(
        UnitOfWork(sessionmaker), w["negative"], reason="رأی نقض شد", now=NOW))
    refused = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(refused) == 1 and refused[0].code == "correct-no-negative"
    done = next(o for o in outcomes if not isinstance(o, ServiceError))
    assert done.told == 1 and done.result is None  # not published: no result version
    async with sessionmaker() as session:
        assert await session.scalar(select(NegativePoint.id)) is None
    [row] = await _audit(sessionmaker, "negative.withdraw")
    assert row.reason == "رأی نقض شد" and json.loads(row.old)["reference"] == "ک-۱۲"
    [notice] = await _notices(sessionmaker, w["account"])
    assert notice["notice"] == "correct-negative-notice"


async def test_after_publishing_a_correction_is_a_new_version_of_the_result(
        sessionmaker: Any) -> None:
    w = await _world(sessionmaker)
    await publish(UnitOfWork(sessionmaker), None, w["period"].id, NOW)
    async with sessionmaker() as session:
        first = await session.get(Result, (w["period"].id, w["office_id"]))
        assert first is not None and first.version == 1
        before = Decimal(first.total)
    published = len(await _notices(sessionmaker, w["account"]))

    done = await corrections.withdraw_negative(UnitOfWork(sessionmaker), w["negative"],
                                               reason="رأی نقض شد", now=NOW)
    assert done.result is not None and done.result.version == 2
    assert done.result.old_total == before and done.result.new_total > before
    undone = await corrections.undo_association(UnitOfWork(sessionmaker), w["office"],
                                                "1404-H1", reason="فهرست اشتباه", now=NOW)
    assert undone.result is not None and undone.result.version == 3
    assert undone.result.new_total < done.result.new_total
    with pytest.raises(Conflict) as again:
        await corrections.undo_association(UnitOfWork(sessionmaker), w["office"], "1404-H1",
                                           reason="x", now=NOW)
    assert again.value.code == "correct-no-association"
    async with sessionmaker() as session:
        row = await session.get(Result, (w["period"].id, w["office_id"]))
        assert row is not None and row.version == 3 and Decimal(row.total) == (
            undone.result.new_total)
    # What headquarters exports and announces is the newest version.
    [line] = [x for x in (await office_results(UnitOfWork(sessionmaker), "1404-H1")).lines
              if x.code == w["office"]]
    assert line.total == undone.result.new_total and line.rank == undone.result.new_rank
    assert line.negatives == 0
    lines = (await office_results(UnitOfWork(sessionmaker), "1404-H1")).lines
    total = (await announcement(UnitOfWork(sessionmaker), "1404-H1")).sources.by_type.total
    for s, source in enumerate(SOURCES):
        for r, counted in enumerate(total.ranks[s]):
            assert counted == sum(1 for x in lines if x.source == source and x.rank == r + 1)
    versions = await _audit(sessionmaker, "results.correct")
    assert [json.loads(v.new)["version"] for v in versions] == [2, 3]
    assert json.loads(versions[0].old)["total"] == str(before)
    notices = (await _notices(sessionmaker, w["account"]))[published:]
    kinds = [n["notice"] for n in notices]
    assert kinds == ["correct-negative-notice", "correct-result-notice",
                     "correct-association-notice", "correct-result-notice"]
    text = Translator("fa")(notices[1]["notice"], **notices[1]["args"])
    assert "نسخهٔ ۲" in text and "رأی نقض شد" in text
    en = Translator("en")(notices[3]["notice"], **notices[3]["args"])
    assert f"score {done.result.new_total} → {undone.result.new_total}" in en


def test_the_command_line_corrects_with_a_reason(env: str, tmp_path: Any) -> None:  # noqa: F811
    import asyncio

    from typer.testing import CliRunner

    from cli.main import app
    from storage.db import create_engine, create_sessionmaker, upgrade

    async def build() -> dict[str, Any]:
        engine = create_engine(env)
        await upgrade(engine)
        try:
            return await _world(create_sessionmaker(engine))
        finally:
            await engine.dispose()

    w = asyncio.run(build())
    runner = CliRunner()
    missing = runner.invoke(app, ["correct", "reopen", w["office"], "1404-H1", "--reason", " ",
                                  "--lang", "fa"])
    assert missing.exit_code == 2 and "دلیل" in missing.output
    done = runner.invoke(app, ["correct", "reopen", w["office"], "1404-H1", "--reason", "x"])
    assert done.exit_code == 0 and "1 accounts" in done.output, done.output
    listed = runner.invoke(app, ["correct", "negatives", w["office"], "1404-H1"])
    assert listed.exit_code == 0 and "overcharging" in listed.output
    gone = runner.invoke(app, ["correct", "withdraw-negative", str(w["negative"]),
                               "--reason", "y"])
    assert gone.exit_code == 0, gone.output
    again = runner.invoke(app, ["correct", "withdraw-negative", str(w["negative"]),
                                "--reason", "y"])
    assert again.exit_code == 2
    undone = runner.invoke(app, ["correct", "undo-association", w["office"], "1404-H1",
                                 "--reason", "z"])
    assert undone.exit_code == 0, undone.output


async def test_a_published_declaration_is_not_reopened(sessionmaker: Any) -> None:
    """After publishing the region can no longer review, so a reopened declaration would wait
    for a review that never comes: refused, pointing to the corrections that make a new
    version of the result; nothing changes and nobody is told."""
    w = await _world(sessionmaker)
    await publish(UnitOfWork(sessionmaker), None, w["period"].id, NOW)
    published = len(await _notices(sessionmaker, w["account"]))
    hq = await person(sessionmaker, 952, hq=True)
    with pytest.raises(Conflict) as refused:
        await corrections.reopen_declaration(UnitOfWork(sessionmaker), w["office"], "1404-H1",
                                             reason="مدرک اشتباه", actor=hq)
    assert refused.value.code == "correct-published"
    fa = Translator("fa")(refused.value.code, **refused.value.params)
    assert "منتشر" in fa and "امتیاز منفی" in fa and "\n" not in fa
    async with sessionmaker() as session:
        assert await session.scalar(select(Declaration.status)) == "published"
        row = await session.get(Result, (w["period"].id, w["office_id"]))
        assert row is not None and row.version == 1
    assert await _audit(sessionmaker, "declaration.reopen") == []
    assert len(await _notices(sessionmaker, w["account"])) == published


async def test_a_correction_made_at_night_reaches_the_owner_in_the_morning(
        sessionmaker: Any) -> None:
    w = await _world(sessionmaker)
    night = datetime(2025, 11, 20, 19, 30, tzinfo=UTC)  # 23:00 in Tehran
    await corrections.withdraw_negative(UnitOfWork(sessionmaker), w["negative"],
                                        reason="رأی نقض شد", now=night)
    async with sessionmaker() as session:
        [row] = (await session.scalars(select(Outbox).where(
            Outbox.account_id == w["account"]))).all()
    assert row.not_before == datetime(2025, 11, 21, 5, 30, tzinfo=UTC)  # 09:00 in Tehran
