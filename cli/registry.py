"""`pishkhan regions import`, `offices import`, `staff add|list|remove`, `experts list|import`:
the registry of regions and offices, and the people who work with it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import (
    LangOption,
    account,
    err,
    label,
    language,
    print_import,
    print_table,
    say,
    with_uow,
    words,
)

regions_app = typer.Typer(help="Regions and their provinces.", no_args_is_help=True)
offices_app = typer.Typer(help="The office registry.", no_args_is_help=True)
staff_app = typer.Typer(help="Reviewers, associations, liaisons and HQ staff.",
                        no_args_is_help=True)
experts_app = typer.Typer(help="The expert directory.", no_args_is_help=True)


Lang = LangOption


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
        err.print(words(lang)("import-nothing-written"), highlight=False, markup=False)
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
        task = progress.add_task(words(lang)("cli-validating"), total=None)
        report = with_uow(lambda uow: import_offices(
            uow, file, skip_bad=skip_bad, dry_run=dry_run,
            progress=lambda n: progress.advance(task, n)), lang=lang)
    print_import(report, "offices", dry_run, lang)
    if report.unlinked:  # each was audited and told; the new holder links with their contact
        say(lang, "import-unlinked", count=report.unlinked)
    if report.rejected and not skip_bad:
        err.print(words(lang)("import-nothing-written-skip"), highlight=False, markup=False)
        raise typer.Exit(2)


@staff_app.command("add")
def staff_add(
    platform: Annotated[str, typer.Option(help="bale or telegram")],
    user_id: Annotated[int, typer.Option(help="the person's numeric user id on that platform")],
    role: Annotated[str, typer.Option(help="reviewer, association, liaison or hq")],
    region: Annotated[int | None, typer.Option(help="region code (reviewer, liaison)")] = None,
    province: Annotated[str | None, typer.Option(help="province (association)")] = None,
    name: Annotated[str, typer.Option(help="the person's name")] = "",
    lang: LangOption = "en",
) -> None:
    """Give a platform account a staff role."""
    from services.staff import add_staff

    lang = language(lang)
    record = with_uow(lambda uow: add_staff(uow, platform=platform, user_id=user_id, role=role,
                                            region=region, province=province, name=name),
                      lang=lang)
    say(lang, "cli-staff-added", role=label(lang, "role", record.role), id=str(record.id),
        account=account(lang, f"{platform}:{user_id}"))


@staff_app.command("list")
def staff_list(lang: LangOption = "en") -> None:
    """List staff roles."""
    from services.staff import list_staff

    lang = language(lang)
    rows = with_uow(list_staff, lang=lang)
    print_table(lang, words(lang)("cli-staff-title"),
                ("id", "platform", "user-id", "role", "region", "province", "name"),
                [(r.id, label(lang, "platform", r.platform), r.platform_user_id,
                  label(lang, "role", r.role), r.region_code, r.province, r.name)
                 for r in rows])


@staff_app.command("remove")
def staff_remove(staff_id: int, lang: LangOption = "en") -> None:
    """Remove a staff role by its id (see `staff list`)."""
    from services.staff import remove_staff

    lang = language(lang)
    with_uow(lambda uow: remove_staff(uow, staff_id), lang=lang)
    say(lang, "cli-staff-removed", id=str(staff_id))


@experts_app.command("list")
def experts_list(lang: LangOption = "en") -> None:
    """Show the expert directory."""
    from services.staff import list_experts

    lang = language(lang)
    t = words(lang)
    rows = with_uow(list_experts, lang=lang)
    print_table(lang, t("cli-experts-title"),
                ("id", "name", "phone", "category", "topic", "hours", "linked"),
                [(e.id, e.name, e.phone, label(lang, "category", e.category),
                  e.topic_fa, e.hours,
                  t("cli-yes") if e.account_id else "") for e in rows])


@experts_app.command("import")
def experts_import(file: Path, lang: LangOption = "en") -> None:
    """Replace the directory from a CSV: name, phone, category, topic_fa, topic_en, hours."""
    from cli.common import fail
    from services.staff import import_experts
    from texts.i18n import Markup

    lang = language(lang)
    if not file.is_file():  # said here: the reader's own words would reach the person
        fail(words(lang)("cli-no-such-file", path=Markup(str(file))), lang)
    count = with_uow(lambda uow: import_experts(uow, file), lang=lang)
    say(lang, "cli-experts-imported", count=count)


def register(app: typer.Typer) -> None:
    app.add_typer(regions_app, name="regions")
    app.add_typer(offices_app, name="offices")
    app.add_typer(staff_app, name="staff")
    app.add_typer(experts_app, name="experts")
