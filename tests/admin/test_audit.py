"""The audit log as a record (issue 21, item 4): listed and exported with filters, and nothing
can change a row once written: no path in the code, and the database refuses UPDATE and DELETE
(SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from cli.main import app
from services import periods
from services.audit import AuditFilter, audit_rows
from services.errors import Forbidden, NotFound
from services.uow import UnitOfWork
from storage.models import Account, AuditLog
from tests.admin.conftest import count, person
from tests.integration.test_cli import env  # noqa: F401  (the fixture)

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2025, 10, 25, 8, 30, tzinfo=UTC)
DAY = timedelta(days=1)
runner = CliRunner()


async def _history(sessionmaker: Any) -> Any:
    hq = await person(sessionmaker, 900, hq=True)
    for n, code in enumerate(("P1", "P2")):
        await periods.create_period(
            UnitOfWork(sessionmaker), code=code, opens_at=NOW + (40 * n + 5) * DAY,
            closes_at=NOW + (40 * n + 30) * DAY, review_opens_at=NOW + (40 * n + 5) * DAY,
            review_closes_at=NOW + (40 * n + 30) * DAY, rubric_code="sample",
            rubric_text="# sample", actor=hq)
    await periods.cancel_period(UnitOfWork(sessionmaker), "P2", reason="تکراری", now=NOW)
    return hq


async def test_the_log_is_listed_with_filters(sessionmaker: Any) -> None:
    hq = await _history(sessionmaker)
    uow = UnitOfWork(sessionmaker)
    every = await audit_rows(uow, AuditFilter())
    assert [r.action for r in every][-3:] == ["period.create", "period.create", "period.cancel"]
    family = await audit_rows(uow, AuditFilter(action="period"))
    assert [r.action for r in family] == ["period.create", "period.create", "period.cancel"]
    assert [r.reason for r in await audit_rows(uow, AuditFilter(action="period.cancel"))] == [
        "تکراری"]
    mine = await audit_rows(uow, AuditFilter(person="telegram:900", action="period"))
    assert len(mine) == 2 and all(r.actor_account_id == hq.account_id for r in mine)
    assert len(await audit_rows(uow, AuditFilter(person=str(hq.account_id)))) >= 2
    assert [r.actor for r in await audit_rows(uow, AuditFilter(person="cli",
                                                               action="period"))] == ["cli"]
    later = datetime.now(UTC) + DAY
    assert await audit_rows(uow, AuditFilter(since=later)) == []
    assert len(await audit_rows(uow, AuditFilter(until=later, action="period"))) == 3
    with pytest.raises(NotFound):
        await audit_rows(uow, AuditFilter(office="00000000"))
    with pytest.raises(Forbidden):
        await audit_rows(uow, AuditFilter(), actor=await person(sessionmaker, 901))


async def test_the_database_refuses_to_change_or_delete_a_row(sessionmaker: Any) -> None:
    await _history(sessionmaker)
    before = await count(sessionmaker, AuditLog)
    attempts = [update(AuditLog).values(reason="rewritten"),
                update(AuditLog).values(actor="someone else"),
                delete(AuditLog),
                text("DELETE FROM audit_log WHERE action = 'period.cancel'")]
    for statement in attempts:
        async with sessionmaker() as session:
            with pytest.raises(DBAPIError, match="append-only"):
                await session.execute(statement)
                await session.commit()
    async with sessionmaker() as session:
        reasons = (await session.scalars(select(AuditLog.reason).where(
            AuditLog.action == "period.cancel"))).all()
    assert reasons == ["تکراری"] and await count(sessionmaker, AuditLog) == before


async def test_an_account_deleted_keeps_its_rows_under_its_label(sessionmaker: Any) -> None:
    hq = await _history(sessionmaker)
    before = await count(sessionmaker, AuditLog)
    async with sessionmaker() as session:
        await session.execute(delete(Account).where(Account.id == hq.account_id))
        await session.commit()
    assert await count(sessionmaker, AuditLog) == before
    rows = await audit_rows(UnitOfWork(sessionmaker), AuditFilter(person="telegram:900"))
    assert rows and all(r.actor_account_id is None for r in rows)


def test_no_code_path_updates_or_deletes_the_log() -> None:
    """Outside migrations, no statement names the log with UPDATE or DELETE, except the SQLite
    write-lock statement that matches no row (`storage.exclusive`)."""
    allowed = 'UPDATE audit_log SET id = id WHERE 0'
    pattern = re.compile(r"(update|delete)\(\s*AuditLog|AuditLog\.__table__\.(update|delete)|"
                         r"(UPDATE|DELETE\s+FROM)\s+audit_log", re.IGNORECASE)
    offenders = []
    for folder in ("bot", "cli", "console", "delivery", "demo", "documents", "handlers",
                   "scoring", "services", "storage", "texts"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            source = path.read_text(encoding="utf-8").replace(allowed, "")
            offenders += [f"{path.relative_to(ROOT)}: {m.group(0)}"
                          for m in pattern.finditer(source)]
    assert offenders == []


def test_the_command_line_lists_and_exports(env: str, tmp_path: Path) -> None:  # noqa: F811
    from openpyxl import load_workbook

    for code, opens, closes in (("P1", "1410/01/01", "1410/01/20"),
                                ("P2", "1410/02/01", "1410/02/20")):
        assert runner.invoke(app, ["period", "create", code, "--opens", opens, "--closes",
                                   closes]).exit_code == 0
    assert runner.invoke(app, ["period", "cancel", "P2", "--reason", "=HYPERLINK(1)"]
                         ).exit_code == 0
    listing = runner.invoke(app, ["audit", "list", "--action", "period"])
    assert listing.exit_code == 0 and "period.cancel" in listing.output, listing.output
    assert "3 rows" in listing.output
    out = tmp_path / "audit.csv"
    done = runner.invoke(app, ["audit", "export", "--out", str(out), "--action",
                               "period.cancel"])
    assert done.exit_code == 0, done.output
    with out.open(encoding="utf-8-sig") as handle:
        header, *rows = list(csv.reader(handle))
    assert header[0] == "شناسه" and len(rows) == 1
    assert rows[0][3] == "period.cancel" and rows[0][8] == "'=HYPERLINK(1)"
    xlsx = tmp_path / "audit.xlsx"
    done = runner.invoke(app, ["audit", "export", "--out", str(xlsx), "--lang", "en",
                               "--since", "1300/01/01"])
    assert done.exit_code == 0, done.output
    sheet = load_workbook(xlsx).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:4] == ["id", "time (Tehran)", "who", "action"]
    assert [v[3] for v in values[1:]].count("period.create") == 2
    bad = runner.invoke(app, ["audit", "export", "--out", str(tmp_path / "a.txt")])
    assert bad.exit_code == 2
    unknown = runner.invoke(app, ["audit", "list", "--office", "99999999", "--lang", "fa"])
    assert unknown.exit_code == 2 and "پیدا نشد" in unknown.output
