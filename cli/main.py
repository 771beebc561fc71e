"""`pishkhan`: the command line for operators, HQ staff and developers.

Every command that is given wrong input prints one line naming the bad value and exits with code 2,
having written nothing. On the embedded SQLite database, commands bring the schema up to date by
themselves; on PostgreSQL run `pishkhan db upgrade` after each release.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from bot.settings import Settings

app = typer.Typer(help="Self-declaration bot for counter offices (Bale and Telegram).",
                  no_args_is_help=True, pretty_exceptions_enable=False)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
regions_app = typer.Typer(help="Regions and their provinces.", no_args_is_help=True)
offices_app = typer.Typer(help="The office registry.", no_args_is_help=True)
staff_app = typer.Typer(help="Reviewers, associations, liaisons and HQ staff.",
                        no_args_is_help=True)
experts_app = typer.Typer(help="The expert directory.", no_args_is_help=True)
period_app = typer.Typer(help="Evaluation periods.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(regions_app, name="regions")
app.add_typer(offices_app, name="offices")
app.add_typer(staff_app, name="staff")
app.add_typer(experts_app, name="experts")
app.add_typer(period_app, name="period")

console = Console()
err = Console(stderr=True)
T = TypeVar("T")


class UsageError(Exception):
    """Bad input from the person at the keyboard: one line, exit code 2."""


def fail(message: str) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def settings() -> Settings:
    try:
        return Settings()
    except Exception as exc:  # pydantic's ValidationError: name the variable, not a traceback
        fail(f"configuration: {exc}".splitlines()[0] + " — " + str(exc).splitlines()[-2].strip())
        raise


def with_db(work: Callable[..., Awaitable[T]], *, upgrade: bool | None = None) -> T:
    """Run `work(session)` against the configured database, mapping known errors to exit 2."""
    from scoring.calendar import JalaliDateError
    from storage.admin import AdminError
    from storage.db import create_engine, create_sessionmaker
    from storage.db import upgrade as upgrade_schema
    from storage.registry import RegistryFileError

    config = settings()

    async def main() -> T:
        engine = create_engine(config.database_url)
        try:
            if upgrade if upgrade is not None else config.is_sqlite:
                await upgrade_schema(engine)
            async with create_sessionmaker(engine)() as session:
                return await work(session)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(main())
    except (AdminError, RegistryFileError, JalaliDateError, UsageError) as exc:
        fail(str(exc))
        raise


def with_uow(work: Callable[..., Awaitable[T]], *, upgrade: bool | None = None) -> T:
    """Run `work(uow)`, a use case of `services`, against the configured database; a refusal
    (`ServiceError`) is one line in English and exit code 2."""
    from services.errors import ServiceError
    from services.uow import UnitOfWork
    from storage.db import create_sessionmaker
    from texts.i18n import Translator

    async def call(session: Any) -> T:
        return await work(UnitOfWork(create_sessionmaker(session.bind)))

    try:
        return with_db(call, upgrade=upgrade)
    except ServiceError as error:
        fail(Translator("en")(error.code, **error.params))
        raise


# --- db --------------------------------------------------------------------------------------

@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database schema up to date."""
    async def work(_session: object) -> None:
        return None

    with_db(work, upgrade=True)
    console.print("database is up to date")


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument("base")) -> None:
    """Take the schema back to REVISION (default: an empty database)."""
    from storage.db import create_engine, downgrade

    async def main() -> None:
        engine = create_engine(settings().database_url)
        await downgrade(engine, revision)
        await engine.dispose()

    asyncio.run(main())
    console.print(f"database is at {revision}")


# --- registry --------------------------------------------------------------------------------

def _print_import(report: object, what: str, dry_run: bool) -> None:
    from storage.registry import ImportReport

    assert isinstance(report, ImportReport)
    table = Table(title=f"{what} import" + (" (dry run: nothing written)" if dry_run else ""))
    for column in ("inserted", "updated", "unchanged", "rejected rows"):
        table.add_column(column, justify="right")
    table.add_row(str(report.inserted), str(report.updated), str(report.unchanged),
                  str(report.rejected_rows))
    console.print(table)
    if report.rejected:
        errors = Table(title="rejected")
        for column in ("row", "column", "reason"):
            errors.add_column(column)
        for error in report.rejected[:200]:
            errors.add_row(str(error.row), error.column, error.reason)
        console.print(errors)
        if len(report.rejected) > 200:
            console.print(f"… and {len(report.rejected) - 200} more")


@regions_app.command("import")
def regions_import(file: Path, dry_run: Annotated[bool, typer.Option("--dry-run")] = False
                   ) -> None:
    """Load regions and provinces from a CSV/XLSX (region_code, region_name, region_name_en,
    seat, province)."""
    from services.registry import import_regions

    report = with_uow(lambda uow: import_regions(uow, file, dry_run=dry_run))
    _print_import(report, "regions", dry_run)
    if report.rejected:
        raise typer.Exit(2)


@offices_app.command("import")
def offices_import(
    file: Path,
    skip_bad: Annotated[bool, typer.Option("--skip-bad", help="write the good rows")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="only validate")] = False,
) -> None:
    """Upsert offices by office code from a CSV/XLSX with English or Persian headers."""
    from rich.progress import Progress

    from services.registry import import_offices

    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("validating", total=None)
        report = with_uow(lambda uow: import_offices(
            uow, file, skip_bad=skip_bad, dry_run=dry_run,
            progress=lambda n: progress.advance(task, n)))
    _print_import(report, "offices", dry_run)
    if report.rejected and not skip_bad:
        err.print("nothing was written: fix the rows above, or use --skip-bad")
        raise typer.Exit(2)


# --- staff -----------------------------------------------------------------------------------

@staff_app.command("add")
def staff_add(
    platform: Annotated[str, typer.Option(help="bale or telegram")],
    user_id: Annotated[int, typer.Option(help="the person's numeric user id on that platform")],
    role: Annotated[str, typer.Option(help="reviewer, association, liaison or hq")],
    region: Annotated[int | None, typer.Option(help="region code (reviewer, liaison)")] = None,
    province: Annotated[str | None, typer.Option(help="province (association)")] = None,
    name: Annotated[str, typer.Option(help="the person's name")] = "",
) -> None:
    """Give a platform account a staff role."""
    from services.staff import add_staff

    record = with_uow(lambda uow: add_staff(uow, platform=platform, user_id=user_id, role=role,
                                            region=region, province=province, name=name))
    console.print(f"added {record.role} #{record.id} for {platform}:{user_id}")


@staff_app.command("list")
def staff_list() -> None:
    """List staff roles."""
    from services.staff import list_staff

    rows = with_uow(list_staff)
    table = Table(title="staff")
    for column in ("id", "platform", "user id", "role", "region", "province", "name"):
        table.add_column(column)
    for r in rows:
        table.add_row(str(r.id), r.platform, str(r.platform_user_id), r.role,
                      str(r.region_code or ""), r.province or "", r.name)
    console.print(table)


@staff_app.command("remove")
def staff_remove(staff_id: int) -> None:
    """Remove a staff role by its id (see `staff list`)."""
    from services.staff import remove_staff

    with_uow(lambda uow: remove_staff(uow, staff_id))
    console.print(f"removed staff role #{staff_id}")


# --- experts ---------------------------------------------------------------------------------

@experts_app.command("list")
def experts_list() -> None:
    """Show the expert directory."""
    from services.staff import list_experts

    rows = with_uow(list_experts)
    table = Table(title="experts")
    for column in ("id", "name", "phone", "category", "topic", "hours", "linked"):
        table.add_column(column)
    for e in rows:
        table.add_row(str(e.id), e.name, e.phone, e.category, e.topic_fa, e.hours,
                      "yes" if e.account_id else "")
    console.print(table)


@experts_app.command("import")
def experts_import(file: Path) -> None:
    """Replace the directory from a CSV: name, phone, category, topic_fa, topic_en, hours."""
    from services.staff import import_experts

    count = with_uow(lambda uow: import_experts(uow, file))
    console.print(f"{count} experts in the directory")


# --- periods ---------------------------------------------------------------------------------

@period_app.command("create")
def period_create(
    code: str,
    opens: Annotated[str, typer.Option(help="first day, Jalali: 1404/07/12")],
    closes: Annotated[str, typer.Option(help="last day, Jalali: 1404/08/12")],
    review_opens: Annotated[str | None, typer.Option(help="regions' first day")] = None,
    review_closes: Annotated[str | None, typer.Option(help="regions' last day")] = None,
    liaison_deadline: Annotated[str | None, typer.Option(
        help="last day to announce region liaison changes")] = None,
    rubric: Annotated[Path | None, typer.Option(help="rubric TOML (default: the sample)")] = None,
) -> None:
    """Open an evaluation period. Windows run from the start of the first day to the end of the
    last, Tehran time; the review window defaults to the owners' window."""
    from scoring import calendar
    from scoring.rubric import RubricError, load_rubric, load_sample_rubric
    from services.periods import create_period

    config = settings()
    try:
        opens_at, closes_at = calendar.window(opens, closes, config.tz)
        review_opens_at, review_closes_at = calendar.window(review_opens or opens,
                                                            review_closes or closes, config.tz)
        liaison_at = (calendar.end_of_day(calendar.parse_jalali(liaison_deadline), config.tz)
                      if liaison_deadline else None)
    except calendar.JalaliDateError as exc:
        fail(str(exc))
        raise
    try:
        if rubric is None:
            loaded = load_sample_rubric()
            text = (Path(__file__).resolve().parent.parent / "scoring/rubrics/sample.toml"
                    ).read_text(encoding="utf-8")
        else:
            text = rubric.read_text(encoding="utf-8") if rubric.exists() else ""
            if not rubric.exists():
                fail(f"no such rubric file: {rubric}")
            loaded = load_rubric(text)
    except RubricError as exc:
        fail(f"{rubric}: " + "; ".join(exc.errors))
        raise
    record = with_uow(lambda uow: create_period(
        uow, code=code, opens_at=opens_at, closes_at=closes_at, review_opens_at=review_opens_at,
        review_closes_at=review_closes_at, liaison_deadline=liaison_at,
        rubric_code=loaded.code, rubric_text=text))
    _print_periods([record])


def _print_periods(rows: list) -> None:
    from scoring.calendar import format_jalali_numeric, last_day

    table = Table(title="periods")
    for column in ("code", "owners' window", "review window", "rubric", "state"):
        table.add_column(column)
    for p in rows:
        state = ("published" if p.published_at else "closed" if p.closed_at else "")
        table.add_row(
            p.code,
            f"{format_jalali_numeric(p.opens_at, 'en')} – "
            f"{format_jalali_numeric(last_day(p.closes_at), 'en')}",
            f"{format_jalali_numeric(p.review_opens_at, 'en')} – "
            f"{format_jalali_numeric(last_day(p.review_closes_at), 'en')}",
            p.rubric_code, state)
    console.print(table)


@period_app.command("list")
def period_list() -> None:
    """List periods with their Jalali windows."""
    from services.periods import list_periods

    _print_periods(with_uow(list_periods))


@app.command("link-code")
def link_code(office_code: str) -> None:
    """Issue a one-time code (8 characters, single use, 7 days) that links an owner's account to
    the office: they send `/start CODE` to the bot, or open the bot's link with it."""
    from scoring.calendar import format_jalali_numeric
    from services.clock import Clock
    from services.linking import issue_code
    from storage.linking import CODE_DAYS

    issued = with_uow(lambda uow: issue_code(uow, office_code, Clock().now()))
    code, office = issued.code, issued.office
    console.print(f"office {office.code} ({office.name}): code [bold]{code}[/], single use, "
                  f"valid {CODE_DAYS} days, until "
                  f"{format_jalali_numeric(issued.expires_at, 'en')}")
    console.print(f"the owner sends:  /start {code}   (or opens https://t.me/<bot>?start={code}"
                  f" / https://ble.ir/<bot>?start={code})")


@app.command("report")
def report(
    period: str,
    out: Annotated[Path, typer.Option("--out", help="the XLSX workbook (or a folder for CSV)")
                   ] = Path("report.xlsx"),
    chart: Annotated[Path | None, typer.Option("--chart", help="a PNG of ranks by region")
                     ] = None,
    file_format: Annotated[str, typer.Option("--format", help="xlsx or csv")] = "xlsx",
    lang: Annotated[str, typer.Option("--lang", help="fa or en")] = "fa",
) -> None:
    """The period's announcement tables: participation and ranks, by office type and region."""
    from documents.reports import write_csv, write_rank_chart, write_xlsx
    from storage.reporting import period_report

    if file_format not in ("xlsx", "csv"):
        fail(f"unknown format {file_format!r} (xlsx or csv)")
    if lang not in ("fa", "en"):
        fail(f"unknown language {lang!r} (fa or en)")
    stats = with_db(lambda s: period_report(s, period))
    written = (write_xlsx(stats, out, lang) if file_format == "xlsx"
               else write_csv(stats, out, lang))
    console.print(f"wrote {written}")
    if chart is not None:
        console.print(f"wrote {write_rank_chart(stats, chart, lang)}")
    total = stats.participation_by_type.total
    console.print(f"{total.registered} offices, {total.declared} declared "
                  f"({total.percent}%)")


# --- running ---------------------------------------------------------------------------------

@app.command("run")
def run() -> None:
    """Run the bot (long polling) on every platform that has a token."""
    config = settings()
    if not config.platforms():
        fail("no bot token: set PISHKHAN_BALE_TOKEN and/or PISHKHAN_TELEGRAM_TOKEN "
             "(try `pishkhan sandbox` for local test tokens, or `pishkhan demo`)")
    from bot.app import run_polling

    asyncio.run(run_polling(config))


@app.command("webhook")
def webhook(host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
            port: Annotated[int, typer.Option(help="port to listen on")] = 8080) -> None:
    """Serve both platforms by webhook behind a reverse proxy (PISHKHAN_WEBHOOK_BASE_URL is the
    public https address; PISHKHAN_WEBHOOK_SECRET protects it)."""
    config = settings()
    if not config.platforms():
        fail("no bot token: set PISHKHAN_BALE_TOKEN and/or PISHKHAN_TELEGRAM_TOKEN")
    if not config.webhook_base_url or not config.webhook_secret:
        fail("webhook mode needs PISHKHAN_WEBHOOK_BASE_URL and PISHKHAN_WEBHOOK_SECRET")
    secret = config.webhook_secret.get_secret_value() if config.webhook_secret else ""
    if len(secret) < 16:
        fail("PISHKHAN_WEBHOOK_SECRET must be at least 16 characters")
    from bot.app import run_webhook

    asyncio.run(run_webhook(config, host, port))


@app.command("sandbox")
def sandbox_command(port: Annotated[int, typer.Option(help="port (0: any free one)")] = 8081
                    ) -> None:
    """Run the local Bot API emulator (Telegram and Bale flavours) and print test tokens."""
    from sandbox.main import serve

    serve(port)


@app.command("demo")
def demo(registry: Annotated[Path | None, typer.Option(
        help="a folder with regions.csv and offices.csv (e.g. ../shared/data)")] = None) -> None:
    """Play the whole story with no token and no network: sandbox, temporary SQLite, scripted
    owner, expert, region and headquarters, printing the Persian conversation."""
    from demo.story import run_demo

    if registry is not None and not (registry / "offices.csv").exists():
        fail(f"no offices.csv in {registry}")
    asyncio.run(run_demo(registry))


def _register_feature_commands() -> None:
    """Commands that live beside their feature: reminders and the outbox, experts and FAQ,
    review inputs, ranking and publishing, the citizens' survey."""
    from cli import accounts as cli_accounts
    from cli import experts as cli_experts
    from cli import inbox as cli_inbox
    from cli import reminders as cli_reminders
    from cli import review as cli_review
    from cli import survey as cli_survey

    for module in (cli_reminders, cli_experts, cli_review, cli_survey, cli_inbox, cli_accounts):
        module.register(app)


_register_feature_commands()


def main() -> None:  # pragma: no cover - the console script calls `app`
    app(prog_name="pishkhan")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
