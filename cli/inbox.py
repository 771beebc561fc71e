"""`pishkhan inbox list|retry|drop`: the updates the bot could not handle (parked)."""

from __future__ import annotations

import typer

from cli.common import LangOption


def register(app: typer.Typer) -> None:
    inbox_app = typer.Typer(help="Updates the bot could not handle after several tries.",
                            no_args_is_help=True)
    app.add_typer(inbox_app, name="inbox")

    @inbox_app.command("list")
    def inbox_list(lang: LangOption = "en") -> None:
        """The parked updates, oldest first, with the last error (as it was recorded)."""
        from cli.common import jalali, label, language, say, settings, with_uow
        from services.inbox import parked
        from texts.i18n import Markup

        lang = language(lang)
        rows = with_uow(parked, lang=lang)
        if not rows:
            say(lang, "cli-inbox-empty")
            return
        tz = settings().tz
        for row in rows:
            received = (jalali(row.received_at, lang, tz, clock=True) if lang == "fa"
                        else f"{row.received_at:%Y-%m-%d %H:%M} UTC")
            say(lang, "cli-inbox-row", id=str(row.id),
                platform=label(lang, "platform", row.platform), update=str(row.update_id),
                chat=str(row.chat_id),
                received=received, attempts=row.attempts, error=Markup(row.last_error or ""))

    @inbox_app.command("retry")
    def inbox_retry(inbox_id: int, lang: LangOption = "en") -> None:
        """Put a parked update back in line: the running bot handles it within seconds."""
        from cli.common import language, say, with_uow
        from services.clock import Clock
        from services.inbox import retry

        lang = language(lang)
        with_uow(lambda uow: retry(uow, inbox_id, Clock().now()), lang=lang)
        say(lang, "cli-inbox-retried", id=str(inbox_id))

    @inbox_app.command("drop")
    def inbox_drop(inbox_id: int, lang: LangOption = "en") -> None:
        """Give a parked update up (it is never handled; a replay of it is still refused)."""
        from cli.common import language, say, with_uow
        from services.clock import Clock
        from services.inbox import drop

        lang = language(lang)
        with_uow(lambda uow: drop(uow, inbox_id, Clock().now()), lang=lang)
        say(lang, "cli-inbox-dropped", id=str(inbox_id))
