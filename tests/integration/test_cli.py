"""The `pishkhan` command line: what an operator sees, and that wrong input writes nothing."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli.main import app
from storage.db import create_engine, create_sessionmaker
from storage.models import AuditLog, Office, Period, StaffRole

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PISHKHAN_DATABASE_URL", url)
    monkeypatch.delenv("PISHKHAN_BALE_TOKEN", raising=False)
    monkeypatch.delenv("PISHKHAN_TELEGRAM_TOKEN", raising=False)
    monkeypatch.setenv("COLUMNS", "200")  # rich wraps tables to the terminal width
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's folder
    return url


def count(url: str, model: type) -> int:
    async def main() -> int:
        engine = create_engine(url)
        async with create_sessionmaker(engine)() as session:
            value = await session.scalar(select(func.count()).select_from(model))
        await engine.dispose()
        return int(value or 0)

    return asyncio.run(main())


def test_import_then_reimport(env: str, registry_files) -> None:
    regions, offices = registry_files
    result = runner.invoke(app, ["regions", "import", str(regions)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["offices", "import", str(offices)])
    assert result.exit_code == 0, result.output
    assert "7943" in result.output
    result = runner.invoke(app, ["offices", "import", str(offices)])
    assert result.exit_code == 0
    assert "7943" in result.output.split("unchanged")[-1]
    assert count(env, Office) == 7943


def test_bad_file_exits_2_and_writes_nothing(env: str, registry_files, tmp_path: Path) -> None:
    runner.invoke(app, ["regions", "import", str(registry_files[0])])
    bad = tmp_path / "bad.csv"
    bad.write_text("office_code,office_name,office_type,region_code,province,city,holder_name,"
                   "holder_phone\n1,x,urban,4,مازندران,ساری,y,09121234567\n"
                   "2,x,urban,4,مازندران,ساری,y,12345\n", encoding="utf-8")
    result = runner.invoke(app, ["offices", "import", str(bad)])
    assert result.exit_code == 2
    assert "holder_phone" in result.output and "nothing was written" in result.output
    assert count(env, Office) == 0
    missing = runner.invoke(app, ["offices", "import", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 2 and "no such file" in missing.output


def test_staff_roles(env: str, registry_files) -> None:
    runner.invoke(app, ["regions", "import", str(registry_files[0])])
    ok = runner.invoke(app, ["staff", "add", "--platform", "bale", "--user-id", "42",
                             "--role", "reviewer", "--region", "7", "--name", "رضا"])
    assert ok.exit_code == 0, ok.output
    for args, message in [
        (["--platform", "bale", "--user-id", "42", "--role", "reviewer"], "--region"),
        (["--platform", "bale", "--user-id", "42", "--role", "reviewer", "--region", "99"],
         "unknown region 99"),
        (["--platform", "whatsapp", "--user-id", "1", "--role", "hq"], "unknown platform"),
        (["--platform", "bale", "--user-id", "1", "--role", "boss"], "unknown role"),
        (["--platform", "bale", "--user-id", "1", "--role", "association",
          "--province", "آتلانتیس"], "unknown province"),
    ]:
        result = runner.invoke(app, ["staff", "add", *args])
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output
    assert count(env, StaffRole) == 1
    listing = runner.invoke(app, ["staff", "list"])
    assert "reviewer" in listing.output and "42" in listing.output
    assert runner.invoke(app, ["staff", "remove", "1"]).exit_code == 0
    assert runner.invoke(app, ["staff", "remove", "1"]).exit_code == 2
    assert count(env, StaffRole) == 0
    assert count(env, AuditLog) == 2


def test_expert_directory_is_seeded(env: str) -> None:
    result = runner.invoke(app, ["experts", "list"])
    assert result.exit_code == 0
    for name in ("ثقفی", "مهری", "رحمانی ثانی"):
        assert name in result.output
    assert "89662920" in result.output


def test_run_without_a_token_names_the_variables(env: str) -> None:
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 2
    output = " ".join(result.output.split())
    assert "PISHKHAN_BALE_TOKEN" in output and "PISHKHAN_TELEGRAM_TOKEN" in output
    assert "pishkhan sandbox" in output


def test_period_dates_in_persian_digits(env: str) -> None:
    result = runner.invoke(app, ["period", "create", "1404-H1", "--opens", "۱۴۰۴/۰۷/۱۲",
                                 "--closes", "1404/08/12"])
    assert result.exit_code == 0, result.output
    listing = runner.invoke(app, ["period", "list"])
    assert "1404/07/12" in listing.output and "1404/08/12" in listing.output
    for args, message in [
        (["1404-H2", "--opens", "1404/13/01", "--closes", "1404/08/12"], "1404/13/01"),
        (["1404-H2", "--opens", "1404/08/12", "--closes", "1404/07/12"], "closes"),
        (["1404-H1", "--opens", "1404/07/12", "--closes", "1404/08/12"], "exists already"),
        (["1404-H2", "--opens", "1404/07/12", "--closes", "1404/08/12",
          "--rubric", "missing.toml"], "missing.toml"),
    ]:
        result = runner.invoke(app, ["period", "create", *args])
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output
    assert count(env, Period) == 1


def test_link_code_for_an_office(env: str, registry_files, tmp_path: Path) -> None:
    runner.invoke(app, ["regions", "import", str(registry_files[0])])
    csv = tmp_path / "o.csv"
    csv.write_text("office_code,office_name,office_type,region_code,province,city,holder_name,"
                   "holder_phone\n12345678,دفتر,urban,4,مازندران,ساری,علی,09121234567\n",
                   encoding="utf-8")
    runner.invoke(app, ["offices", "import", str(csv)])
    result = runner.invoke(app, ["link-code", "12345678"])
    assert result.exit_code == 0, result.output
    import re

    code = re.search(r"/start ([A-Z0-9]{8})", result.output)
    assert code is not None
    assert not set(code.group(1)) & set("01OIL")  # nothing to misread off paper
    wrong = runner.invoke(app, ["link-code", "99999999"])
    assert wrong.exit_code == 2 and "99999999" in wrong.output
