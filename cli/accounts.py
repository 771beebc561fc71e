"""`pishkhan accounts list|unlink`: who acts for which office, and removing a link by hand;
`pishkhan staff invite`: a one-time code that makes whoever types it in the chat a staff member.

`register(app)` adds them to the main command line (cli/main.py calls it). Like every command,
wrong input prints one line and exits with code 2, having written nothing.
"""

from __future__ import annotations

from typing import Annotated

import typer


def _group(app: typer.Typer, name: str, help_text: str) -> typer.Typer:
    """The existing group of that name, or a new one."""
    for group in app.registered_groups:
        if group.name == name and group.typer_instance is not None:
            return group.typer_instance
    created = typer.Typer(help=help_text, no_args_is_help=True)
    app.add_typer(created, name=name)
    return created


def register(app: typer.Typer) -> None:
    accounts = _group(app, "accounts", "Accounts linked to offices.")
    staff = _group(app, "staff", "Reviewers, associations, liaisons and HQ staff.")

    @staff.command("invite")
    def staff_invite(
        role: Annotated[str, typer.Option(help="reviewer, association, liaison or hq")],
        region: Annotated[int | None, typer.Option(help="region code (reviewer, liaison)")
                          ] = None,
        province: Annotated[str | None, typer.Option(help="province (association)")] = None,
        name: Annotated[str, typer.Option(help="the person's name")] = "",
    ) -> None:
        """A one-time code (valid 7 days): the person types it in the bot's chat, or opens
        t.me/<bot>?start=<code>, and has the role; nobody needs their numeric user id."""
        from datetime import UTC, datetime

        from cli.main import console, with_uow
        from services.linking import issue_invite

        invite = with_uow(lambda uow: issue_invite(uow, role=role, region=region,
                                                   province=province, name=name,
                                                   now=datetime.now(UTC)))
        where = f" of region {invite.region}" if invite.region else (
            f" of {invite.province}" if invite.province else "")
        console.print(f"invite code {invite.code}: {invite.role}{where}, one use, valid until "
                      f"{invite.expires_at:%Y-%m-%d %H:%M} UTC")

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
