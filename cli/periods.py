"""`pishkhan period create|list` and `pishkhan report PERIOD`: evaluation periods and their
announcement tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli.common import console, fail, settings, with_db, with_uow

period_app = typer.Typer(help="Evaluation periods.", no_args_is_help=True)


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


def register(app: typer.Typer) -> None:
    app.add_typer(period_app, name="period")
    app.command("report")(report)
