"""`pishkhan survey …`: posters, links, rotation, scores, flags, fee reports and services, on a
fresh database, as an operator types them."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import select
from typer.testing import CliRunner

from cli import survey as cli_survey
from cli.main import app as main_app
from demo.local import DATA
from services.clock import Clock
from storage.db import create_engine, create_sessionmaker
from storage.models import ExternalScore, Office, Outbox, Period
from storage.models_survey import SurveyFlag, SurveyRating
from storage.survey import office_for_token, office_links
from tests.survey.test_posters import decode_pages, page_sizes
from texts.notices import render as render_notice

runner = CliRunner()
NAMES = ["--bale-username", "pishkhan_bale_bot", "--telegram-username", "@pishkhan_tg_bot"]


@pytest.fixture
def survey_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.setenv("PISHKHAN_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)
    for command in (["regions", "import", str(DATA / "demo_regions.csv")],
                    ["offices", "import", str(DATA / "demo_offices.csv")],
                    ["period", "create", "1404-H1", "--opens", "1404/07/12",
                     "--closes", "1404/08/12"]):
        result = runner.invoke(main_app, command)
        assert result.exit_code == 0, result.output
    app = typer.Typer()
    cli_survey.register(app)
    return app


def in_db(work: Callable[[Any], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        import os

        engine = create_engine(os.environ["PISHKHAN_DATABASE_URL"])
        try:
            async with create_sessionmaker(engine)() as session:
                return await work(session)
        finally:
            await engine.dispose()

    return asyncio.run(main())


def test_posters_for_one_office_a_region_or_all(survey_cli: typer.Typer, tmp_path: Path
                                                ) -> None:
    out = tmp_path / "sari.pdf"
    result = runner.invoke(survey_cli, ["survey", "posters", "--office", "16598444",
                                        "--out", str(out), *NAMES])
    assert result.exit_code == 0, result.output
    assert "1 A5 pages" in result.output
    assert len(page_sizes(out.read_bytes())) == 1

    async def token(session: Any) -> str:
        [office] = await office_links(session, office_code="16598444")
        return office.token

    sari = in_db(token)
    decoded = decode_pages(out.read_bytes(), required=False)
    assert decoded in (None, [{f"https://ble.ir/pishkhan_bale_bot?start=s_{sari}",
                               f"https://t.me/pishkhan_tg_bot?start=s_{sari}"}])

    region = tmp_path / "region4.pdf"
    result = runner.invoke(survey_cli, ["survey", "posters", "--region", "4", "--out",
                                        str(region), "--bale-username", "pishkhan_bale_bot"])
    assert result.exit_code == 0, result.output
    assert len(page_sizes(region.read_bytes())) == 3
    pages = decode_pages(region.read_bytes(), required=False)
    if pages is not None:
        assert pages[0] == {f"https://ble.ir/pishkhan_bale_bot?start=s_{sari}"}  # Bale only

    result = runner.invoke(survey_cli, ["survey", "posters", "--out", str(tmp_path / "all.pdf"),
                                        "--lang", "en", *NAMES])
    assert result.exit_code == 0, result.output
    assert len(page_sizes((tmp_path / "all.pdf").read_bytes())) == 10

    for bad, says in ((["--region", "4", "--office", "16598444"], "not both"),
                      (["--office", "99999999"], "no office with code"),
                      (["--region", "3"], "no office matches"),
                      (["--lang", "de"], "unknown language")):
        result = runner.invoke(survey_cli, ["survey", "posters", "--out",
                                            str(tmp_path / "x.pdf"), *bad, *NAMES])
        assert result.exit_code == 2 and says in result.output, (bad, result.output)
    result = runner.invoke(survey_cli, ["survey", "posters", "--out", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "no bot username" in result.output
    assert not (tmp_path / "x.pdf").exists()


def test_links_and_rotation(survey_cli: typer.Typer) -> None:
    result = runner.invoke(survey_cli, ["survey", "links", "--office", "71100001", *NAMES])
    assert result.exit_code == 0, result.output
    [line] = [x for x in result.output.splitlines() if "71100001" in x]
    old = line.split("start=s_")[1].split()[0]
    result = runner.invoke(survey_cli, ["survey", "rotate", "71100001"])
    assert result.exit_code == 0 and "new survey link" in result.output

    async def check(session: Any) -> tuple[Any, Any]:
        return await office_for_token(session, old), (await office_links(
            session, office_code="71100001"))[0]

    gone, new = in_db(check)
    assert gone is None and new.token != old


def test_scores_flags_and_fee_reports(survey_cli: typer.Typer) -> None:
    now = Clock().now()

    async def seed(session: Any) -> tuple[int, int]:
        period = await session.scalar(select(Period))
        office = await session.scalar(select(Office).where(Office.code == "16598444"))
        babol = await session.scalar(select(Office).where(Office.code == "16598445"))
        flag = SurveyFlag(period_id=period.id, office_id=office.id, reason="top",
                          first_at=now - timedelta(minutes=20), last_at=now)
        session.add(flag)
        await session.flush()
        for n in range(12):
            session.add(SurveyRating(
                period_id=period.id, office_id=office.id, phone=f"+98912000{n:04d}",
                platform="telegram", service="other", stars=4 if n < 10 else 5,
                extra_fee=n in (1, 2, 3), rated_at=now - timedelta(hours=n),
                status="counted" if n < 10 else "held",
                flag_id=None if n < 10 else flag.id))
        session.add(SurveyRating(period_id=period.id, office_id=babol.id, phone="+989120009999",
                                 platform="bale", service="tax", stars=2, rated_at=now))
        from services.staff import add_staff
        from services.uow import UnitOfWork

        await session.commit()
        await add_staff(UnitOfWork(create_sessionmaker(session.bind)), platform="bale",
                        user_id=7004, role="reviewer", region=4)
        return flag.id, office.id

    flag_id, _office_id = in_db(seed)

    result = runner.invoke(survey_cli, ["survey", "scores", "1404-H1", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "dry run" in result.output
    [sari] = [x for x in result.output.splitlines() if "16598444" in x]
    assert [cell.strip() for cell in sari.split("│")[1:4]] == ["16598444", "10", "4.00"]

    result = runner.invoke(survey_cli, ["survey", "scores", "1404-H1"])
    assert result.exit_code == 0, result.output
    assert "2 offices with ratings, 1 below the minimum; 2 satisfaction inputs written" \
        in result.output

    async def external(session: Any) -> list[tuple[Any, Any]]:
        rows = (await session.scalars(select(ExternalScore).order_by(
            ExternalScore.office_id))).all()
        return [(str(r.satisfaction_mean) if r.satisfaction_mean is not None else None,
                 r.respondents) for r in rows]

    assert in_db(external) == [("4.00", 10), (None, 1)]

    result = runner.invoke(survey_cli, ["survey", "flags"])
    assert result.exit_code == 0 and "16598444" in result.output and "open" in result.output
    result = runner.invoke(survey_cli, ["survey", "clear", str(flag_id)])
    assert result.exit_code == 0 and "2 ratings now count" in result.output, result.output
    result = runner.invoke(survey_cli, ["survey", "clear", str(flag_id), "--reject"])
    assert result.exit_code == 2 and "cleared already" in result.output
    result = runner.invoke(survey_cli, ["survey", "flags"])
    assert "16598444" not in result.output
    runner.invoke(survey_cli, ["survey", "scores", "1404-H1"])
    assert in_db(external)[0] == ("4.17", 12)

    result = runner.invoke(survey_cli, ["survey", "fees", "1404-H1", "--route"])
    assert result.exit_code == 0, result.output
    assert "16598444" in result.output and "1 messages queued" in result.output
    result = runner.invoke(survey_cli, ["survey", "fees", "1404-H1", "--route"])
    assert "0 messages queued" in result.output  # the same reports are not sent twice

    async def notices(session: Any) -> list[tuple[int, str]]:
        rows = (await session.scalars(select(Outbox).where(Outbox.kind == "survey_fee"))).all()
        return [(r.chat_id, render_notice(json.loads(r.payload_json), r.platform)["text"])
                for r in rows]

    [(chat, notice)] = in_db(notices)  # the region's reviewer, counts only
    assert chat == 7004 and "۳ مراجع" in notice and "امتیاز منفی نیست" in notice


def test_services_import_and_list(survey_cli: typer.Typer, tmp_path: Path) -> None:
    result = runner.invoke(survey_cli, ["survey", "services", "list"])
    assert result.exit_code == 0 and "id_card" in result.output
    good = tmp_path / "services.csv"
    good.write_text("key,title_fa,title_en\nsana,ثبت‌نام ثنا,Sana registration\n"
                    "police,خدمات انتظامی,Police services\nother,سایر,Other\n",
                    encoding="utf-8")
    result = runner.invoke(survey_cli, ["survey", "services", "import", str(good)])
    assert result.exit_code == 0 and "3 services" in result.output
    result = runner.invoke(survey_cli, ["survey", "services", "list"])
    assert "sana" in result.output and "id_card" not in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("key,title_fa\nBad Key,x\nok,y\n", encoding="utf-8")
    result = runner.invoke(survey_cli, ["survey", "services", "import", str(bad)])
    assert result.exit_code == 2 and "row 2" in result.output
    result = runner.invoke(survey_cli, ["survey", "services", "list"])
    assert "sana" in result.output  # nothing written
