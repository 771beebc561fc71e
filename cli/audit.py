"""`pishkhan audit list|export`: the audit log, filtered by office, person, action and Jalali
dates; the export is CSV or XLSX by the file's extension. Nothing here changes a row."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from cli.common import console, fail, said, say, settings, with_uow

audit_app = typer.Typer(help="The audit log: read and export (it cannot be changed).",
                        no_args_is_help=True)

Office = Annotated[str | None, typer.Option("--office", help="office code")]
Person = Annotated[str | None, typer.Option(
    "--person", help="who: bale:ID, telegram:ID, cli, system, or an account id")]
Action = Annotated[str | None, typer.Option(
    "--action", help="an action (period.extend) or its family (period)")]
Since = Annotated[str | None, typer.Option("--since", help="first day, Jalali")]
Until = Annotated[str | None, typer.Option("--until", help="last day, Jalali")]
Lang = Annotated[str, typer.Option("--lang", help="fa or en")]


def _filter(office: str | None, person: str | None, action: str | None, since: str | None,
            until: str | None, limit: int | None, lang: str = "en") -> Any:
    from scoring import calendar
    from storage.audit import AuditFilter

    tz = settings().tz
    try:
        first = calendar.start_of_day(calendar.parse_jalali(since), tz) if since else None
        last = calendar.end_of_day(calendar.parse_jalali(until), tz) if until else None
    except calendar.JalaliDateError as exc:
        fail(said(exc, lang), lang)
        raise
    return AuditFilter(office=office, person=person, action=action, since=first, until=last,
                       limit=limit)


def _rows(where: Any, lang: str) -> list[Any]:
    from services.audit import audit_rows

    if lang not in ("fa", "en"):
        fail(f"unknown language {lang!r} (fa or en)")
    return with_uow(lambda uow: audit_rows(uow, where), lang=lang)


@audit_app.command("list")
def audit_list(office: Office = None, person: Person = None, action: Action = None,
               since: Since = None, until: Until = None,
               limit: Annotated[int, typer.Option(help="at most this many rows")] = 200,
               lang: Lang = "en") -> None:
    """The audit rows that match, oldest first."""
    from texts.audit import audit_header, audit_table_rows

    rows = _rows(_filter(office, person, action, since, until, limit, lang), lang)
    table = Table(title="audit log" if lang == "en" else None)
    for column in audit_header(lang):
        table.add_column(column)
    for row in audit_table_rows(rows, lang):
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)
    say(lang, "cli-rows", count=len(rows))


@audit_app.command("export")
def audit_export(out: Annotated[Path, typer.Option("--out", help="a .xlsx or .csv file")],
                 office: Office = None, person: Person = None, action: Action = None,
                 since: Since = None, until: Until = None, lang: Lang = "fa") -> None:
    """Every matching row as CSV or XLSX (by the extension of --out)."""
    from documents.tables import write_table
    from texts.audit import audit_header, audit_table_rows
    from texts.i18n import Markup, Translator

    if lang not in ("fa", "en"):
        fail(f"unknown language {lang!r} (fa or en)")
    if out.suffix.lower() not in (".xlsx", ".csv"):
        fail(Translator(lang)("cli-out-suffix", path=Markup(str(out))), lang)
    rows = _rows(_filter(office, person, action, since, until, None, lang), lang)
    written = write_table(audit_header(lang), audit_table_rows(rows, lang), out,
                          sheet="audit", rtl=lang == "fa")
    say(lang, "cli-wrote-rows", path=Markup(str(written)), count=len(rows))


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
