"""`rank_period` and `publish` on the whole 7,943-office registry, on SQLite and PostgreSQL:
the period rule (declared, carried forward, minimum), the reviewer's accepted values and rejected
files, idempotence, speed, and freezing at publication."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scoring.rubric import load_sample_rubric
from scoring.score import AppliedNegative, ExternalInputs, score
from services.periods import create_period
from services.registry import import_offices, import_regions
from services.results import publish
from services.uow import UnitOfWork
from storage.models import (
    Account,
    AccountOffice,
    Answer,
    AuditLog,
    Declaration,
    Evidence,
    ExternalScore,
    NegativePoint,
    Office,
    Outbox,
    Result,
)
from storage.ranking import rank_period
from tests.review.conftest import ANSWERS
from texts.notices import render as render_notice

RUBRIC = load_sample_rubric()
TEXT = (__import__("pathlib").Path(__file__).resolve().parents[2] / "scoring" / "rubrics" /
        "sample.toml").read_text(encoding="utf-8")
NOW = datetime(2025, 11, 10, 8, 0, tzinfo=UTC)
# The goal is "well under a few seconds"; the bound leaves room for a machine busy with other
# test runs.
GOAL_SECONDS = 8.0


def answers_for(office_type: str, area: int) -> dict[str, Any]:
    answers = dict(ANSWERS, area=area)
    if office_type == "rural_ict":
        answers.pop("location_urban")
        answers["location_rural"] = "village_centre"
    return answers


async def _setup(sessionmaker: async_sessionmaker[AsyncSession], registry_files: Any
                 ) -> dict[str, Any]:
    regions, offices_csv = registry_files
    uow = UnitOfWork(sessionmaker)
    await import_regions(uow, regions)
    await import_offices(uow, offices_csv)
    async with sessionmaker() as session:
        last = await create_period(uow, code="1403-H2", opens_at=NOW - timedelta(days=200),
                                   closes_at=NOW - timedelta(days=170),
                                   review_opens_at=NOW - timedelta(days=200),
                                   review_closes_at=NOW - timedelta(days=160),
                                   rubric_code="sample", rubric_text=TEXT)
        this = await create_period(uow, code="1404-H1", opens_at=NOW - timedelta(days=30),
                                   closes_at=NOW - timedelta(days=2),
                                   review_opens_at=NOW - timedelta(days=30),
                                   review_closes_at=NOW - timedelta(days=1),
                                   rubric_code="sample", rubric_text=TEXT)
        offices = (await session.execute(select(Office.id, Office.office_type)
                                         .order_by(Office.id))).all()
        statuses = ("submitted", "confirmed", "returned", "draft")
        declared: dict[int, tuple[int, str]] = {}
        rows = []
        for n, (office_id, _) in enumerate(offices):
            if n % 2 == 0:  # every other office was confirmed last period
                rows.append({"office_id": office_id, "period_id": last.id,
                             "status": "published", "version": 1})
            if n % 3 == 0:  # every third declared this period (a quarter of those: drafts)
                rows.append({"office_id": office_id, "period_id": this.id,
                             "status": statuses[(n // 3) % 4], "version": 1,
                             "submitted_at": NOW - timedelta(days=10)})
        await session.execute(insert(Declaration), rows)
        ids = (await session.execute(select(Declaration.id, Declaration.office_id,
                                            Declaration.period_id))).all()
        types = dict(offices)
        answer_rows, evidence_rows = [], []
        for declaration_id, office_id, period_id in ids:
            area = 40 + office_id % 80 if period_id == this.id else 25
            for key, value in answers_for(types[office_id], area).items():
                answer_rows.append({"declaration_id": declaration_id, "item_key": key,
                                    "value_json": json.dumps(value, ensure_ascii=False)})
            for key in ("area", "staff", "holder_years", "facilities"):
                if period_id != this.id:
                    break  # fewer rows to write: last period's declarations have no files
                evidence_rows.append({"declaration_id": declaration_id, "item_key": key,
                                      "sha256": "ab" * 32, "size": 10, "mime": "image/jpeg",
                                      "platform": "bale", "file_id": f"f{declaration_id}"})
            if period_id == this.id:
                declared[office_id] = (declaration_id, types[office_id])
        for start in range(0, len(answer_rows), 5000):
            await session.execute(insert(Answer), answer_rows[start:start + 5000])
        for start in range(0, len(evidence_rows), 5000):
            await session.execute(insert(Evidence), evidence_rows[start:start + 5000])
        await session.execute(insert(ExternalScore), [
            {"period_id": this.id, "office_id": office_id, "association": Decimal(60 + n % 40),
             "satisfaction_mean": Decimal("4.2")}
            for n, (office_id, _) in enumerate(offices) if n % 5 == 0])
        await session.execute(insert(NegativePoint), [
            {"period_id": this.id, "office_id": office_id, "item_key": "overcharging",
             "decided_on": "1404/07/20", "reference": f"r{n}"}
            for n, (office_id, _) in enumerate(offices) if n % 50 == 0])
        accounts = [{"platform": "bale", "platform_user_id": 10_000 + n, "locale": "fa"}
                    for n in range(120)]
        await session.execute(insert(Account), accounts)
        account_ids = (await session.scalars(select(Account.id).order_by(Account.id))).all()
        await session.execute(insert(AccountOffice), [
            {"account_id": account_id, "office_id": offices[n * 7][0], "via": "contact"}
            for n, account_id in enumerate(account_ids)])
        await session.commit()
    return {"last": last, "this": this, "offices": offices, "declared": declared}


async def test_rank_and_publish_the_whole_registry(sessionmaker: Any, registry_files: Any
                                                   ) -> None:
    data = await _setup(sessionmaker, registry_files)
    this, offices = data["this"], data["offices"]
    n_offices = len(offices)
    assert n_offices == 7943
    declared_this = sum(1 for n in range(n_offices) if n % 3 == 0 and (n // 3) % 4 != 3)
    carried = sum(1 for n in range(n_offices)
                  if n % 2 == 0 and not (n % 3 == 0 and (n // 3) % 4 != 3))

    async with sessionmaker() as session:
        started = time.perf_counter()
        first = await rank_period(session, this.id, NOW)
        await session.commit()
        seconds = time.perf_counter() - started
    print(f"\nrank_period: {n_offices} offices in {seconds:.2f} s "
          f"(computing {first.seconds:.2f} s)")
    assert seconds < GOAL_SECONDS
    assert (first.offices, first.inserted, first.updated) == (n_offices, n_offices, 0)
    assert first.by_source == {"declared": declared_this, "carried_forward": carried,
                               "minimum": n_offices - declared_this - carried}
    assert sum(first.by_rank.values()) == n_offices

    # One office's reviewer adjusts the area and rejects the area's file: only it changes, and
    # its result is the score of the accepted values with the live files.
    office_id, (declaration_id, office_type) = next(iter(data["declared"].items()))
    async with sessionmaker() as session:
        await session.execute(update(Answer).where(Answer.declaration_id == declaration_id,
                                                   Answer.item_key == "area")
                              .values(accepted_json="12"))
        await session.execute(update(Evidence).where(Evidence.declaration_id == declaration_id,
                                                     Evidence.item_key == "holder_years")
                              .values(rejected_reason="@illegible"))
        await session.commit()
        second = await rank_period(session, this.id, NOW)
        await session.commit()
        # Everything else is as it was: ranking twice changes nothing.
        assert (second.updated, second.inserted, second.unchanged) == (1, 0, n_offices - 1)
        row = await session.get(Result, (this.id, office_id))
        assert row is not None
        ext = await session.get(ExternalScore, (this.id, office_id))
        negatives = await session.scalar(select(func.count()).select_from(NegativePoint).where(
            NegativePoint.office_id == office_id))
    expected = score(RUBRIC, office_type, {**answers_for(office_type, 0), "area": 12},
                     ExternalInputs(ext.association, None, ext.satisfaction_mean)
                     if ext else None,
                     [AppliedNegative("overcharging", negatives)] if negatives else [],
                     evidence_counts={"area": 1, "staff": 1, "facilities": 1})
    assert Decimal(row.total) == expected.total and row.rank == expected.rank
    stored = json.loads(row.breakdown_json)
    assert next(x for x in stored["lines"] if x["key"] == "area")["reason_args"]["value"] == 12

    # An office with nothing at all: the minimum and the lowest rank.
    async with sessionmaker() as session:
        minimum = await session.scalar(select(Result).where(Result.period_id == this.id,
                                                            Result.source == "minimum")
                                       .limit(1))
        assert minimum is not None and minimum.rank == 3 and Decimal(minimum.total) == 0

    # Publishing: confirmed become published, one message per linked account, frozen after.
    # Two publishing at once (a double tap, or two HQ members): one publishes, once.
    import asyncio

    first, second = await asyncio.gather(publish(UnitOfWork(sessionmaker), None, this.id, NOW),
                                         publish(UnitOfWork(sessionmaker), None, this.id, NOW))
    summary = second if first.already else first
    assert [first.already, second.already].count(True) == 1, (first, second)
    assert not summary.already and summary.queued == 120
    assert summary.ranking is not None and summary.ranking.changed == 0  # ranked again: same
    async with sessionmaker() as session:
        statuses = dict((await session.execute(
            select(Declaration.status, func.count()).where(Declaration.period_id == this.id)
            .group_by(Declaration.status))).all())
        assert "confirmed" not in statuses and statuses["published"] > 0
        await session.execute(update(Answer).where(Answer.declaration_id == declaration_id,
                                                   Answer.item_key == "area")
                              .values(accepted_json="500"))
        await session.commit()
        frozen = await rank_period(session, this.id, NOW)
        await session.commit()
        assert frozen.frozen and frozen.changed == 0 and frozen.unchanged == n_offices
        again = await publish(UnitOfWork(sessionmaker), None, this.id,
                              NOW + timedelta(days=1))
        assert again.already and again.queued == 0
        assert await session.scalar(select(func.count()).select_from(Outbox)) == 120
        assert await session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "results.publish")) == 1
        row = await session.scalar(select(Outbox).limit(1))
        text = render_notice(json.loads(row.payload_json), row.platform)["text"]
        assert "نتیجهٔ ارزیابی ششماههٔ نخست ۱۴۰۴" in text
