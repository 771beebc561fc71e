"""The embedded SQLite keeps its inbox in a file of its own (`storage.db.inbox_path`), so a
write lock on the main file stops neither the intake nor the worker's bookkeeping; migration
0025 moves the rows kept in the main file there."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from storage import inbox
from storage.db import create_engine, create_sessionmaker, inbox_path, upgrade
from storage.inbox import Incoming
from storage.models_inbox import InboxUpdate

NOW = datetime(2025, 10, 25, 8, 30, tzinfo=UTC)


async def test_rows_kept_before_the_upgrade_move_to_the_inbox_file(tmp_path: Path) -> None:
    database = tmp_path / "pishkhan.db"
    engine = create_engine(f"sqlite+aiosqlite:///{database}")
    sessions = create_sessionmaker(engine)
    try:
        await upgrade(engine, "0024_owner2")
        async with sessions() as session:  # the main file's inbox, as before 0025
            await inbox.store(session, "bale", 1, [Incoming(7, 70, "{}")], NOW)
            await session.commit()
        await upgrade(engine)
        async with sessions() as session:
            await inbox.store(session, "bale", 1, [Incoming(7, 70, "{}"), Incoming(8, 70, "{}")],
                              NOW)
            await session.commit()
            assert await session.scalar(select(func.count()).select_from(InboxUpdate)) == 2
    finally:
        await engine.dispose()
    assert inbox_path(str(database)) == tmp_path / "pishkhan-inbox.db"
    with sqlite3.connect(database) as main, sqlite3.connect(tmp_path / "pishkhan-inbox.db") as box:
        assert main.execute("SELECT name FROM sqlite_master WHERE name = 'inbox'").fetchall() == []
        assert box.execute("SELECT update_id FROM inbox ORDER BY id").fetchall() == [(7,), (8,)]
