"""`pishkhan scores import`, `pishkhan satisfaction import`, `pishkhan rank` and `pishkhan
results publish`: validated and reported like the registry import, idempotent, frozen after
publishing. Wrong input prints one line and exits with code 2, having written nothing."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli.main import app
from demo.local import DATA
from storage.db import create_engine, create_sessionmaker
from storage.models import (
    Account,
    AccountOffice,
    Answer,
    Declaration,
    ExternalScore,
    Office,
    Outbox,
    Period,
    Result,
)
from tests.review.conftest import ANSWERS

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PISHKHAN_DATABASE_URL", url)
    monkeypatch.delenv("PISHKHAN_BALE_TOKEN", raising=False)
    monkeypatch.delenv("PISHKHAN_TELEGRAM_TOKEN", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)
    for args in (["regions", "import", str(DATA / "demo_regions.csv")],
                 ["offices", "import", str(DATA / "demo_offices.csv")],
                 ["period", "create", "1402-H1", "--opens", "1402/01/15", "--closes",
                  "1402/02/15", "--review-closes", "1402/02/31"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    return url


def run(url: str, work: Any) -> Any:
    async def main() -> Any:
        engine = create_engine(url)
        try:
            async with create_sessionmaker(engine)() as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def cells(output: str) -> list[str]:
    """The cells of the last row of the first table printed."""
    rows = [line for line in output.splitlines() if line.startswith("│")]
    return [c.strip() for c in rows[-1].split("│")[1:-1]]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


async def _scores(session: Any) -> dict[str, tuple[Any, ...]]:
    rows = (await session.execute(select(Office.code, ExternalScore.association,
                                         ExternalScore.satisfaction,
                                         ExternalScore.satisfaction_mean,
                                         ExternalScore.respondents).join(Office))).all()
    return {code: tuple(None if v is None else Decimal(v) for v in rest)
            for code, *rest in rows}


def test_scores_import_validates_every_row_and_writes_all_or_nothing(db: str,
                                                                      tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.csv", "کد دفتر,امتیاز\n16598444,۸۵٫۵\n99999999,70\n"
                                     "71100001,120\n16598444,60\n71100002,abc\n")
    result = runner.invoke(app, ["scores", "import", str(bad), "--period", "1402-H1"])
    assert result.exit_code == 2
    assert "No office has the code 99999999" in result.output  # the catalog's words
    assert "between 0 and 100" in result.output
    assert "duplicate code 16598444" in result.output
    assert "not a number" in result.output
    assert "nothing was written" in result.output
    assert run(db, _scores) == {}

    good = write(tmp_path, "good.csv", "office_code,score\n16598444,۸۵٫۵\n71100001,70\n")
    result = runner.invoke(app, ["scores", "import", str(good), "--period", "1402-H1",
                                 "--dry-run"])
    assert result.exit_code == 0 and "dry run" in result.output
    assert run(db, _scores) == {}
    result = runner.invoke(app, ["scores", "import", str(good), "--period", "1402-H1"])
    assert result.exit_code == 0, result.output
    assert run(db, _scores) == {"16598444": (Decimal("85.5"), None, None, None),
                                "71100001": (Decimal("70"), None, None, None)}
    result = runner.invoke(app, ["scores", "import", str(good), "--period", "1402-H1"])
    assert result.exit_code == 0
    assert cells(result.output) == ["0", "0", "2", "0"]  # inserted, updated, unchanged, bad

    result = runner.invoke(app, ["scores", "import", str(good), "--period", "1499-H1"])
    assert result.exit_code == 2 and "no period with code '1499-H1'" in result.output
    result = runner.invoke(app, ["scores", "import", str(tmp_path / "missing.csv"),
                                 "--period", "1402-H1"])
    assert result.exit_code == 2 and "no such file" in result.output
    headless = write(tmp_path, "headless.csv", "code,points\n16598444,80\n")
    result = runner.invoke(app, ["scores", "import", str(headless), "--period", "1402-H1"])
    assert result.exit_code == 2 and "missing column: office_code" in result.output


def test_satisfaction_import_takes_a_score_or_a_mean_rating(db: str, tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.csv", "office_code,score,mean,respondents\n"
                                     "16598444,,6,10\n71100001,,,\n71100002,,4.2,ده\n")
    result = runner.invoke(app, ["satisfaction", "import", str(bad), "--period", "1402-H1"])
    assert result.exit_code == 2
    assert "between 1 and 5" in result.output and "give a score or a mean" in result.output
    assert "not a whole number" in result.output
    good = write(tmp_path, "good.csv", "کد دفتر,امتیاز,میانگین,تعداد پاسخ‌دهندگان\n"
                                       "16598444,,۴٫۲,۳۸\n71100001,80,,\n")
    result = runner.invoke(app, ["satisfaction", "import", str(good), "--period", "1402-H1"])
    assert result.exit_code == 0, result.output
    assert run(db, _scores) == {"16598444": (None, None, Decimal("4.2"), Decimal(38)),
                                "71100001": (None, Decimal("80"), None, None)}


async def _declare(session: Any) -> None:
    period = await session.scalar(select(Period).where(Period.code == "1402-H1"))
    office = await session.scalar(select(Office).where(Office.code == "16598444"))
    declaration = Declaration(office_id=office.id, period_id=period.id, status="confirmed",
                              version=1)
    session.add(declaration)
    await session.flush()
    for key, value in ANSWERS.items():
        session.add(Answer(declaration_id=declaration.id, item_key=key,
                           value_json=json.dumps(value, ensure_ascii=False)))
    account = Account(platform="bale", platform_user_id=4242, locale="fa")
    session.add(account)
    await session.flush()
    session.add(AccountOffice(account_id=account.id, office_id=office.id, via="contact"))
    await session.commit()


async def _counts(session: Any) -> tuple[int, int, str]:
    results = await session.scalar(select(func.count()).select_from(Result))
    outbox = await session.scalar(select(func.count()).select_from(Outbox))
    status = await session.scalar(select(Declaration.status))
    return results, outbox, status


def test_rank_twice_publish_twice_then_frozen(db: str, tmp_path: Path) -> None:
    run(db, _declare)
    result = runner.invoke(app, ["rank", "1402-H1"])
    assert result.exit_code == 0, result.output
    assert "ranking of 1402-H1" in result.output
    assert cells(result.output)[:4] == ["10", "1", "0", "9"]  # offices, declared, carried, min
    assert run(db, _counts) == (10, 0, "confirmed")
    result = runner.invoke(app, ["rank", "1402-H1"])
    assert result.exit_code == 0
    assert cells(result.output)[7:9] == ["0", "10"]  # nothing written, ten unchanged

    result = runner.invoke(app, ["results", "publish", "1402-H1"])
    assert result.exit_code == 0, result.output
    assert "1 result messages queued" in result.output
    assert run(db, _counts) == (10, 1, "published")
    result = runner.invoke(app, ["results", "publish", "1402-H1"])
    assert result.exit_code == 0 and "nothing sent" in result.output
    assert run(db, _counts) == (10, 1, "published")

    result = runner.invoke(app, ["rank", "1402-H1"])
    assert result.exit_code == 0 and "frozen" in result.output
    good = write(tmp_path, "late.csv", "office_code,score\n16598444,90\n")
    result = runner.invoke(app, ["scores", "import", str(good), "--period", "1402-H1"])
    assert result.exit_code == 2 and "have been announced" in result.output
    result = runner.invoke(app, ["rank", "1499-H2"])
    assert result.exit_code == 2 and "no period" in result.output
