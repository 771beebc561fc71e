"""`pishkhan survey …`: posters, links, scores, bursts held for review, fee reports, services.

`register(app)` adds the group to the main command line (cli/main.py calls it). Like every
command, wrong input prints one line and exits with code 2, having written nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    survey_app = typer.Typer(help="The citizens' satisfaction survey.", no_args_is_help=True)
    services_app = typer.Typer(help="The services a citizen may say they received.",
                               no_args_is_help=True)
    app.add_typer(survey_app, name="survey")
    survey_app.add_typer(services_app, name="services")

    def usernames(bale: str | None, telegram: str | None) -> dict[str, str]:
        from cli.main import fail, settings

        config = settings()
        found = {platform: name.lstrip("@") for platform, name in (
            ("bale", bale or getattr(config, "bale_username", None)),
            ("telegram", telegram or getattr(config, "telegram_username", None))) if name}
        if not found:
            fail("no bot username: set PISHKHAN_BALE_USERNAME and PISHKHAN_TELEGRAM_USERNAME "
                 "(or give --bale-username / --telegram-username)")
        return found

    def check_scope(region: int | None, office: str | None) -> None:
        from cli.main import fail

        if region is not None and office is not None:
            fail("give --region or --office, not both")

    @survey_app.command("posters")
    def posters(
        out: Annotated[Path, typer.Option("--out", help="the PDF to write")] = Path(
            "posters.pdf"),
        region: Annotated[int | None, typer.Option(help="only this region's offices")] = None,
        office: Annotated[str | None, typer.Option(help="only this office (its code)")] = None,
        lang: Annotated[str, typer.Option(help="fa or en")] = "fa",
        bale_username: Annotated[str | None, typer.Option(help="the Bale bot's username")
                                 ] = None,
        telegram_username: Annotated[str | None, typer.Option(
            help="the Telegram bot's username")] = None,
    ) -> None:
        """One A5 page per office: its name, instructions and the QR codes of its survey link
        on Bale and Telegram, in black and white."""
        from rich.progress import Progress

        from cli.main import console, err, fail, with_uow
        from documents.posters import write_posters
        from services.survey_admin import links

        check_scope(region, office)
        if lang not in ("fa", "en"):
            fail(f"unknown language {lang!r} (fa or en)")
        names = usernames(bale_username, telegram_username)
        offices = with_uow(lambda uow: links(uow, region=region, office_code=office))
        if not offices:
            fail("no office matches" + (f" region {region}" if region is not None else ""))
        with Progress(console=err, transient=True) as progress:
            task = progress.add_task("posters", total=len(offices))
            pages = write_posters(offices, names, out, lang=lang,
                                  progress=lambda n: progress.advance(task, n))
        console.print(f"wrote {out}: {pages} A5 pages ({', '.join(sorted(names))})")

    @survey_app.command("links")
    def links(
        region: Annotated[int | None, typer.Option(help="only this region's offices")] = None,
        office: Annotated[str | None, typer.Option(help="only this office (its code)")] = None,
        bale_username: Annotated[str | None, typer.Option()] = None,
        telegram_username: Annotated[str | None, typer.Option()] = None,
    ) -> None:
        """The survey links of offices (created where missing)."""
        from rich.table import Table

        from cli.main import console, with_uow
        from services.survey import deep_link
        from services.survey_admin import links

        check_scope(region, office)
        names = usernames(bale_username, telegram_username)
        table = Table(title="survey links")
        table.add_column("office")
        for platform in names:
            table.add_column(platform)
        for item in with_uow(lambda uow: links(uow, region=region, office_code=office)):
            table.add_row(item.code, *(deep_link(p, n, item.token) for p, n in names.items()))
        console.print(table)

    @survey_app.command("rotate")
    def rotate(office: str) -> None:
        """Give OFFICE a new survey link: its old posters stop working; print new ones."""
        from cli.main import console, with_uow
        from services.clock import Clock
        from services.survey_admin import rotate

        item = with_uow(lambda uow: rotate(uow, office, Clock().now()))
        console.print(f"office {item.code}: new survey link issued; print its poster again "
                      f"(pishkhan survey posters --office {item.code})")

    @survey_app.command("scores")
    def scores(
        period: str,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="only show")] = False,
    ) -> None:
        """Each office's survey result in PERIOD (counts only), written into the period's
        satisfaction inputs that `pishkhan rank` uses (below the rubric's minimum number of
        respondents the rubric's default applies)."""
        from rich.table import Table

        from cli.main import console, with_uow
        from services.survey_admin import scores_of

        run = with_uow(lambda uow: scores_of(uow, period, dry_run=dry_run))
        rows, written, points = run.rows, run.written, run.max_points
        table = Table(title=f"survey of {period}")
        for column in ("office", "counted", "mean", "held", "set aside", "fee reports",
                       "points"):
            table.add_column(column, justify="right")
        for code, s, line in rows:
            table.add_row(code, str(s.respondents), str(s.mean or "–"), str(s.held),
                          str(s.rejected), str(s.fee_reports),
                          f"{line.points}/{points}" + ("" if s.enough else " (default)"))
        console.print(table)
        if written is None:
            console.print("dry run: nothing written")
        elif written.frozen:
            console.print(f"{period} is published: its scores are frozen, nothing written")
        else:
            console.print(f"{written.offices} offices with ratings, {written.below_minimum} "
                          f"below the minimum; {written.written} satisfaction inputs written")

    @survey_app.command("flags")
    def list_flags(
        every: Annotated[bool, typer.Option("--all", help="also decided ones")] = False,
        region: Annotated[int | None, typer.Option(help="only this region")] = None,
    ) -> None:
        """Bursts of ratings held out of the score until a reviewer decides."""
        from rich.table import Table

        from cli.main import console, with_uow
        from scoring.calendar import format_jalali_numeric
        from services.survey_admin import flags

        rows = with_uow(lambda uow: flags(uow, region=region, every=every))
        table = Table(title="survey flags")
        for column in ("id", "period", "office", "region", "why", "ratings", "since",
                       "status"):
            table.add_column(column)
        for f in rows:
            table.add_row(str(f.id), f.period_code, f.office_code, str(f.region_code),
                          f.reason, str(f.ratings), format_jalali_numeric(f.first_at, "en"),
                          f.status)
        console.print(table)

    @survey_app.command("clear")
    def clear(
        flag_id: int,
        reject: Annotated[bool, typer.Option("--reject", help="set the ratings aside")] = False,
    ) -> None:
        """Decide a held burst: its ratings count (default) or, with --reject, never do."""
        from cli.main import console, with_uow
        from services.clock import Clock
        from services.survey_admin import decide

        decision = "reject" if reject else "clear"
        flag = with_uow(lambda uow: decide(uow, None, flag_id, decision, Clock().now()))
        console.print(f"flag #{flag.id} ({flag.office_code}): {flag.ratings} ratings "
                      + ("set aside" if reject else "now count"))

    @survey_app.command("fees")
    def fees(
        period: str,
        region: Annotated[int | None, typer.Option(help="only this region")] = None,
        route: Annotated[bool, typer.Option(
            "--route", help="tell each region's reviewers about their offices")] = False,
    ) -> None:
        """Offices whose visitors said they were asked more than the official tariff: a
        possible case for the region, never a negative point by itself."""
        from rich.table import Table

        from cli.main import console, with_uow
        from services.survey_admin import fees as fee_run

        found = with_uow(lambda uow: fee_run(uow, period, region=region, route=route))
        rows, queued = found.reports, found.queued
        table = Table(title=f"fee reports in {period}")
        for column in ("office", "name", "region", "reports"):
            table.add_column(column)
        for r in rows:
            table.add_row(r.office_code, r.office_name, str(r.region_code), str(r.reports))
        console.print(table)
        if queued is not None:
            console.print(f"{queued} messages queued to the regions' reviewers")

    @services_app.command("import")
    def services_import(file: Path) -> None:
        """Replace the list from a CSV: key, title_fa, title_en (2 to 12 rows, in order)."""
        from cli.main import console, with_uow
        from services.survey_admin import import_services

        count = with_uow(lambda uow: import_services(uow, file))
        console.print(f"{count} services in the survey")

    @services_app.command("list")
    def services_list() -> None:
        """The services a citizen chooses from."""
        from rich.table import Table

        from cli.main import console, with_uow
        from services.survey_admin import list_services

        table = Table(title="survey services")
        for column in ("key", "Persian", "English"):
            table.add_column(column)
        for s in with_uow(list_services):
            table.add_row(s.key, s.title_fa, s.title_en)
        console.print(table)
