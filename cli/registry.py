"""`pishkhan regions import`, `offices import`, `staff add|list|remove`, `experts list|import`:
the registry of regions and offices, and the people who work with it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli.common import console, err, language, print_import, say, with_uow

regions_app = typer.Typer(help="Regions and their provinces.", no_args_is_help=True)
offices_app = typer.Typer(help="The office registry.", no_args_is_help=True)
staff_app = typer.Typer(help="Reviewers, associations, liaisons and HQ staff.",
                        no_args_is_help=True)
experts_app = typer.Typer(help="The expert directory.", no_args_is_help=True)


Lang = Annotated[str, typer.Option("--lang", help="language of the report: en or fa")]


@regions_app.command("import")
def regions_import(file: Path, dry_run: Annotated[bool, typer.Option("--dry-run")] = False,
                   lang: Lang = "en") -> None:
    """Load regions and provinces from a CSV/XLSX (region_code, region_name, region_name_en,
    seat, province)."""
    from services.registry import import_regions

    lang = language(lang)
    report = with_uow(lambda uow: import_regions(uow, file, dry_run=dry_run), lang=lang)
    print_import(report, "regions", dry_run, lang)
    if report.rejected:
        if lang != "en":
            say(lang, "import-nothing-written")
        raise typer.Exit(2)


@offices_app.command("import")
def offices_import(
    file: Path,
    skip_bad: Annotated[bool, typer.Option("--skip-bad", help="write the good rows")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="only validate")] = False,
    lang: Lang = "en",
) -> None:
    """Upsert offices by office code from a CSV/XLSX with English or Persian headers."""
    from rich.progress import Progress

    from services.registry import import_offices

    lang = language(lang)
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("validating" if lang == "en" else "…", total=None)
        report = with_uow(lambda uow: import_offices(
            uow, file, skip_bad=skip_bad, dry_run=dry_run,
            progress=lambda n: progress.advance(task, n)), lang=lang)
    print_import(report, "offices", dry_run, lang)
    if report.unlinked:  # each was audited and told; the new holder links with their contact
        if lang == "en":
            console.print(f"{report.unlinked} accounts unlinked: the registry names another "
                          "licence holder for their office")
        else:
            say(lang, "import-unlinked", count=report.unlinked)
    if report.rejected and not skip_bad:
        if lang == "en":
            err.print("nothing was written: fix the rows above, or use --skip-bad")
        else:
            say(lang, "import-nothing-written-skip")
        raise typer.Exit(2)


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


def register(app: typer.Typer) -> None:
    app.add_typer(regions_app, name="regions")
    app.add_typer(offices_app, name="offices")
    app.add_typer(staff_app, name="staff")
    app.add_typer(experts_app, name="experts")
