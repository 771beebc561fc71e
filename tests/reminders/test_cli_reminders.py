"""`pishkhan remind`, `pishkhan period milestones` and `pishkhan outbox`: what an operator sees."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner

from cli.reminders import register
from demo.local import DATA, SAMPLE_RUBRIC
from scoring.calendar import TEHRAN, format_jalali_numeric
from services.periods import create_period
from services.registry import import_offices, import_regions
from services.uow import UnitOfWork
from storage.db import create_engine, create_sessionmaker, upgrade
from storage.models import Account, AccountOffice, Declaration, Office, Outbox, Period

runner = CliRunner()
NOW = datetime.now(UTC)


@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def run(url: str, work: Callable[[AsyncSession], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        engine = create_engine(url)
        try:
            async with create_sessionmaker(engine)() as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(main())


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PISHKHAN_DATABASE_URL", url)
    monkeypatch.setenv("COLUMNS", "250")
    monkeypatch.chdir(tmp_path)

    async def setup(session: AsyncSession) -> None:
        await upgrade(session.bind)
        uow = UnitOfWork(create_sessionmaker(session.bind))
        await import_regions(uow, DATA / "demo_regions.csv")
        await import_offices(uow, DATA / "demo_offices.csv")
        from scoring.rubric import load_rubric

        text = SAMPLE_RUBRIC.read_text(encoding="utf-8")
        period = await create_period(
            uow, code="1404-H1", opens_at=NOW - timedelta(days=3),
            closes_at=NOW + timedelta(days=10), review_opens_at=NOW - timedelta(days=3),
            review_closes_at=NOW + timedelta(days=10), rubric_code=load_rubric(text).code,
            rubric_text=text)
        offices = {o.code: o.id for o in (await session.scalars(select(Office))).all()}
        for code, platform, user_id in (("16598444", "telegram", 501), ("16598445", "bale", 502),
                                        ("71100002", "telegram", 503)):
            account = Account(platform=platform, platform_user_id=user_id, locale="fa")
            session.add(account)
            await session.flush()
            session.add(AccountOffice(account_id=account.id, office_id=offices[code],
                                      via="contact"))
        session.add(Declaration(office_id=offices["71100002"], period_id=period.id,
                                status="submitted"))
        await session.commit()

    run(url, setup)
    return url


def outbox_rows(url: str) -> int:
    async def count(session: AsyncSession) -> int:
        return int(await session.scalar(select(func.count()).select_from(Outbox)) or 0)

    return run(url, count)


def test_dry_run_lists_who_would_get_what_and_writes_nothing(env: str, cli: typer.Typer) -> None:
    result = runner.invoke(cli, ["remind", "1404-H1", "--dry-run"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "opened" in out and "would go to 2 accounts (bale 1, telegram 1)" in out
    assert "telegram:501" in out and "bale:502" in out and "503" not in out
    assert "16598444" in out and "پنجرهٔ خوداظهاری ششماهه باز شد" in out
    assert "dry run: nothing written" in out
    assert "no reminder is due now" in out  # no liaison deadline in this period
    assert outbox_rows(env) == 0


def test_remind_sends_once(env: str, cli: typer.Typer) -> None:
    result = runner.invoke(cli, ["remind", "1404-H1"])
    assert result.exit_code == 0, result.output
    assert "owners opened: 2 messages queued" in result.output
    assert outbox_rows(env) == 2
    again = runner.invoke(cli, ["remind", "1404-H1"])
    assert "nothing due now" in again.output
    dry = runner.invoke(cli, ["remind", "1404-H1", "--dry-run"])
    assert "was sent at" in dry.output and "nothing would be sent now" in dry.output
    assert outbox_rows(env) == 2


def test_dry_run_at_a_later_time(env: str, cli: typer.Typer) -> None:
    later = NOW + timedelta(days=8)  # two days before the close
    when = f"{format_jalali_numeric(later, 'en')} {later.astimezone(TEHRAN):%H:%M}"
    result = runner.invoke(cli, ["remind", "1404-H1", "--dry-run", "--at", when])
    assert result.exit_code == 0, result.output
    assert "d3 (due" in result.output and "۲ روز تا پایان مهلت" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["remind", "1403-H2", "--dry-run"], "no period with code '1403-H2'"),
    (["remind", "1404-H1", "--at", "1404/08/01"], "--at only goes with --dry-run"),
    (["remind", "1404-H1", "--dry-run", "--at", "1404/13/01"], "no such Jalali date"),
    (["period", "milestones", "1404-H1", "--set", "opened, soon"], "not a milestone"),
])
def test_wrong_input_exits_2(env: str, cli: typer.Typer, args: list[str], message: str) -> None:
    result = runner.invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert outbox_rows(env) == 0


def test_milestones_can_be_shown_and_changed(env: str, cli: typer.Typer) -> None:
    result = runner.invoke(cli, ["period", "milestones", "1404-H1"])
    assert result.exit_code == 0, result.output
    for key in ("opened", "d7", "d3", "d1", "last_day", "h3"):
        assert key in result.output
    result = runner.invoke(cli, ["period", "milestones", "1404-H1", "--set", "opened, 2d, 6h"])
    assert result.exit_code == 0, result.output
    assert "d2" in result.output and "h6" in result.output and "d7" not in result.output

    async def stored(session: AsyncSession) -> str | None:
        return (await session.scalar(select(Period.milestones_json)))

    assert run(env, stored) == ('[{"key": "opened", "after_open_hours": 0}, '
                                '{"key": "d2", "before_close_hours": 48}, '
                                '{"key": "h6", "before_close_hours": 6}]')


def test_outbox_status_and_unreachable_offices(env: str, cli: typer.Typer) -> None:
    runner.invoke(cli, ["remind", "1404-H1"])

    async def block(session: AsyncSession) -> None:
        account = await session.scalar(select(Account).where(Account.platform_user_id == 501))
        account.unreachable_at = NOW
        row = await session.scalar(select(Outbox).where(Outbox.chat_id == 501))
        row.status = "unreachable"
        await session.commit()

    run(env, block)
    result = runner.invoke(cli, ["outbox", "status"])
    assert result.exit_code == 0, result.output
    lines = {line.split("│")[1].strip(): line for line in result.output.splitlines()
             if line.count("│") > 3}
    cells = [c.strip() for c in lines["telegram"].split("│")[2:-1]]
    assert cells == ["0", "0", "0", "0", "0", "1", "0"]
    cells = [c.strip() for c in lines["bale"].split("│")[2:-1]]
    assert cells == ["1", "0", "0", "0", "0", "0", "0"]
    result = runner.invoke(cli, ["outbox", "unreachable"])
    assert result.exit_code == 0, result.output
    assert "offices nobody can reach (1)" in result.output
    assert "16598444" in result.output and "telegram:501" in result.output
    assert "7 offices have no linked account at all" in result.output
