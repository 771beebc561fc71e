"""Staff texts in Persian (issue 21, item 5), walked: every staff-facing message this test can
reach, asked for in Persian, has no English in it. The command line given bad input with
`--lang fa` (periods, corrections, audit, report, office results), the upload reports of the
offices, regions, association and satisfaction imports, and headquarters' messages in the
chat. What may stay Latin: codes and file names the person typed, commands (/links) and
options (--skip-bad), format names (CSV, XLSX), and fragments isolated for direction."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from scoring.calendar import format_jalali_numeric, utcnow
from services import staff
from services.accounts import identify
from tests.handlers.conftest import Harness, make_harness, texts
from tests.integration.test_cli import env  # noqa: F401  (the fixture)

DATA = Path(__file__).resolve().parents[2] / "demo" / "data"
FORMATS = {"PDF", "CSV", "XLSX", "UTF", "JPEG", "PNG", "QR", "NUL", "ICT", "xlsx", "csv"}
ISOLATED = re.compile("[\u2066\u2067\u2068][^\u2069]*\u2069")
COMMAND = re.compile(r"(?<![A-Za-z])(?:/|--)[a-z][a-z_-]*")
runner = CliRunner()


def english(text: str, *typed: str) -> list[str]:
    """The Latin words of `text` that are neither typed by the person nor allowed."""
    for value in sorted(typed, key=len, reverse=True):
        text = text.replace(value, "")
    text = COMMAND.sub("", ISOLATED.sub("", text))
    return [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in FORMATS]


def day(offset: int) -> str:
    return format_jalali_numeric(utcnow() + timedelta(days=offset), "en")


def _cli(args: list[str], *typed: str, code: int = 2) -> str:
    result = runner.invoke(app, [*args, "--lang", "fa"])
    assert result.exit_code == code, (args, result.output)
    assert result.output.strip(), args
    assert english(result.output, *typed) == [], (args, result.output)
    return result.output


def test_the_command_line_answers_staff_in_persian(env: str, tmp_path: Path) -> None:  # noqa: F811
    office = (DATA / "demo_offices.csv").read_text(encoding="utf-8").splitlines()[1][:8]
    assert runner.invoke(app, ["regions", "import", str(DATA / "demo_regions.csv")]
                         ).exit_code == 0
    assert runner.invoke(app, ["offices", "import", str(DATA / "demo_offices.csv")]
                         ).exit_code == 0
    assert runner.invoke(app, ["period", "create", "P1", "--opens", day(-3), "--closes",
                               day(10)]).exit_code == 0
    assert runner.invoke(app, ["period", "create", "P2", "--opens", day(30), "--closes",
                               day(60)]).exit_code == 0

    # Upload reports, row by row, and a file that cannot be read.
    bad_regions = tmp_path / "regions.csv"
    bad_regions.write_text("کد منطقه,نام منطقه,نام انگلیسی منطقه,مرکز,استان\n"
                           f"x,الف,A,ب,\n1,{'ب' * 150},B,ج,تهران\n", encoding="utf-8")
    report = _cli(["regions", "import", str(bad_regions), "--dry-run"], "'x'")
    assert "ردیف" in report and "عدد نیست" in report
    bad_offices = tmp_path / "offices.csv"
    bad_offices.write_text(
        "کد دفتر,نام دفتر,نوع دفتر,کد منطقه,استان,شهر,نام دارنده پروانه,"
        "تلفن همراه دارنده پروانه\nabc,,bogus,99,ناکجا,,,12\n"
        f"{office},دفتر,شهری,1,تهران,تهران,علی,09120000000\n"
        f"{office},دفتر,شهری,1,اصفهان,تهران,علی,09120000000\n", encoding="utf-8")
    report = _cli(["offices", "import", str(bad_offices)], "abc", "bogus")
    assert "تکراری" in report and "شمارهٔ همراه نیست" in report and "--skip-bad" in report
    _cli(["offices", "import", str(tmp_path / "missing.csv")], str(tmp_path))
    scores = tmp_path / "scores.csv"
    scores.write_text(f"کد دفتر,امتیاز\n{office},۸۵\n{office},۹۰\n99999999,۵۰\n"
                      f"{office[:-1]}0,twelve\n", encoding="utf-8")
    for kind in ("scores", "satisfaction"):
        report = _cli([kind, "import", str(scores), "--period", "P1"], "twelve")
        assert "ردیف" in report and "تکراری" in report
    no_columns = tmp_path / "columns.csv"
    no_columns.write_text("code,name\n1,الف\n", encoding="utf-8")
    _cli(["scores", "import", str(no_columns), "--period", "P1"], "code", "name")

    # Refusals of the periods, corrections, audit and report commands.
    for args, typed in (
            (["period", "create", "P3", "--opens", "1404/13/01", "--closes", day(5)], ()),
            (["period", "create", "P3", "--opens", day(9), "--closes", day(5)], ()),
            (["period", "create", "P3", "--opens", day(5), "--closes", day(40)], ("P",)),
            (["period", "edit", "P1", "--closes", day(20)], ("P",)),
            (["period", "edit", "NOPE", "--closes", day(20)], ("NOPE",)),
            (["period", "cancel", "P2", "--reason", " "], ()),
            (["period", "extend", "P1", "--closes", day(5)], ("P",)),
            (["period", "extend", "P2", "--closes", day(70)], ("P",)),
            (["correct", "reopen", "999", "P1", "--reason", "x"], ()),
            (["correct", "reopen", office, "P1", "--reason", "x"], ("P",)),
            (["correct", "reopen", office, "P1", "--reason", " "], ()),
            (["correct", "withdraw-negative", "999", "--reason", "x"], ()),
            (["correct", "undo-association", office, "P1", "--reason", "x"], ()),
            (["correct", "negatives", office, "NOPE"], ("NOPE",)),
            (["audit", "list", "--since", "yesterday"], ("yesterday",)),
            (["audit", "export", "--out", str(tmp_path / "audit.txt")],
             (str(tmp_path / "audit.txt"),)),
            (["report", "NOPE"], ("NOPE",)),
            (["report", "P1", "--format", "pdf"], ("pdf",)),
            (["office-results", "P1", "--out", str(tmp_path / "r.txt")],
             (str(tmp_path / "r.txt"),)),
            (["office-results", "NOPE", "--out", str(tmp_path / "r.csv")], ("NOPE",)),
    ):
        _cli(args, *typed)

    # What a command did, in Persian too.
    _cli(["report", "P1", "--out", str(tmp_path / "report.xlsx")], str(tmp_path), code=0)
    _cli(["office-results", "P1", "--out", str(tmp_path / "r.csv")], str(tmp_path), code=0)
    _cli(["audit", "export", "--out", str(tmp_path / "audit.csv")], str(tmp_path), code=0)
    _cli(["period", "edit", "P2", "--closes", day(61)], "P", code=0)
    _cli(["period", "extend", "P1", "--closes", day(12)], "P", code=0)


def test_the_other_staff_commands_answer_in_persian(env: str, tmp_path: Path) -> None:  # noqa: F811
    """Periods listed, ranking and publishing, staff and the expert directory, reminders, the
    outbox and the parked updates: bad input and what each did, all in Persian."""
    from scoring.rubric import load_sample_rubric

    rubric = load_sample_rubric().code
    for args in (["regions", "import", str(DATA / "demo_regions.csv")],
                 ["offices", "import", str(DATA / "demo_offices.csv")],
                 ["period", "create", "P0", "--opens", day(-60), "--closes", day(-40)],
                 ["period", "create", "P1", "--opens", day(-3), "--closes", day(10)]):
        assert runner.invoke(app, args).exit_code == 0, args
    experts = tmp_path / "experts.csv"
    experts.write_text("name,phone,category,topic_fa,topic_en,hours\n"
                       "مریم رضایی,09121234567,scoring,امتیازدهی,Scoring,۹ تا ۱۴\n",
                       encoding="utf-8")
    roles = ("reviewer", "association", "hq", "liaison")
    for args, typed in (
            (["rank", "NOPE"], ("NOPE",)),
            (["results", "publish", "NOPE"], ("NOPE",)),
            (["results", "publish", "P1"], ()),  # its review window is still open
            (["staff", "add", "--platform", "bale", "--user-id", "5", "--role", "boss"],
             ("boss", *roles)),  # the values to type
            (["staff", "add", "--platform", "whatsapp", "--user-id", "5", "--role", "hq"],
             ("whatsapp", "bale", "telegram")),
            (["staff", "add", "--platform", "bale", "--user-id", "5", "--role", "reviewer"],
             ("reviewer",)),
            (["staff", "remove", "999"], ()),
            (["experts", "import", str(tmp_path / "none.csv")], (str(tmp_path),)),
            (["experts", "link", "99", "--platform", "bale", "--user-id", "1"], ()),
            (["experts", "unlink", "99"], ()),
            (["remind", "NOPE", "--dry-run"], ("NOPE",)),
            (["remind", "P1", "--at", day(1)], ()),
            (["remind", "P1", "--dry-run", "--at", "1404/13/01"], ()),
            (["remind", "P1", "--dry-run", "--at", f"{day(1)} 9"], ()),
            (["inbox", "retry", "999"], ()),
            (["inbox", "drop", "999"], ()),
            (["period", "milestones", "P1", "--set", "opened, soon"], ("opened, soon",)),
            (["period", "milestones", "NOPE"], ("NOPE",)),
    ):
        _cli(args, *typed)

    # What each did.
    listed = _cli(["period", "list"], "P", rubric, code=0)
    assert format_jalali_numeric(utcnow(), "fa")[:4] in listed  # Jalali, Persian digits
    assert "رتبهٔ ۱" in _cli(["rank", "P0"], "P", code=0)
    published = _cli(["results", "publish", "P0"], "P", code=0)
    assert "نتایج دورهٔ P0 منتشر شد" in published  # the code as it was typed
    assert "منتشر شده بود" in _cli(["results", "publish", "P0"], "P", code=0)
    assert "ستاد" in _cli(["staff", "add", "--platform", "bale", "--user-id", "5", "--role",
                           "hq", "--name", "Sara"], code=0)
    staff_list = _cli(["staff", "list"], "Sara", code=0)
    assert "Sara" in staff_list and "بله" in staff_list  # the name as it was typed
    _cli(["staff", "remove", "1"], code=0)
    _cli(["experts", "import", str(experts)], code=0)
    assert "مریم رضایی" in _cli(["experts", "list"], code=0)
    assert "مریم رضایی" in _cli(["experts", "link", "1", "--platform", "telegram",
                                 "--user-id", "77"], code=0)
    _cli(["experts", "unlink", "1"], code=0)
    steps = _cli(["period", "milestones", "P1", "--set", "opened, 2d, last-day@09:00"], "P",
                 code=0)
    assert "۴۸ ساعت پیش از پایان بازه" in steps and "روز آخر، ساعت ۰۹:۰۰" in steps
    _cli(["remind", "P1", "--dry-run"], "P", code=0)
    _cli(["remind", "P1"], "P", code=0)
    _cli(["remind", "P1"], code=0)  # nothing due now: sent already
    assert "صف ارسال" in _cli(["outbox", "status"], code=0)
    _cli(["outbox", "unreachable"], code=0)
    _cli(["inbox", "list"], code=0)
    _park(env)
    parked = _cli(["inbox", "list"], "RuntimeError", "boom", code=0)  # the error as recorded
    assert "بله" in parked and "۹۰۰۱" in parked and format_jalali_numeric(utcnow(), "fa") in parked
    _cli(["inbox", "retry", "1"], code=0)
    _park(env, update_id=9002)
    _cli(["inbox", "drop", "2"], code=0)


def _park(url: str, update_id: int = 9001) -> None:
    """An update the bot gave up on, as the inbox keeps it."""
    import asyncio

    from storage.db import create_engine, create_sessionmaker
    from storage.models_inbox import PARKED, InboxUpdate

    async def main() -> None:
        engine = create_engine(url)
        async with create_sessionmaker(engine)() as session:
            session.add(InboxUpdate(platform="bale", bot_id=1, update_id=update_id, chat_id=42,
                                    payload="{}", received_at=utcnow(), state=PARKED,
                                    attempts=5, due_at=utcnow(),
                                    last_error="RuntimeError: boom"))
            await session.commit()
        await engine.dispose()

    asyncio.run(main())


HQ = ("bale", 7603)


@pytest.fixture
async def harness(db_url: str, tmp_path: Path) -> AsyncIterator[Harness]:
    async with make_harness(db_url, tmp_path) as made:
        await identify(made.uow(), *HQ, "ستاد")
        await staff.add_staff(made.uow(), platform=HQ[0], user_id=HQ[1], role="hq")
        yield made


async def test_headquarters_is_answered_in_persian_in_the_chat(harness: Harness) -> None:
    hq = harness.chat(*HQ)
    for sent in ("/start", "/publish", "/links", "/links 99999999", "/links abc", "/review"):
        said = texts(await hq.send(sent))
        assert said, sent
        for text in said:
            assert english(text) == [], (sent, text)
