"""`pishkhan accounts list|unlink`, as an operator types them, on a fresh SQLite database."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli.main import app
from demo.local import DATA
from services import linking
from services.accounts import identify
from services.uow import UnitOfWork
from storage.db import create_engine, create_sessionmaker
from storage.models import AccountOffice, AuditLog

runner = CliRunner()


def _link_two() -> None:
    async def main() -> None:
        engine = create_engine(os.environ["PISHKHAN_DATABASE_URL"])
        try:
            make = create_sessionmaker(engine)
            owner = await identify(UnitOfWork(make), "telegram", 501)
            await linking.link_by_contact(UnitOfWork(make), owner, contact_user_id=501,
                                          phone="09382413657")
            other = await identify(UnitOfWork(make), "bale", 502)
            now = datetime.now(UTC)
            code = (await linking.issue_code(UnitOfWork(make), "16598444", now)).code
            await linking.redeem_code(UnitOfWork(make), other, code, now)
        finally:
            await engine.dispose()

    asyncio.run(main())


def _count(model: type, *where: object) -> int:
    async def main() -> int:
        engine = create_engine(os.environ["PISHKHAN_DATABASE_URL"])
        try:
            async with create_sessionmaker(engine)() as session:
                return int(await session.scalar(
                    select(func.count()).select_from(model).where(*where)) or 0)
        finally:
            await engine.dispose()

    return asyncio.run(main())


@pytest.fixture
def linked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PISHKHAN_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("COLUMNS", "200")
    for command in (["regions", "import", str(DATA / "demo_regions.csv")],
                    ["offices", "import", str(DATA / "demo_offices.csv")]):
        result = runner.invoke(app, command)
        assert result.exit_code == 0, result.output
    _link_two()


def test_list_then_unlink_by_hand(linked: None) -> None:
    result = runner.invoke(app, ["accounts", "list", "--office", "16598444"])
    assert result.exit_code == 0, result.output
    assert "2 links" in result.output and "contact" in result.output and "code" in result.output
    result = runner.invoke(app, ["accounts", "unlink", "--office", "16598444", "--platform",
                                 "bale", "--user-id", "502", "--reason", "not the owner"])
    assert result.exit_code == 0, result.output
    assert "bale:502 is no longer linked to 16598444" in result.output
    assert _count(AccountOffice) == 1
    assert _count(AuditLog, AuditLog.action == "account.unlink",
                  AuditLog.reason == "not the owner") == 1
    result = runner.invoke(app, ["accounts", "list", "--platform", "telegram",
                                 "--user-id", "501"])
    assert "1 links" in result.output


@pytest.mark.parametrize(("args", "says"), [
    (["--office", "99999999", "--platform", "bale", "--user-id", "502"], "no office with code"),
    (["--office", "16598444", "--platform", "bale", "--user-id", "999"], "No account with id"),
    (["--office", "16598445", "--platform", "bale", "--user-id", "502"], "is not linked"),
])
def test_a_wrong_unlink_is_one_line_and_changes_nothing(linked: None, args: list[str],
                                                        says: str) -> None:
    result = runner.invoke(app, ["accounts", "unlink", *args])
    assert result.exit_code == 2 and says in result.output, result.output
    assert _count(AccountOffice) == 2
    assert _count(AuditLog, AuditLog.action == "account.unlink") == 0


def test_staff_invite_prints_a_one_time_code(linked: None) -> None:
    result = runner.invoke(app, ["staff", "invite", "--role", "reviewer", "--region", "4",
                                 "--name", "کارشناس"])
    assert result.exit_code == 0, result.output
    assert "invite code " in result.output and "reviewer of region 4" in result.output
    result = runner.invoke(app, ["staff", "invite", "--role", "reviewer"])
    assert result.exit_code == 2
