"""`pishkhan experts link|unlink`, `pishkhan faq import|list`, `pishkhan holidays add|remove|list`.

`register(app)` adds them to the main command line (cli/main.py calls it). Like every command,
wrong input prints one line and exits with code 2, having written nothing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.common import LangOption
from texts.i18n import Markup


def _experts_group(app: typer.Typer) -> typer.Typer:
    """The existing `experts` group (list, import), or a new one."""
    for group in app.registered_groups:
        if group.name == "experts" and group.typer_instance is not None:
            return group.typer_instance
    experts = typer.Typer(help="The expert directory.", no_args_is_help=True)
    app.add_typer(experts, name="experts")
    return experts


def _known(work: Callable[[Any], Awaitable[Any]], expert_id: int, lang: str
           ) -> Callable[[Any], Awaitable[Any]]:
    """`work`, with an expert the directory does not have said from the catalogs (the
    directory's own refusal is English only)."""
    from cli.common import UsageError, words
    from storage.admin import AdminError

    async def run(uow: Any) -> Any:
        try:
            return await work(uow)
        except AdminError as exc:
            if not str(exc).startswith("no expert with id"):
                raise
            raise UsageError(words(lang)("cli-no-expert", id=str(expert_id))) from None

    return run


def register(app: typer.Typer) -> None:
    experts = _experts_group(app)
    faq_app = typer.Typer(help="Frequent questions and HQ's prepared answers.",
                          no_args_is_help=True)
    holidays_app = typer.Typer(help="Official holidays (no working hours for escalation).",
                               no_args_is_help=True)
    app.add_typer(faq_app, name="faq")
    app.add_typer(holidays_app, name="holidays")

    @experts.command("link")
    def experts_link(
        expert_id: int,
        platform: Annotated[str, typer.Option(help="bale or telegram")],
        user_id: Annotated[int, typer.Option(help="the expert's numeric user id there")],
        lang: LangOption = "en",
    ) -> None:
        """Bind an expert of the directory to a platform account: questions then reach them."""
        from cli.common import account, label, language, say, with_uow
        from services.tickets import link_expert

        lang = language(lang)
        record = with_uow(_known(lambda uow: link_expert(uow, expert_id, platform, user_id),
                                 expert_id, lang), lang=lang)
        say(lang, "cli-expert-linked", id=str(record.id), name=Markup(record.name),
            category=label(lang, "category", record.category),
            account=account(lang, f"{platform}:{user_id}"))

    @experts.command("unlink")
    def experts_unlink(expert_id: int, lang: LangOption = "en") -> None:
        """Stop sending questions to an expert's account (the directory entry stays)."""
        from cli.common import language, say, with_uow
        from services.tickets import unlink_expert

        lang = language(lang)
        with_uow(_known(lambda uow: unlink_expert(uow, expert_id), expert_id, lang), lang=lang)
        say(lang, "cli-expert-unlinked", id=str(expert_id))

    @faq_app.command("import")
    def faq_import(file: Path) -> None:
        """Replace the list from a CSV: category, question_fa, answer_fa, question_en,
        answer_en (category: declaration, evidence, scoring, technical, discrepancy)."""
        from cli.main import console, with_uow
        from services.staff import import_faq

        count = with_uow(lambda uow: import_faq(uow, file))
        console.print(f"{count} frequent questions in the list")

    @faq_app.command("list")
    def faq_list() -> None:
        """Show the frequent questions."""
        from rich.table import Table

        from cli.main import console, with_uow
        from services.staff import list_faqs

        rows = with_uow(list_faqs)
        table = Table(title="frequent questions")
        for column in ("id", "category", "question", "answer"):
            table.add_column(column)
        for f in rows:
            answer = f.answer_fa if len(f.answer_fa) <= 80 else f.answer_fa[:80] + "…"
            table.add_row(str(f.id), f.category, f.question_fa, answer)
        console.print(table)

    @holidays_app.command("add")
    def holidays_add(
        day: Annotated[str, typer.Argument(help="Jalali date, e.g. 1404/07/21")],
        name: Annotated[str, typer.Option(help="what the holiday is")] = "",
    ) -> None:
        """Add an official holiday."""
        from cli.main import console, fail, with_uow
        from scoring.calendar import JalaliDateError, parse_jalali
        from services.staff import add_holiday

        try:
            gregorian = parse_jalali(day)
        except JalaliDateError as exc:
            fail(str(exc))
            raise
        with_uow(lambda uow: add_holiday(uow, gregorian, name))
        console.print(f"holiday {day} ({gregorian.isoformat()}) added")

    @holidays_app.command("remove")
    def holidays_remove(day: Annotated[str, typer.Argument(help="Jalali date")]) -> None:
        """Remove a holiday."""
        from cli.main import console, fail, with_uow
        from scoring.calendar import JalaliDateError, parse_jalali
        from services.staff import remove_holiday

        try:
            gregorian = parse_jalali(day)
        except JalaliDateError as exc:
            fail(str(exc))
            raise
        with_uow(lambda uow: remove_holiday(uow, gregorian))
        console.print(f"holiday {day} removed")

    @holidays_app.command("list")
    def holidays_list() -> None:
        """List the holidays, Jalali and Gregorian."""
        from rich.table import Table

        from cli.main import console, with_uow
        from scoring.calendar import format_jalali_numeric
        from services.staff import list_holidays

        table = Table(title="holidays")
        for column in ("jalali", "gregorian", "name"):
            table.add_column(column)
        for day, name in with_uow(list_holidays):
            table.add_row(format_jalali_numeric(day, "en"), day.isoformat(), name)
        console.print(table)
