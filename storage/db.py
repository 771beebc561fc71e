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


# The embedded inbox's own file, attached to every connection under this name (`inbox_path`).
INBOX_SCHEMA = "inbox_file"


def inbox_path(database: str) -> Path:
    """`pishkhan.db` keeps its inbox in `pishkhan-inbox.db` beside it.

    SQLite locks a file, not a table: with the inbox in the main file, another process holding
    the write lock (a backup, an administrator's shell) would stop the intake and the worker's
    lease too, and nobody would be answered, not even someone who only reads. In a file of its
    own, attached to every connection, the intake and the worker's bookkeeping go on; only an
    update whose use case must write waits. A transaction that writes both files (a use case
    and its update's `replying` mark) commits the main file first (SQLite commits attached
    files in order); a crash between the two leaves the update `new`, handled again, and the
    use case, finding its change made, changes nothing (as after any crash before the reply).
    """
    path = Path(database)
    return path.with_name(f"{path.stem}-inbox{path.suffix}")


def inbox_ddl() -> list[str]:
    """The inbox's table and indexes, created in the attached file if they are not there."""
    from sqlalchemy import MetaData
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    from storage.models_inbox import InboxUpdate

    table = InboxUpdate.__table__.to_metadata(MetaData(), schema=INBOX_SCHEMA)
    dialect = sqlite.dialect()
    return [str(CreateTable(table, if_not_exists=True).compile(dialect=dialect)),
            *(str(CreateIndex(index, if_not_exists=True).compile(dialect=dialect))
              for index in table.indexes)]


def inbox_apart(connection: Connection) -> bool:
    """Whether this (SQLite) connection keeps the inbox in its own, attached file."""
    return connection.dialect.name == "sqlite" and any(
        row[1] == INBOX_SCHEMA for row in connection.exec_driver_sql("PRAGMA database_list"))


def table_names(connection: Connection) -> set[str]:
    """The schema's tables, the inbox's included wherever it is kept."""
    from sqlalchemy import inspect

    names = set(inspect(connection).get_table_names())
    if inbox_apart(connection):
        names |= set(inspect(connection).get_table_names(schema=INBOX_SCHEMA))
    return names


def compare_options(connection: Connection) -> dict[str, Any]:
    """Options for Alembic's `compare_metadata`: an inbox in its own file is left out (its
    table is created there from the model itself, `inbox_ddl`, so it cannot drift)."""
    if not inbox_apart(connection):
        return {}

    def include(obj: Any, name: str | None, kind: str, *_: Any) -> bool:
        table = obj if kind == "table" else getattr(obj, "table", None)
        return getattr(table, "name", None) != "inbox"

    return {"include_object": include}


def _sqlite_pragmas(inbox: Path | None) -> Any:
    # The inbox file's WAL mode and table, once per engine: both stay in the file (the pool
    # opens and closes connections past its size all the time). Migration 0025 creates the
    # table again after a downgrade dropped it.
    pending = inbox_ddl() if inbox is not None else []

    def on_connect(dbapi_connection: object, _record: object) -> None:
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        if inbox is not None:
            cursor.execute(f"ATTACH DATABASE ? AS {INBOX_SCHEMA}", (str(inbox),))
            cursor.execute(f"PRAGMA {INBOX_SCHEMA}.synchronous=NORMAL")
            if pending:
                cursor.execute(f"PRAGMA {INBOX_SCHEMA}.journal_mode=WAL")
                for statement in pending:
                    cursor.execute(statement)
                pending.clear()
        cursor.close()

    return on_connect


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
        inbox = None
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            inbox = inbox_path(database)
        engine = create_async_engine(url, connect_args={"timeout": 30}, pool_size=size,
                                     max_overflow=overflow, pool_timeout=120)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas(inbox))
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
