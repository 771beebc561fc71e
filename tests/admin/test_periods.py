"""Periods after creation (issue 21, item 1): an overlapping owners' window is refused naming
both windows, a period is edited or cancelled before it opens, an open window is extended and
the owners who have not submitted are told; each change audited. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from services import periods, registry
from services.errors import Conflict, Forbidden, Invalid, ServiceError
from services.uow import UnitOfWork
from storage.models import Account, AccountOffice, AuditLog, Declaration, Office, Outbox, Period
from tests.admin.conftest import DATA, count, person, twice
from texts.i18n import Translator

NOW = datetime(2025, 10, 25, 8, 30, tzinfo=UTC)  # 1404/08/03 in Tehran
DAY = timedelta(days=1)


def create(sessionmaker: Any, code: str, opens_at: datetime, closes_at: datetime,
           **more: Any) -> Any:
    return periods.create_period(
        UnitOfWork(sessionmaker), code=code, opens_at=opens_at, closes_at=closes_at,
        review_opens_at=opens_at, review_closes_at=closes_at, rubric_code="sample",
        rubric_text="# sample", **more)


async def audit_rows(sessionmaker: Any, action: str) -> list[AuditLog]:
    async with sessionmaker() as session:
        return list((await session.scalars(
            select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id))).all())


async def test_an_overlapping_window_is_refused_naming_both(sessionmaker: Any) -> None:
    await create(sessionmaker, "1404-H1", NOW, NOW + 30 * DAY)
    with pytest.raises(Conflict) as refused:
        await create(sessionmaker, "1404-H2", NOW + 29 * DAY, NOW + 60 * DAY)
    error = refused.value
    assert error.code == "admin-period-overlaps" and error.params["other"] == "1404-H1"
    fa = Translator("fa")(error.code, **error.params)
    en = Translator("en")(error.code, **error.params)
    assert "۱۴۰۴/۰۸/۰۳ – ۱۴۰۴/۰۹/۰۳" in fa and "1404-H1" in en and "\n" not in fa + en
    assert "1404/09/02 – 1404/10/03" in en  # the refused window, Jalali, both days named
    # Touching windows (one closes at the instant the next opens) do not overlap.
    await create(sessionmaker, "1404-H2", NOW + 30 * DAY, NOW + 60 * DAY)
    assert await count(sessionmaker, Period) == 2
    assert len(await audit_rows(sessionmaker, "period.create")) == 2


async def test_of_two_overlapping_periods_created_at_once_one_wins(sessionmaker: Any) -> None:
    codes = iter(["1404-H1", "1404-H2"])
    outcomes = await twice(sessionmaker, lambda: create(
        sessionmaker, next(codes), NOW + 5 * DAY, NOW + 35 * DAY))
    refused = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(refused) == 1 and refused[0].code == "admin-period-overlaps"
    assert await count(sessionmaker, Period) == 1
    assert len(await audit_rows(sessionmaker, "period.create")) == 1


async def test_a_period_is_edited_and_cancelled_only_before_it_opens(sessionmaker: Any) -> None:
    await create(sessionmaker, "1404-H1", NOW - 3 * DAY, NOW + 10 * DAY)
    await create(sessionmaker, "1404-H2", NOW + 20 * DAY, NOW + 50 * DAY)
    edited = await periods.edit_period(UnitOfWork(sessionmaker), "1404-H2",
                                       opens_at=NOW + 25 * DAY, reason="تقویم", now=NOW)
    assert edited.opens_at == NOW + 25 * DAY and edited.closes_at == NOW + 50 * DAY
    [row] = await audit_rows(sessionmaker, "period.edit")
    assert json.loads(row.old).keys() == {"opens_at", "review_opens_at"}
    assert row.reason == "تقویم"
    with pytest.raises(Conflict) as overlap:  # moved into the open one
        await periods.edit_period(UnitOfWork(sessionmaker), "1404-H2", opens_at=NOW + 5 * DAY,
                                  now=NOW)
    assert overlap.value.code == "admin-period-overlaps"
    for call in (lambda: periods.edit_period(UnitOfWork(sessionmaker), "1404-H1",
                                             closes_at=NOW + 12 * DAY, now=NOW),
                 lambda: periods.cancel_period(UnitOfWork(sessionmaker), "1404-H1",
                                               reason="اشتباه", now=NOW)):
        with pytest.raises(Conflict) as started:
            await call()
        assert started.value.code == "admin-period-started"
    with pytest.raises(Invalid) as no_reason:
        await periods.cancel_period(UnitOfWork(sessionmaker), "1404-H2", reason=" ", now=NOW)
    assert no_reason.value.code == "admin-reason-required"
    await periods.cancel_period(UnitOfWork(sessionmaker), "1404-H2", reason="تکراری", now=NOW)
    assert [p.code for p in await periods.list_periods(UnitOfWork(sessionmaker))] == ["1404-H1"]
    [cancelled] = await audit_rows(sessionmaker, "period.cancel")
    assert cancelled.reason == "تکراری" and json.loads(cancelled.old)["code"] == "1404-H2"
    assert len(await audit_rows(sessionmaker, "period.edit")) == 1  # refusals wrote nothing


async def test_only_hq_changes_periods(sessionmaker: Any) -> None:
    await create(sessionmaker, "1404-H2", NOW + 20 * DAY, NOW + 50 * DAY)
    someone = await person(sessionmaker, 501)
    with pytest.raises(Forbidden):
        await periods.cancel_period(UnitOfWork(sessionmaker), "1404-H2", reason="x",
                                    actor=someone, now=NOW)
    hq = await person(sessionmaker, 502, hq=True)
    await periods.cancel_period(UnitOfWork(sessionmaker), "1404-H2", reason="x", actor=hq,
                                now=NOW)
    [row] = await audit_rows(sessionmaker, "period.cancel")
    assert row.actor == "telegram:502" and row.actor_account_id == hq.account_id


async def _owners(sessionmaker: Any, period_id: int) -> dict[str, int]:
    """Three linked offices: one submitted, one in draft, one not started. Their accounts."""
    await registry.import_regions(UnitOfWork(sessionmaker), DATA / "demo_regions.csv")
    await registry.import_offices(UnitOfWork(sessionmaker), DATA / "demo_offices.csv")
    accounts = {}
    async with sessionmaker() as session:
        offices = (await session.scalars(select(Office).order_by(Office.id).limit(3))).all()
        for n, (office, status) in enumerate(zip(offices, ("submitted", "draft", None),
                                                 strict=True)):
            account = Account(platform="bale", platform_user_id=7000 + n, locale="fa")
            session.add(account)
            await session.flush()
            session.add(AccountOffice(account_id=account.id, office_id=office.id, via="code"))
            if status:
                session.add(Declaration(office_id=office.id, period_id=period_id,
                                        status=status))
            accounts[status or "none"] = account.id
        await session.commit()
    return accounts


async def test_extending_an_open_window_tells_those_who_have_not_submitted(
        sessionmaker: Any) -> None:
    period = await create(sessionmaker, "1404-H1", NOW - 3 * DAY, NOW + 10 * DAY)
    await create(sessionmaker, "1404-H2", NOW + 20 * DAY, NOW + 50 * DAY)
    accounts = await _owners(sessionmaker, period.id)
    with pytest.raises(Conflict) as overlap:
        await periods.extend_period(UnitOfWork(sessionmaker), "1404-H1",
                                    closes_at=NOW + 21 * DAY, now=NOW)
    assert overlap.value.code == "admin-period-overlaps"
    with pytest.raises(Invalid) as earlier:
        await periods.extend_period(UnitOfWork(sessionmaker), "1404-H1",
                                    closes_at=NOW + 5 * DAY, now=NOW)
    assert earlier.value.code == "admin-extend-earlier"
    with pytest.raises(Conflict) as not_open:
        await periods.extend_period(UnitOfWork(sessionmaker), "1404-H2",
                                    closes_at=NOW + 60 * DAY, now=NOW)
    assert not_open.value.code == "admin-period-not-open"
    assert await count(sessionmaker, Outbox) == 0
    extended, told = await periods.extend_period(
        UnitOfWork(sessionmaker), "1404-H1", closes_at=NOW + 15 * DAY, reason="قطعی شبکه",
        now=NOW)
    assert told == 2 and extended.closes_at == NOW + 15 * DAY
    assert extended.review_closes_at == NOW + 15 * DAY  # the regions' window follows
    async with sessionmaker() as session:
        rows = (await session.scalars(select(Outbox))).all()
    assert sorted(r.account_id for r in rows) == sorted([accounts["draft"], accounts["none"]])
    payload = json.loads(rows[0].payload_json)
    assert payload["notice"] == "period-extended-notice"
    text = Translator("fa")(payload["notice"], **payload["args"])
    assert "ششماههٔ نخست ۱۴۰۴" in text and "۱۴۰۴/۰۸/۱۸" in text
    [row] = await audit_rows(sessionmaker, "period.extend")
    assert row.reason == "قطعی شبکه" and "closes_at" in json.loads(row.old)
    assert json.loads(row.new)["owners_told"] == 2


async def test_an_extension_made_at_night_reaches_the_owners_in_the_morning(
        sessionmaker: Any) -> None:
    """Quiet hours (issue 20): HQ extends at 23:30 Tehran; the notices wait until 09:00."""
    from services.send_hours import DAYTIME
    from storage.outbox import claim

    night = datetime(2025, 10, 25, 20, 0, tzinfo=UTC)  # 23:30 in Tehran
    period = await create(sessionmaker, "1404-H1", night - 3 * DAY, night + 10 * DAY)
    await _owners(sessionmaker, period.id)
    _, told = await periods.extend_period(UnitOfWork(sessionmaker), "1404-H1",
                                          closes_at=night + 15 * DAY, now=night, hours=DAYTIME)
    assert told == 2
    morning = datetime(2025, 10, 26, 5, 30, tzinfo=UTC)  # 09:00 in Tehran
    async with sessionmaker() as session:
        rows = (await session.scalars(select(Outbox))).all()
        assert {r.not_before.astimezone(UTC) for r in rows} == {morning}
        platform = rows[0].platform
        assert await claim(session, platform, 10, night + timedelta(hours=1),
                           lease_until=night + timedelta(hours=2)) == []


async def _hq(sessionmaker: Any, user_id: int, name: str) -> Any:
    from services.accounts import identify
    from services.staff import add_staff

    await add_staff(UnitOfWork(sessionmaker), platform="telegram", user_id=user_id, role="hq",
                    name=name)
    return await identify(UnitOfWork(sessionmaker), "telegram", user_id)


async def _one_won(sessionmaker: Any, outcomes: list[Any], action: str, code: str,
                   names: set[str]) -> None:
    """One change done and audited; on PostgreSQL (two at once) the other refused, naming the
    winner in both languages; on SQLite (one after the other) the second refused or a no-op."""
    refused = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(await audit_rows(sessionmaker, action)) == 1
    if sessionmaker.kw["bind"].dialect.name != "postgresql" and not refused:
        return
    [loser] = refused
    assert loser.code == code and loser.params["by"] in names, (loser.code, loser.params)
    fa = Translator("fa")(loser.code, **loser.params)
    en = Translator("en")(loser.code, **loser.params)
    assert loser.params["by"] in fa and loser.params["by"] in en and "\n" not in fa + en
    assert "1404-H" in en and "ساعت" in fa


async def test_two_people_editing_one_period_at_once_one_wins(sessionmaker: Any) -> None:
    await create(sessionmaker, "1404-H2", NOW + 20 * DAY, NOW + 50 * DAY)
    people = iter([await _hq(sessionmaker, 611, "مریم"), await _hq(sessionmaker, 612, "علی")])
    outcomes = await twice(sessionmaker, lambda: periods.edit_period(
        UnitOfWork(sessionmaker), "1404-H2", closes_at=NOW + 45 * DAY, reason="تقویم",
        actor=next(people), now=NOW))
    await _one_won(sessionmaker, outcomes, "period.edit", "admin-period-changed-by",
                   {"مریم", "علی"})


async def test_two_people_cancelling_one_period_at_once_one_wins(sessionmaker: Any) -> None:
    await create(sessionmaker, "1404-H2", NOW + 20 * DAY, NOW + 50 * DAY)
    people = iter([await _hq(sessionmaker, 621, "مریم"), await _hq(sessionmaker, 622, "علی")])
    outcomes = await twice(sessionmaker, lambda: periods.cancel_period(
        UnitOfWork(sessionmaker), "1404-H2", reason="تکراری", actor=next(people), now=NOW))
    refused = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(refused) == 1  # on SQLite too: the second finds it cancelled
    await _one_won(sessionmaker, outcomes, "period.cancel", "admin-period-cancelled-by",
                   {"مریم", "علی"})
    assert await count(sessionmaker, Period) == 0


async def test_two_people_extending_one_period_at_once_one_wins(sessionmaker: Any) -> None:
    period = await create(sessionmaker, "1404-H1", NOW - 3 * DAY, NOW + 10 * DAY)
    await _owners(sessionmaker, period.id)
    people = iter([await _hq(sessionmaker, 631, "مریم"), await _hq(sessionmaker, 632, "علی")])
    outcomes = await twice(sessionmaker, lambda: periods.extend_period(
        UnitOfWork(sessionmaker), "1404-H1", closes_at=NOW + 15 * DAY, actor=next(people),
        now=NOW))
    refused = [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(refused) == 1  # on SQLite too: the second is not later any more
    if sessionmaker.kw["bind"].dialect.name == "postgresql":
        await _one_won(sessionmaker, outcomes, "period.extend", "admin-period-changed-by",
                       {"مریم", "علی"})
    assert len(await audit_rows(sessionmaker, "period.extend")) == 1
    assert await count(sessionmaker, Outbox) == 2  # the owners told once


async def test_a_change_made_from_a_stale_view_names_who_changed_it(sessionmaker: Any) -> None:
    """The console shows a period, someone else edits it, then the first person saves: refused
    naming the other (`seen`: the period as the first person saw it)."""
    seen = await create(sessionmaker, "1404-H2", NOW + 20 * DAY, NOW + 50 * DAY)
    maryam, ali = await _hq(sessionmaker, 641, "مریم"), await _hq(sessionmaker, 642, "علی")
    await periods.edit_period(UnitOfWork(sessionmaker), "1404-H2", closes_at=NOW + 45 * DAY,
                              actor=maryam, now=NOW)
    with pytest.raises(Conflict) as stale:
        await periods.edit_period(UnitOfWork(sessionmaker), "1404-H2", opens_at=NOW + 21 * DAY,
                                  actor=ali, now=NOW, seen=seen)
    assert stale.value.code == "admin-period-changed-by" and stale.value.params["by"] == "مریم"
    with pytest.raises(Conflict) as stale_cancel:
        await periods.cancel_period(UnitOfWork(sessionmaker), "1404-H2", reason="x", actor=ali,
                                    now=NOW, seen=seen)
    assert stale_cancel.value.params["by"] == "مریم"
    assert len(await audit_rows(sessionmaker, "period.edit")) == 1
