"""`pishkhan rank PERIOD`, `pishkhan results publish PERIOD`, `pishkhan scores import FILE
--period P` and `pishkhan satisfaction import FILE --period P`.

`register(app)` adds them to the main command line (cli/main.py calls it). Like every command,
wrong input prints one line and exits with code 2, having written nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from cli.common import LangOption
from texts.i18n import Markup


def _group(app: typer.Typer, name: str, help_text: str) -> typer.Typer:
    """The existing group `name`, or a new one."""
    for group in app.registered_groups:
        if group.name == name and group.typer_instance is not None:
            return group.typer_instance
    created = typer.Typer(help=help_text, no_args_is_help=True)
    app.add_typer(created, name=name)
    return created


def _print_ranking(summary: Any, lang: str = "en") -> None:
    from cli.common import console, print_table, words

    t = words(lang)
    title = t("cli-ranking-title", code=Markup(summary.period_code))
    if summary.frozen:
        title += " " + t("cli-ranking-frozen")
    seconds = f"{summary.seconds:.2f}"
    print_table(lang, title, ("offices", "declared", "carried", "minimum", "rank-1", "rank-2",
                              "rank-3", "written", "unchanged", "seconds"),
                [(summary.offices, summary.by_source.get("declared", 0),
                  summary.by_source.get("carried_forward", 0),
                  summary.by_source.get("minimum", 0),
                  *(summary.by_rank.get(rank, 0) for rank in (1, 2, 3)),
                  summary.changed, summary.unchanged,
                  t("cli-seconds", seconds=seconds))], justify="right")
    if summary.skipped:
        console.print(t("cli-ranking-skipped", count=summary.skipped), markup=False)


def register(app: typer.Typer) -> None:
    from cli.common import jalali, language, say, words
    from cli.main import UsageError, fail, with_uow

    results_app = _group(app, "results", "Publishing a period's results.")
    scores_app = _group(app, "scores", "Provincial association scores.")
    satisfaction_app = _group(app, "satisfaction", "Citizens' satisfaction scores.")

    @app.command("rank")
    def rank(period: str, lang: LangOption = "en") -> None:
        """Compute and store the score and rank of every office of PERIOD (confirmed and
        submitted declarations, carry-forward, minimum) in one transaction; running it twice
        changes nothing."""
        from services.clock import Clock
        from services.results import rank as rank_period

        lang = language(lang)
        _print_ranking(with_uow(lambda uow: rank_period(uow, None, period, Clock().now()),
                                lang=lang), lang)

    @results_app.command("publish")
    def publish(period: str, lang: LangOption = "en") -> None:
        """Rank PERIOD, freeze its results, and queue every linked owner's result message.
        Publishing twice sends nothing new."""
        from services.clock import Clock
        from services.results import publish as publish_period
        from storage.results import ResultsError

        lang = language(lang)
        try:
            summary = with_uow(lambda uow: publish_period(uow, None, period, Clock().now()),
                               lang=lang)
        except ResultsError as exc:
            fail(str(exc) if lang == "en" else words(lang)(exc.key, **exc.args_), lang)
            raise
        if summary.already:
            say(lang, "cli-published-already", code=Markup(summary.period_code),
                date=jalali(summary.published_at, lang))
            return
        _print_ranking(summary.ranking, lang)
        say(lang, "cli-published-skipped" if summary.unreachable else "cli-published",
            code=Markup(summary.period_code),
            declarations=summary.declarations_published, queued=summary.queued,
            unreachable=summary.unreachable)

    def _import(kind: str, file: Path, period: str, dry_run: bool, lang: str) -> None:
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

            err.print(words(lang)("import-nothing-written"), highlight=False, markup=False)
            raise typer.Exit(2)

    @scores_app.command("import")
    def scores_import(
        file: Path,
        period: Annotated[str, typer.Option(help="period code, e.g. 1404-H1")],
        dry_run: Annotated[bool, typer.Option("--dry-run", help="only validate")] = False,
        lang: LangOption = "en",
    ) -> None:
        """Association scores from a CSV/XLSX: office_code (کد دفتر), score (امتیاز)."""
        _import("association", file, period, dry_run, lang)

    @satisfaction_app.command("import")
    def satisfaction_import(
        file: Path,
        period: Annotated[str, typer.Option(help="period code, e.g. 1404-H1")],
        dry_run: Annotated[bool, typer.Option("--dry-run", help="only validate")] = False,
        lang: LangOption = "en",
    ) -> None:
        """Citizens' satisfaction from a CSV/XLSX: office_code (کد دفتر), score (امتیاز) and/or
        mean (میانگین, a 1–5 rating), respondents (تعداد پاسخ‌دهندگان)."""
        _import("satisfaction", file, period, dry_run, lang)
