"""`pishkhan period create|list` and `pishkhan report PERIOD`: evaluation periods and their
announcement tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from cli.common import console, fail, said, settings, with_uow
from texts.i18n import Markup

period_app = typer.Typer(help="Evaluation periods.", no_args_is_help=True)
LangOption = Annotated[str, typer.Option("--lang", help="language of messages: en or fa")]
ReasonOption = Annotated[str | None, typer.Option("--reason", help="why (kept in the audit log)")]


def _lang(lang: str) -> str:
    if lang not in ("fa", "en"):
        fail(f"unknown language {lang!r} (fa or en)")
    return lang


def _say(lang: str, key: str, **args: object) -> None:
    from texts.i18n import Translator

    console.print(Translator(lang)(key, **args), highlight=False, soft_wrap=True)


def said_key(lang: str, key: str, **args: object) -> str:
    from texts.i18n import Translator

    return Translator(lang)(key, **args)


def _paths(written: object) -> Markup:
    """Files written, as they are (a path's digits stay Latin in a Persian line)."""
    if isinstance(written, list | tuple):
        return Markup(", ".join(str(p) for p in written))
    return Markup(str(written))


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
    lang: LangOption = "en",
) -> None:
    """Open an evaluation period. Windows run from the start of the first day to the end of the
    last, Tehran time; the review window defaults to the owners' window. A window that overlaps
    another period's owners' window is refused (exit 2, nothing changed)."""
    from scoring import calendar
    from scoring.rubric import RubricError, load_rubric, load_sample_rubric
    from services.periods import create_period

    config = settings()
    lang = _lang(lang)
    try:
        opens_at, closes_at = calendar.window(opens, closes, config.tz)
        review_opens_at, review_closes_at = calendar.window(review_opens or opens,
                                                            review_closes or closes, config.tz)
        liaison_at = (calendar.end_of_day(calendar.parse_jalali(liaison_deadline), config.tz)
                      if liaison_deadline else None)
    except calendar.JalaliDateError as exc:
        fail(said(exc, lang), lang)
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
        rubric_code=loaded.code, rubric_text=text), lang=lang)
    _print_periods([record], lang)


def _print_periods(rows: list, lang: str = "en") -> None:
    from cli.common import jalali, print_table, words
    from scoring.calendar import last_day

    t = words(lang)
    print_table(lang, t("cli-periods-title"),
                ("code", "owners-window", "review-window", "rubric", "state"),
                [(p.code,
                  f"{jalali(p.opens_at, lang)} – {jalali(last_day(p.closes_at), lang)}",
                  f"{jalali(p.review_opens_at, lang)} – "
                  f"{jalali(last_day(p.review_closes_at), lang)}",
                  p.rubric_code,
                  t("cli-state-published") if p.published_at
                  else t("cli-state-closed") if p.closed_at else "") for p in rows])


def _day(text: str | None, *, end: bool) -> Any:
    """A Jalali day typed on the command line as the instant its window starts or ends (a
    date that is not one: `JalaliDateError`, which `with_uow` says in the operator's
    language)."""
    from scoring import calendar

    if text is None:
        return None
    tz = settings().tz
    day = calendar.parse_jalali(text)
    return calendar.end_of_day(day, tz) if end else calendar.start_of_day(day, tz)


@period_app.command("edit")
def period_edit(
    code: str,
    opens: Annotated[str | None, typer.Option(help="new first day, Jalali")] = None,
    closes: Annotated[str | None, typer.Option(help="new last day, Jalali")] = None,
    review_opens: Annotated[str | None, typer.Option(help="regions' new first day")] = None,
    review_closes: Annotated[str | None, typer.Option(help="regions' new last day")] = None,
    liaison_deadline: Annotated[str | None, typer.Option(help="new liaison deadline")] = None,
    reason: ReasonOption = None,
    lang: LangOption = "en",
) -> None:
    """Change the dates of a period that has not opened yet (audited)."""
    from services.periods import edit_period, window_text

    lang = _lang(lang)
    record = with_uow(lambda uow: edit_period(
        uow, code, opens_at=_day(opens, end=False), closes_at=_day(closes, end=True),
        review_opens_at=_day(review_opens, end=False),
        review_closes_at=_day(review_closes, end=True),
        liaison_deadline=_day(liaison_deadline, end=True), reason=reason), lang=lang)
    _say(lang, "period-edited", code=code, window=window_text(record.opens_at, record.closes_at))


@period_app.command("cancel")
def period_cancel(code: str, reason: Annotated[str, typer.Option(
        "--reason", help="why (required, kept in the audit log)")],
                  lang: LangOption = "en") -> None:
    """Cancel a period that has not opened yet (audited with its dates)."""
    from services.periods import cancel_period

    lang = _lang(lang)
    with_uow(lambda uow: cancel_period(uow, code, reason=reason), lang=lang)
    _say(lang, "period-cancelled", code=code)


@period_app.command("extend")
def period_extend(code: str, closes: Annotated[str, typer.Option(
        help="the owners' new last day, Jalali")], reason: ReasonOption = None,
                  lang: LangOption = "en") -> None:
    """Extend the open owners' window; owners who have not submitted are told the new date."""
    from scoring.calendar import format_jalali_numeric, last_day
    from services.periods import extend_period

    lang = _lang(lang)
    from cli.common import settings
    from services.send_hours import SendHours

    hours = SendHours.parse(settings().send_hours)  # the owners are told by day
    record, told = with_uow(lambda uow: extend_period(
        uow, code, closes_at=_day(closes, end=True), reason=reason, hours=hours), lang=lang)
    _say(lang, "period-extended", code=code, told=told,
         date=format_jalali_numeric(last_day(record.closes_at), "en"))


@period_app.command("list")
def period_list(lang: LangOption = "en") -> None:
    """List periods with their Jalali windows."""
    from services.periods import list_periods

    lang = _lang(lang)
    _print_periods(with_uow(list_periods, lang=lang), lang)


def report(
    period: str,
    out: Annotated[Path, typer.Option("--out", help="the XLSX workbook (or a folder for CSV)")
                   ] = Path("report.xlsx"),
    chart: Annotated[Path | None, typer.Option("--chart", help="a PNG of ranks by region")
                     ] = None,
    sources_chart: Annotated[Path | None, typer.Option(
        "--sources-chart", help="a PNG of where ranks came from, by region")] = None,
    file_format: Annotated[str, typer.Option("--format", help="xlsx or csv")] = "xlsx",
    lang: Annotated[str, typer.Option("--lang", help="fa or en")] = "fa",
) -> None:
    """The period's announcement tables: participation and ranks, by office type and region,
    and each group's ranks split into declared, carried forward and minimum without data."""
    from documents.announcement import add_source_sheets, source_rows, write_source_chart
    from documents.reports import write_csv, write_rank_chart, write_xlsx
    from documents.tables import write_table_csv
    from services.statistics import announcement

    lang = _lang(lang)
    if file_format not in ("xlsx", "csv"):
        fail(said_key(lang, "cli-unknown-format", format=file_format), lang)
    found = with_uow(lambda uow: announcement(uow, period), lang=lang)
    stats = found.stats
    if file_format == "xlsx":
        written: object = add_source_sheets(write_xlsx(stats, out, lang), found.sources, lang)
    else:
        paths = write_csv(stats, out, lang)
        folder = out.parent if out.suffix.lower() == ".csv" else out
        stem = out.stem + "-" if out.suffix.lower() == ".csv" else ""
        for name, table in (("sources_by_type", found.sources.by_type),
                            ("sources_by_region", found.sources.by_region)):
            paths.append(write_table_csv(*source_rows(table, lang),
                                         folder / f"{stem}{name}.csv"))
        written = paths
    _say(lang, "cli-wrote", path=_paths(written))
    if chart is not None:
        _say(lang, "cli-wrote", path=_paths(write_rank_chart(stats, chart, lang)))
    if sources_chart is not None:
        title = stats.period_fa if lang == "fa" else stats.period_en
        drawn = write_source_chart(found.sources.by_region, sources_chart, lang, title)
        _say(lang, "cli-wrote", path=_paths(drawn))
    total = stats.participation_by_type.total
    split = found.sources.by_type.total
    _say(lang, "cli-report-summary", registered=total.registered, declared=total.declared,
         percent=total.percent, from_declared=split.count("declared"),
         carried=split.count("carried_forward"), minimum=split.count("minimum"))


def office_results(
    period: str,
    out: Annotated[Path, typer.Option("--out", help="a .xlsx or .csv file")],
    region: Annotated[int | None, typer.Option(help="only this region's offices")] = None,
    lang: Annotated[str, typer.Option("--lang", help="fa or en")] = "fa",
) -> None:
    """Each ranked office's result: code, name, region, type, source of data, points per
    indicator, negatives, association, satisfaction, total and rank."""
    from dataclasses import replace

    from documents.announcement import office_rows
    from documents.tables import write_table
    from services.statistics import office_results as results_of
    from texts.i18n import Translator

    lang = _lang(lang)
    if out.suffix.lower() not in (".xlsx", ".csv"):
        fail(said_key(lang, "cli-out-suffix", path=Markup(str(out))), lang)
    found = with_uow(lambda uow: results_of(uow, period), lang=lang)
    if region is not None:
        found = replace(found, lines=tuple(x for x in found.lines if x.region_code == region))
    header, rows = office_rows(found, lang)
    written = write_table(header, rows, out, sheet=Translator(lang)("stats-sheet-offices"),
                          rtl=lang == "fa")
    _say(lang, "cli-wrote-offices", path=_paths(written), count=len(rows))


def register(app: typer.Typer) -> None:
    app.add_typer(period_app, name="period")
    app.command("report")(report)
    app.command("office-results")(office_results)
