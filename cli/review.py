"""`pishkhan rank PERIOD`, `pishkhan results publish PERIOD`, `pishkhan scores import FILE
--period P` and `pishkhan satisfaction import FILE --period P`.

`register(app)` adds them to the main command line (cli/main.py calls it). Like every command,
wrong input prints one line and exits with code 2, having written nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer


def _group(app: typer.Typer, name: str, help_text: str) -> typer.Typer:
    """The existing group `name`, or a new one."""
    for group in app.registered_groups:
        if group.name == name and group.typer_instance is not None:
            return group.typer_instance
    created = typer.Typer(help=help_text, no_args_is_help=True)
    app.add_typer(created, name=name)
    return created


def _print_ranking(summary: Any) -> None:
    from rich.table import Table

    from cli.main import console

    table = Table(title=f"ranking of {summary.period_code}"
                  + (" (published: frozen, nothing changed)" if summary.frozen else ""))
    for column in ("offices", "declared", "carried forward", "minimum", "rank 1", "rank 2",
                   "rank 3", "written", "unchanged", "seconds"):
        table.add_column(column, justify="right")
    table.add_row(str(summary.offices), str(summary.by_source.get("declared", 0)),
                  str(summary.by_source.get("carried_forward", 0)),
                  str(summary.by_source.get("minimum", 0)),
                  *(str(summary.by_rank.get(rank, 0)) for rank in (1, 2, 3)),
                  str(summary.changed), str(summary.unchanged), f"{summary.seconds:.2f}")
    console.print(table)
    if summary.skipped:
        console.print(f"{summary.skipped} offices skipped: their type is not in the rubric")


def register(app: typer.Typer) -> None:
    from cli.main import UsageError, console, fail, with_uow

    results_app = _group(app, "results", "Publishing a period's results.")
    scores_app = _group(app, "scores", "Provincial association scores.")
    satisfaction_app = _group(app, "satisfaction", "Citizens' satisfaction scores.")

    @app.command("rank")
    def rank(period: str) -> None:
        """Compute and store the score and rank of every office of PERIOD (confirmed and
        submitted declarations, carry-forward, minimum) in one transaction; running it twice
        changes nothing."""
        from services.clock import Clock
        from services.results import rank as rank_period

        _print_ranking(with_uow(lambda uow: rank_period(uow, None, period, Clock().now())))

    @results_app.command("publish")
    def publish(period: str) -> None:
        """Rank PERIOD, freeze its results, and queue every linked owner's result message.
        Publishing twice sends nothing new."""
        from scoring.calendar import format_jalali_numeric
        from services.clock import Clock
        from services.results import publish as publish_period
        from storage.results import ResultsError

        try:
            summary = with_uow(lambda uow: publish_period(uow, None, period, Clock().now()))
        except ResultsError as exc:
            fail(str(exc))
            raise
        if summary.already:
            console.print(f"{summary.period_code} was published on "
                          f"{format_jalali_numeric(summary.published_at, 'en')}; nothing sent")
            return
        _print_ranking(summary.ranking)
        console.print(f"published {summary.period_code}: {summary.declarations_published} "
                      f"declarations, {summary.queued} result messages queued"
                      + (f", {summary.unreachable} unreachable accounts skipped"
                         if summary.unreachable else ""))

    def _import(kind: str, file: Path, period: str, dry_run: bool, lang: str) -> None:
        from cli.common import language, say
        from cli.main import _print_import
        from services.association import import_scores
        from services.errors import ServiceError

        lang = language(lang)

        async def work(uow: Any) -> Any:
            try:
                return await import_scores(uow, None, file, kind, period_code=period,
                                           dry_run=dry_run)
            except ServiceError as exc:  # the period is published: its scores are frozen
                from texts.i18n import Translator
                from texts.review_text import explain

                raise UsageError(explain(Translator(lang), exc)) from None

        report = with_uow(work, lang=lang)
        _print_import(report, f"{kind} scores", dry_run, lang, kind)
        if report.rejected:
            from cli.main import err

            if lang == "en":
                err.print("nothing was written: fix the rows above")
            else:
                say(lang, "import-nothing-written")
            raise typer.Exit(2)

    @scores_app.command("import")
    def scores_import(
        file: Path,
        period: Annotated[str, typer.Option(help="period code, e.g. 1404-H1")],
        dry_run: Annotated[bool, typer.Option("--dry-run", help="only validate")] = False,
        lang: Annotated[str, typer.Option("--lang", help="fa or en")] = "en",
    ) -> None:
        """Association scores from a CSV/XLSX: office_code (کد دفتر), score (امتیاز)."""
        _import("association", file, period, dry_run, lang)

    @satisfaction_app.command("import")
    def satisfaction_import(
        file: Path,
        period: Annotated[str, typer.Option(help="period code, e.g. 1404-H1")],
        dry_run: Annotated[bool, typer.Option("--dry-run", help="only validate")] = False,
        lang: Annotated[str, typer.Option("--lang", help="fa or en")] = "en",
    ) -> None:
        """Citizens' satisfaction from a CSV/XLSX: office_code (کد دفتر), score (امتیاز) and/or
        mean (میانگین, a 1–5 rating), respondents (تعداد پاسخ‌دهندگان)."""
        _import("satisfaction", file, period, dry_run, lang)
