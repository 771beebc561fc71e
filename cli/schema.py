"""`pishkhan db upgrade|downgrade`: the database schema."""

from __future__ import annotations

import asyncio

import typer

from cli.common import console, settings, with_db

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Bring the database schema up to date."""
    async def work(_session: object) -> None:
        return None

    with_db(work, upgrade=True)
    console.print("database is up to date")


@db_app.command("downgrade")
def db_downgrade(revision: str = typer.Argument("base")) -> None:
    """Take the schema back to REVISION (default: an empty database)."""
    from storage.db import create_engine, downgrade

    async def main() -> None:
        engine = create_engine(settings().database_url)
        await downgrade(engine, revision)
        await engine.dispose()

    asyncio.run(main())
    console.print(f"database is at {revision}")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
