"""`pishkhan backup` and `pishkhan restore`: the embedded SQLite database (SQLite's online
backup API, safe while the bot runs) and the local evidence folder. PostgreSQL and an object
store are backed up with their own tools (`pg_dump`, the store's replication or `aws s3 sync`);
the README's deployment guide says how."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import console, fail, settings


def _database_file() -> Path:
    from sqlalchemy.engine import make_url

    config = settings()
    if not config.is_sqlite:
        fail("the database is PostgreSQL: back it up with pg_dump (see the README's "
             "deployment guide); this command copies the embedded SQLite database")
    database = make_url(config.database_url).database
    if not database or database == ":memory:":
        fail("the database is in memory: nothing to back up")
    return Path(str(database))


def _local_evidence() -> Path:
    """The local evidence folder; refuses (before anything is copied) when the evidence is in
    an object store, whose files only the store's own tools should copy."""
    config = settings()
    if config.evidence_backend != "local":
        fail("the evidence is in the object store (PISHKHAN_EVIDENCE_BACKEND="
             f"{config.evidence_backend}): copy its bucket with the store's own tools "
             "(mc mirror, aws s3 sync); nothing was changed")
    return config.evidence_dir


def backup(out: Annotated[Path, typer.Argument(help="the backup file to write")],
           evidence: Annotated[Path | None, typer.Option(
               help="also copy the local evidence files into this folder (only new ones)")]
           = None) -> None:
    """Copy the embedded database to OUT while the bot runs (SQLite's online backup)."""
    from storage.backup import BackupError, backup_sqlite, copy_evidence

    database = _database_file()
    evidence_dir = _local_evidence() if evidence is not None else None
    try:
        size = backup_sqlite(database, out)
    except BackupError as error:
        fail(str(error))
    console.print(f"database copied to {out} ({size:,} bytes)")
    if evidence is not None and evidence_dir is not None:
        copied = copy_evidence(evidence_dir, evidence)
        console.print(f"{copied} new evidence files copied to {evidence}")


def restore(backup_file: Annotated[Path, typer.Argument(help="a file `pishkhan backup` wrote")],
            yes: Annotated[bool, typer.Option("--yes", help="replace the database")] = False,
            evidence: Annotated[Path | None, typer.Option(
                help="also copy evidence files back from this folder")] = None) -> None:
    """Replace the embedded database with BACKUP_FILE (stop the bot first)."""
    from storage.backup import BackupError, copy_evidence, restore_sqlite

    evidence_dir = _local_evidence() if evidence is not None else None
    if not yes:
        fail("restore replaces the database: stop the bot, then run again with --yes")
    database = _database_file()
    try:
        size = restore_sqlite(backup_file, database)
    except BackupError as error:
        fail(str(error))
    console.print(f"database restored from {backup_file} ({size:,} bytes)")
    if evidence is not None and evidence_dir is not None:
        copied = copy_evidence(evidence, evidence_dir)
        console.print(f"{copied} evidence files copied back")


def register(app: typer.Typer) -> None:
    app.command("backup")(backup)
    app.command("restore")(restore)
