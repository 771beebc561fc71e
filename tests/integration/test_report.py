"""`pishkhan report`: the announcement tables from a period's declarations and results."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from cli.main import app
from storage.db import create_engine, create_sessionmaker
from storage.models import Declaration, Office, Result
from storage.reporting import period_report
from tests.integration.test_cli import env  # noqa: F401  (the fixture)

runner = CliRunner()


async def _synthetic_period(url: str) -> None:
    """A closed period where some offices declared and every office got a rank."""
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    rng = random.Random(5)
    async with sessions() as session:
        from storage.admin import get_period

        period = await get_period(session, "1404-H1")
        offices = (await session.scalars(select(Office))).all()
        for office in offices:
            if rng.random() < 0.6:
                session.add(Declaration(office_id=office.id, period_id=period.id,
                                        status="confirmed", version=1))
            session.add(Result(period_id=period.id, office_id=office.id, source="declared",
                               total=50, rank=rng.choice([1, 1, 2, 2, 3]), service_share=70,
                               breakdown_json="{}", computed_at=datetime.now(UTC)))
        await session.commit()
    await engine.dispose()


def test_report_tables_add_up(env: str, registry_files, tmp_path: Path) -> None:  # noqa: F811
    regions, offices = registry_files
    assert runner.invoke(app, ["regions", "import", str(regions)]).exit_code == 0
    assert runner.invoke(app, ["offices", "import", str(offices)]).exit_code == 0
    assert runner.invoke(app, ["period", "create", "1404-H1", "--opens", "1404/07/12",
                               "--closes", "1404/08/12"]).exit_code == 0
    asyncio.run(_synthetic_period(env))
    out, chart = tmp_path / "report.xlsx", tmp_path / "ranks.png"
    result = runner.invoke(app, ["report", "1404-H1", "--out", str(out), "--chart", str(chart)])
    assert result.exit_code == 0, result.output
    assert "۷٬۹۴۳ دفتر" in result.output  # the report speaks Persian unless asked (--lang en)
    book = load_workbook(out)
    assert len(book.sheetnames) == 6  # the four tables, then where ranks came from (2)
    assert all(sheet.sheet_view.rightToLeft for sheet in book.worksheets)
    assert chart.stat().st_size > 10_000

    async def tables():
        engine = create_engine(env)
        async with create_sessionmaker(engine)() as session:
            stats = await period_report(session, "1404-H1")
        await engine.dispose()
        return stats

    stats = asyncio.run(tables())
    for table in (stats.participation_by_type, stats.participation_by_region):
        assert all(row.declared <= row.registered for row in table.rows)
        assert sum(row.registered for row in table.rows) == table.total.registered == 7943
        assert sum(row.declared for row in table.rows) == table.total.declared
    for table in (stats.ranks_by_type, stats.ranks_by_region):
        assert sum(sum(row.counts) for row in table.rows) == 7943
    csv_dir = tmp_path / "csv"
    again = runner.invoke(app, ["report", "1404-H1", "--out", str(csv_dir), "--format", "csv"])
    assert again.exit_code == 0, again.output
    assert len(list(csv_dir.glob("*.csv"))) == 6
    wrong = runner.invoke(app, ["report", "1499-H9"])
    assert wrong.exit_code == 2 and "۱۴۹۹" in wrong.output  # in the report's language (fa)
