"""What every command shares: the consoles, one-line errors (exit code 2), the settings, and
running a use case against the configured database (`with_db`, `with_uow`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from settings import Settings

LangOption = Annotated[str, typer.Option("--lang", help="language of messages: en or fa")]

console = Console()
err = Console(stderr=True)
T = TypeVar("T")


class UsageError(Exception):
    """Bad input from the person at the keyboard: one line, exit code 2."""


def fail(message: str, lang: str = "en") -> None:
    label = "خطا:" if lang == "fa" else "error:"
    err.print(f"[bold red]{label}[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def language(lang: str) -> str:
    """The `--lang` value, if it is one (fa or en)."""
    if lang not in ("fa", "en"):
        fail(f"unknown language {lang!r} (fa or en)")
    return lang


def said(exc: Exception, lang: str) -> str:
    """A refusal in `lang`: a use case's refusal, or another's in Persian, from the catalog
    (`code`, `params`); else its English text."""
    from services.errors import ServiceError
    from texts.i18n import Markup, Translator

    code = getattr(exc, "code", None)
    if not code or (lang == "en" and not isinstance(exc, ServiceError)):
        return str(exc)
    params = dict(getattr(exc, "params", {}))
    for name in ("path", "name"):  # a file as it is named (its digits stay Latin)
        if name in params:
            params[name] = Markup(str(params[name]))
    return Translator(lang)(code, **params)


def settings() -> Settings:
    try:
        found = Settings()
    except Exception as exc:  # pydantic's ValidationError: name the variable, not a traceback
        fail(f"configuration: {exc}".splitlines()[0] + " — " + str(exc).splitlines()[-2].strip())
        raise
    from services.send_hours import SendHours, configure

    configure(SendHours.parse(found.send_hours))  # non-urgent notices go out within these hours
    return found


def with_db(work: Callable[..., Awaitable[T]], *, upgrade: bool | None = None,
            lang: str = "en") -> T:
    """Run `work(session)` against the configured database, mapping known errors to exit 2
    (one line in `lang`)."""
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
        fail(said(exc, lang), lang)
        raise


def with_uow(work: Callable[..., Awaitable[T]], *, upgrade: bool | None = None,
             lang: str = "en") -> T:
    """Run `work(uow)`, a use case of `services`, against the configured database; a refusal
    (`ServiceError`) is one line in `lang` (English unless asked) and exit code 2."""
    from services.errors import ServiceError
    from services.uow import UnitOfWork
    from storage.db import create_sessionmaker

    async def call(session: Any) -> T:
        return await work(UnitOfWork(create_sessionmaker(session.bind)))

    try:
        return with_db(call, upgrade=upgrade, lang=lang)
    except ServiceError as error:
        fail(said(error, lang), lang)
        raise


def say(lang: str, key: str, **args: object) -> None:
    """One line from the catalogs in `lang`."""
    from texts.i18n import Translator

    console.print(Translator(lang)(key, **args), highlight=False, soft_wrap=True, markup=False)


def words(lang: str) -> Any:
    """The catalogs in `lang` (a `Translator` without a platform: plain text)."""
    from texts.i18n import Translator

    return Translator(lang)


def cell(value: object, lang: str) -> str:
    """A table cell: numbers (counts, ids) in the reader's digits, text (names, codes) exactly
    as stored."""
    from scoring.text import to_persian_digits

    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool) and lang == "fa":
        return to_persian_digits(str(value))
    return str(value)


def label(lang: str, family: str, value: str | None) -> str:
    """A platform, role, category, state, … by its name in `lang` (`cli-{family}-{value}`);
    a value the catalogs do not know, as it is."""
    if not value:
        return ""
    key = f"cli-{family}-{value}"
    said_as = words(lang)(key)
    return value if said_as == key else said_as


def account(lang: str, text: str) -> str:
    """`bale:123` with the platform named in `lang` (and the reader's digits)."""
    platform, _, user = text.partition(":")
    if lang != "fa" or not user:
        return text
    from scoring.text import to_persian_digits

    return f"{label(lang, 'platform', platform)}:{to_persian_digits(user)}"


def jalali(instant: Any, lang: str, tz: Any = None, *, clock: bool = False) -> str:
    """A Jalali day (and the Tehran time) in the reader's digits."""
    from scoring.calendar import TEHRAN, format_jalali_numeric
    from scoring.text import to_persian_digits

    zone = tz or TEHRAN
    text = format_jalali_numeric(instant, "en", zone)
    if clock:
        text += f" {instant.astimezone(zone):%H:%M}"
    return to_persian_digits(text) if lang == "fa" else text


def print_table(lang: str, title: str | None, columns: tuple[str, ...],
                rows: list[tuple[object, ...]], *, justify: str = "left",
                **table_options: Any) -> None:
    """A table whose headings are catalog keys (`cli-col-…`); its cells through `cell`."""
    t = words(lang)
    table = Table(title=title, **table_options)
    for column in columns:
        table.add_column(t(f"cli-col-{column}"), justify=justify,  # type: ignore[arg-type]
                         overflow="fold")
    for row in rows:
        table.add_row(*(cell(value, lang) for value in row))
    console.print(table)


def print_import(report: object, what: str, dry_run: bool, lang: str = "en",
                 kind: str = "") -> None:
    """An import's report: tables in English, or in Persian (`lang` fa) one line each (`kind`:
    regions, offices, association or satisfaction)."""
    from storage.registry import ImportReport

    assert isinstance(report, ImportReport)
    if lang != "en":
        from texts.i18n import Translator
        from texts.imports import import_lines

        for line in import_lines(Translator(lang), report, kind or what, dry_run):
            console.print(line, highlight=False, soft_wrap=True, markup=False)
        return
    from texts.association import row_reason

    t = words(lang)
    title = t(f"import-what-{kind or what}")
    print_table(lang, title + (" " + t("import-dry-run") if dry_run else ""),
                ("inserted", "updated", "unchanged", "rejected-rows"),
                [(report.inserted, report.updated, report.unchanged, report.rejected_rows)],
                justify="right")
    if report.rejected:
        print_table(lang, t("cli-rejected"), ("row", "column", "reason"),
                    [(e.row, e.column, row_reason(t, e)) for e in report.rejected[:200]])
        if len(report.rejected) > 200:
            console.print(t("import-more", count=len(report.rejected) - 200), markup=False)
