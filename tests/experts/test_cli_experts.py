"""`pishkhan experts link|unlink`, `faq import|list`, `holidays add|remove|list`."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import typer
from sqlalchemy import select
from typer.testing import CliRunner

from cli.experts import register
from storage.db import create_engine, create_sessionmaker
from storage.models import Account, Expert, Faq, Holiday

runner = CliRunner()


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[typer.Typer, str]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PISHKHAN_DATABASE_URL", url)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)
    app = typer.Typer(no_args_is_help=True)
    existing = typer.Typer(no_args_is_help=True)

    @existing.command("list")
    def _list() -> None:  # stands in for cli/main.py's own `experts list`
        pass

    app.add_typer(existing, name="experts")
    register(app)
    return app, url


def rows(url: str, model: type) -> list:
    async def main() -> list:
        engine = create_engine(url)
        async with create_sessionmaker(engine)() as session:
            found = list((await session.scalars(select(model))).all())
        await engine.dispose()
        return found

    return asyncio.run(main())


def test_link_an_expert(cli: tuple[typer.Typer, str]) -> None:
    app, url = cli
    result = runner.invoke(app, ["experts", "link", "3", "--platform", "telegram",
                                 "--user-id", "777"])
    assert result.exit_code == 0, result.output
    assert "linked to telegram:777" in result.output
    account = next(a for a in rows(url, Account) if a.platform_user_id == 777)
    expert = next(e for e in rows(url, Expert) if e.id == 3)
    assert expert.account_id == account.id
    result = runner.invoke(app, ["experts", "unlink", "3"])
    assert result.exit_code == 0, result.output
    assert next(e for e in rows(url, Expert) if e.id == 3).account_id is None


def test_link_refuses_bad_input(cli: tuple[typer.Typer, str]) -> None:
    app, url = cli
    result = runner.invoke(app, ["experts", "link", "99", "--platform", "telegram",
                                 "--user-id", "1"])
    assert result.exit_code == 2 and "no expert with id 99" in result.output
    result = runner.invoke(app, ["experts", "link", "1", "--platform", "whatsapp",
                                 "--user-id", "1"])
    assert result.exit_code == 2 and "unknown platform" in result.output
    assert all(e.account_id is None for e in rows(url, Expert))


def test_faq_import_and_list(cli: tuple[typer.Typer, str], tmp_path: Path) -> None:
    app, url = cli
    good = tmp_path / "faq.csv"
    good.write_text("category,question_fa,answer_fa,question_en,answer_en\n"
                    "evidence,اجاره‌نامه کافی است؟,بله، اجاره‌نامهٔ رسمی کافی است.,,\n"
                    "scoring,رتبه چگونه تعیین می‌شود؟,با امتیاز کل.,How?,By the total.\n",
                    encoding="utf-8")
    result = runner.invoke(app, ["faq", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "2 frequent questions" in result.output
    result = runner.invoke(app, ["faq", "list"])
    assert "اجاره‌نامه کافی است؟" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("category,question_fa,answer_fa\nweather,هوا؟,آفتابی\n", encoding="utf-8")
    result = runner.invoke(app, ["faq", "import", str(bad)])
    assert result.exit_code == 2 and "row 2: unknown category 'weather'" in result.output
    assert len(rows(url, Faq)) == 2  # the bad file replaced nothing


def test_holidays(cli: tuple[typer.Typer, str]) -> None:
    app, url = cli
    result = runner.invoke(app, ["holidays", "add", "1404/07/19", "--name", "تعطیل"])
    assert result.exit_code == 0, result.output
    assert "2025-10-11" in result.output
    assert [h.day for h in rows(url, Holiday)] == ["2025-10-11"]
    result = runner.invoke(app, ["holidays", "list"])
    assert "1404/07/19" in result.output
    result = runner.invoke(app, ["holidays", "add", "1404/13/01"])
    assert result.exit_code == 2
    result = runner.invoke(app, ["holidays", "remove", "1404/07/20"])
    assert result.exit_code == 2 and "not in the holiday list" in result.output
    result = runner.invoke(app, ["holidays", "remove", "1404/07/19"])
    assert result.exit_code == 0
    assert rows(url, Holiday) == []
