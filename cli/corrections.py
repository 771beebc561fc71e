"""`pishkhan correct …`: headquarters' undo with a reason — reopen a confirmed declaration,
list and withdraw negative points, undo an association score. Each is audited and tells the
owners; after publishing, a changed score is a new version of the office's result."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from cli.common import console, fail, with_uow

correct_app = typer.Typer(help="Undo with a reason (headquarters).", no_args_is_help=True)
Reason = Annotated[str, typer.Option("--reason", help="why (required, audited, told)")]
Lang = Annotated[str, typer.Option("--lang", help="fa or en")]


def _lang(lang: str) -> str:
    if lang not in ("fa", "en"):
        fail(f"unknown language {lang!r} (fa or en)")
    return lang


def _done(done: Any, lang: str) -> None:
    from texts.i18n import Translator

    t = Translator(lang)
    console.print(t("correct-done", told=done.told), highlight=False)
    if done.result is not None:
        r = done.result
        console.print(t("correct-new-version", code=done.office, version=r.version,
                        old_total=str(r.old_total), new_total=str(r.new_total),
                        old_rank=r.old_rank, new_rank=r.new_rank), highlight=False)


@correct_app.command("reopen")
def reopen(office: str, period: str, reason: Reason, lang: Lang = "en") -> None:
    """Send a confirmed declaration back to its region for another review."""
    from services.corrections import reopen_declaration

    lang = _lang(lang)
    _done(with_uow(lambda uow: reopen_declaration(uow, office, period, reason=reason),
                   lang=lang), lang)


@correct_app.command("negatives")
def negatives(office: str, period: str, lang: Lang = "en") -> None:
    """The office's negative points in the period, with the ids to withdraw."""
    from services.corrections import list_negatives

    rows = with_uow(lambda uow: list_negatives(uow, office, period), lang=_lang(lang))
    table = Table(title=f"negative points of {office} in {period}")
    for column in ("id", "item", "decided on", "reference"):
        table.add_column(column)
    for row in rows:
        table.add_row(str(row.id), row.item_key, row.decided_on, row.reference)
    console.print(table)


@correct_app.command("withdraw-negative")
def withdraw(negative_id: int, reason: Reason, lang: Lang = "en") -> None:
    """Withdraw a committee's negative point."""
    from services.corrections import withdraw_negative

    lang = _lang(lang)
    _done(with_uow(lambda uow: withdraw_negative(uow, negative_id, reason=reason), lang=lang),
          lang)


@correct_app.command("undo-association")
def undo_association(office: str, period: str, reason: Reason, lang: Lang = "en") -> None:
    """Remove the office's association score for the period."""
    from services.corrections import undo_association as undo

    lang = _lang(lang)
    _done(with_uow(lambda uow: undo(uow, office, period, reason=reason), lang=lang), lang)


def register(app: typer.Typer) -> None:
    app.add_typer(correct_app, name="correct")
