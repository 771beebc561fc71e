"""`pishkhan`: the command line for operators, HQ staff and developers.

Every command that is given wrong input prints one line naming the bad value and exits with code 2,
having written nothing. On the embedded SQLite database, commands bring the schema up to date by
themselves; on PostgreSQL run `pishkhan db upgrade` after each release.

The commands live by family in `cli/` (schema, registry, codes, periods, running, reminders,
experts, review, survey, inbox, accounts, audit, corrections); each module's `register(app)`
adds them here, in the order `--help` lists them. What they share is `cli.common`.
"""

from __future__ import annotations

import sys

import typer

from cli import (
    accounts,
    audit,
    backup,
    codes,
    corrections,
    experts,
    inbox,
    periods,
    registry,
    reminders,
    review,
    running,
    schema,
    survey,
)
from cli import (
    console as console_commands,
)
from cli.common import (  # the feature modules import these from here
    UsageError,
    console,
    err,
    fail,
    settings,
    with_db,
    with_uow,
)
from cli.common import print_import as _print_import

__all__ = ["UsageError", "_print_import", "app", "console", "err", "fail", "main", "settings",
           "with_db", "with_uow"]

app = typer.Typer(help="Self-declaration bot for counter offices (Bale and Telegram).",
                  no_args_is_help=True, pretty_exceptions_enable=False)

for module in (schema, registry, codes, periods, running, reminders, experts, review, survey,
               inbox, accounts, backup, console_commands, audit, corrections):
    module.register(app)


def main() -> None:  # pragma: no cover - the console script calls `app`
    app(prog_name="pishkhan")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
