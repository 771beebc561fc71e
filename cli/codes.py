"""`pishkhan link-code OFFICE`: a one-time code that links an owner's account to an office."""

from __future__ import annotations

import typer

from cli.common import console, with_uow


def link_code(office_code: str) -> None:
    """Issue a one-time code (8 characters, single use, 7 days) that links an owner's account to
    the office: they send `/start CODE` to the bot, or open the bot's link with it."""
    from scoring.calendar import format_jalali_numeric
    from services.clock import Clock
    from services.linking import issue_code
    from storage.linking import CODE_DAYS

    issued = with_uow(lambda uow: issue_code(uow, office_code, Clock().now()))
    code, office = issued.code, issued.office
    console.print(f"office {office.code} ({office.name}): code [bold]{code}[/], single use, "
                  f"valid {CODE_DAYS} days, until "
                  f"{format_jalali_numeric(issued.expires_at, 'en')}")
    console.print(f"the owner sends:  /start {code}   (or opens https://t.me/<bot>?start={code}"
                  f" / https://ble.ir/<bot>?start={code})")


def register(app: typer.Typer) -> None:
    app.command("link-code")(link_code)
