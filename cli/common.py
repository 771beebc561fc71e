"""What every command shares: the consoles, one-line errors (exit code 2), the settings, and
running a use case against the configured database (`with_db`, `with_uow`)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from settings import Settings

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


def print_import(report: object, what: str, dry_run: bool, lang: str = "en",
                 kind: str = "") -> None:
    """An import's report: English tables, or in Persian (`lang` fa) one line each (`kind`:
    regions, offices, association or satisfaction)."""
    from storage.registry import ImportReport

    assert isinstance(report, ImportReport)
    if lang != "en":
        from texts.i18n import Translator
        from texts.imports import import_lines

        for line in import_lines(Translator(lang), report, kind or what, dry_run):
            console.print(line, highlight=False, soft_wrap=True, markup=False)
        return
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
