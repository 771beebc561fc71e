"""Engine, sessions and migrations.

SQLite (the embedded default) runs with WAL, foreign keys and a busy timeout; PostgreSQL needs
nothing special. Migrations run through Alembic on a connection we hand it, so they also work from
inside a running event loop (`pishkhan run` upgrades the embedded database by itself).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import ColumnElement, event, literal
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.sql.base import Executable

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def constant(value: str) -> ColumnElement[str]:
    """`value` written into the statement's text instead of bound as a parameter, for the
    states a hot query selects on (`state IN ('new', 'replying')`, `status = 'queued'`).
    asyncpg prepares every statement, and after five runs PostgreSQL plans it once without its
    parameters' values: with `status = $1` it cannot know that the queued rows are a handful
    beside the sent ones, and read the whole table at every poll
    (tests/inbox/test_inbox_cost.py, tests/reminders/test_claim_cost.py)."""
    return literal(value, literal_execute=True)


async def run(session: AsyncSession, statement: Executable, params: dict[str, Any]
              ) -> list[Any]:
    """Execute a statement built once at import; its rows (if any)."""
    result = await session.execute(statement, params)
    return list(result.all()) if result.returns_rows else []


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# Connections per process. SQLite has one writer at a time: aiosqlite runs each connection in
# a thread of its own, and a writer waits for another (this process's or another's, such as a
# backup or an administrator's shell) up to the busy timeout, without holding up the event
# loop. PostgreSQL: a real pool.
POOL = {"sqlite": (5, 10), "postgresql": (10, 10)}


def dialect_insert(session: AsyncSession) -> Any:
    """The dialect's `insert` (SQLite or PostgreSQL), which has `on_conflict_do_…`."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def connection_limit(url: str) -> int:
    """How many connections a process may hold at once."""
    size, overflow = POOL.get(make_url(url).get_backend_name(), (5, 10))
    return size + overflow


def create_engine(url: str) -> AsyncEngine:
    parsed = make_url(url)
    size, overflow = POOL.get(parsed.get_backend_name(), (5, 10))
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30}, pool_size=size,
                                     max_overflow=overflow, pool_timeout=120)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    return create_async_engine(url, pool_pre_ping=True, pool_size=size, max_overflow=overflow,
                               pool_timeout=120)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def _run(connection: Connection, action: str, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    getattr(command, action)(config, revision)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    async with engine.begin() as connection:
        await connection.run_sync(_run, "upgrade", revision)


async def downgrade(engine: AsyncEngine, revision: str = "base") -> None:
    async with engine.begin() as connection:
        await connection.run_sync(_run, "downgrade", revision)
