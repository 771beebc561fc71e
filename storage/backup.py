"""Backups of the embedded SQLite database with SQLite's online backup API, and of the local
evidence folder.

The online backup copies a consistent snapshot page by page while the bot keeps running (in WAL
mode writers go on; the copy restarts its pass if a page it copied changes), so the file it
writes is the database as of one moment, never a half-written one as `cp` of a live file can be.
The copy is written beside the target and renamed into place when complete and checked.
PostgreSQL is backed up with its own tools (`pg_dump`), an object store with its own (see the
README's deployment guide).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

PAGES_PER_STEP = 1024  # ~4 MB a step: other connections get the database between steps


class BackupError(Exception):
    """A backup or restore that could not be made; the message says why."""


def _copy(source: Path, target: Path) -> Path:
    """A checked, synced copy of `source` beside `target`, not yet under its name."""
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst, pages=PAGES_PER_STEP)
        verdict = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if verdict != "ok":
            raise BackupError(f"the copy failed its integrity check: {verdict}")
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    finally:
        src.close()
        dst.close()
    with open(partial, "rb") as written:
        os.fsync(written.fileno())
    return partial


def backup_sqlite(database: Path, target: Path) -> int:
    """Copy the live `database` to `target` (replaced if there); returns its size in bytes."""
    if not database.is_file():
        raise BackupError(f"no database at {database}")
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(database, target).replace(target)
    return target.stat().st_size


def restore_sqlite(backup: Path, database: Path) -> int:
    """Put `backup` in place of `database` (the bot must be stopped): a checked copy written
    beside it, then renamed over it; the old file's WAL and shared memory go with it."""
    if not backup.is_file():
        raise BackupError(f"no backup at {backup}")
    try:
        probe = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            probe.close()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{backup} is not a SQLite database ({error})") from error
    database.parent.mkdir(parents=True, exist_ok=True)
    partial = _copy(backup, database)
    # The old file's log must not be replayed onto the restored one.
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    partial.replace(database)
    return database.stat().st_size


def copy_evidence(folder: Path, target: Path) -> int:
    """Copy the evidence files not yet in `target` (content-addressed: a file of the same name
    has the same bytes, so a later backup adds only what is new); returns how many."""
    copied = 0
    if not folder.is_dir():
        return 0
    for path in folder.rglob("*"):
        if not path.is_file() or path.suffix == ".part":
            continue
        destination = target / path.relative_to(folder)
        if destination.exists():
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
        copied += 1
    return copied
