"""`pishkhan inbox list|retry|drop`: the updates the bot could not handle (parked)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    inbox_app = typer.Typer(help="Updates the bot could not handle after several tries.",
                            no_args_is_help=True)
    app.add_typer(inbox_app, name="inbox")

    @inbox_app.command("list")
    def inbox_list() -> None:
        """The parked updates, oldest first, with the last error."""
        from cli.main import console, with_uow
        from services.inbox import parked

        rows = with_uow(parked)
        if not rows:
            console.print("no parked updates")
            return
        for row in rows:
            console.print(f"#{row.id} {row.platform} update {row.update_id} chat {row.chat_id} "
                          f"received {row.received_at:%Y-%m-%d %H:%M} UTC, "
                          f"{row.attempts} attempts: {row.last_error or ''}", markup=False)

    @inbox_app.command("retry")
    def inbox_retry(inbox_id: int) -> None:
        """Put a parked update back in line: the running bot handles it within seconds."""
        from cli.main import console, with_uow
        from services.clock import Clock
        from services.inbox import retry

        with_uow(lambda uow: retry(uow, inbox_id, Clock().now()))
        console.print(f"#{inbox_id} is back in line")

    @inbox_app.command("drop")
    def inbox_drop(inbox_id: int) -> None:
        """Give a parked update up (it is never handled; a replay of it is still refused)."""
        from cli.main import console, with_uow
        from services.clock import Clock
        from services.inbox import drop

        with_uow(lambda uow: drop(uow, inbox_id, Clock().now()))
        console.print(f"#{inbox_id} dropped")
