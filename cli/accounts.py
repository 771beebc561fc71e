"""`pishkhan accounts list|unlink`: who acts for which office, and removing a link by hand.

`register(app)` adds them to the main command line (cli/main.py calls it). Like every command,
wrong input prints one line and exits with code 2, having written nothing.
"""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    accounts = typer.Typer(help="Accounts linked to offices.", no_args_is_help=True)
    app.add_typer(accounts, name="accounts")

    @accounts.command("list")
    def accounts_list(
        office: Annotated[str | None, typer.Option(help="an office code")] = None,
        platform: Annotated[str | None, typer.Option(help="bale or telegram")] = None,
        user_id: Annotated[int | None, typer.Option(help="the person's user id there")] = None,
    ) -> None:
        """The links of an office, of an account, or all of them."""
        from rich.table import Table

        from cli.main import console, fail, with_uow
        from services.linking import list_links

        if (platform is None) != (user_id is None):
            fail("give both --platform and --user-id, or neither")
        rows = with_uow(lambda uow: list_links(uow, office_code=office, platform=platform,
                                               user_id=user_id))
        table = Table(title="linked accounts")
        for column in ("office", "name", "platform", "user id", "person", "via", "since"):
            table.add_column(column)
        for r in rows:
            table.add_row(r.office_code, r.office_name, r.platform, str(r.user_id),
                          r.first_name, r.via, r.linked_at.strftime("%Y-%m-%d %H:%M"))
        console.print(table)
        console.print(f"{len(rows)} links")

    @accounts.command("unlink")
    def accounts_unlink(
        office: Annotated[str, typer.Option(help="the office code")],
        platform: Annotated[str, typer.Option(help="bale or telegram")],
        user_id: Annotated[int, typer.Option(help="the person's numeric user id there")],
        reason: Annotated[str, typer.Option(help="why, for the audit log")] = "",
    ) -> None:
        """The account stops acting for the office at once; audited, and the person is told."""
        from cli.main import console, with_uow
        from services.linking import unlink

        done = with_uow(lambda uow: unlink(uow, office_code=office, platform=platform,
                                           user_id=user_id, reason=reason or None))
        console.print(f"{platform}:{user_id} is no longer linked to {done.office_code} "
                      f"{done.office_name} (had been linked by {done.via})")
