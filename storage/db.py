"""Engine, sessions and migrations.

SQLite (the embedded default) runs with WAL, foreign keys and a busy timeout; PostgreSQL needs
nothing special. Migrations run through Alembic on a connection we hand it, so they also work from
inside a running event loop (`pishkhan run` upgrades the embedded database by itself).
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiosqlite
from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Connection, Dialect, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from sqlalchemy.sql.base import Executable

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# `session.info[MEMO]`: what a handler read once in this update and may read again. Any write
# through the session clears it, so nothing stale is ever served.
MEMO = "memo"
# `session.info[STABLE_MEMO]`: what an update read once and nothing it writes changes (the owner's
# office, the period, the draft's id); kept for the whole update.
STABLE_MEMO = "stable-memo"


@event.listens_for(Session, "do_orm_execute")
def _forget_on_write(state: ORMExecuteState) -> None:
    if not state.is_select:
        state.session.info.pop(MEMO, None)


@event.listens_for(Session, "after_flush")
def _forget_on_flush(session: Session, _context: object) -> None:
    session.info.pop(MEMO, None)


@event.listens_for(Session, "after_commit")
def _forget_on_commit(session: Session) -> None:
    session.info.pop(MEMO, None)


# `session.info[_DRIVER]`: the sqlite3 connection of the session's transaction (see `run`).
_DRIVER = "sqlite3-connection"


@event.listens_for(Session, "after_transaction_end")
def _forget_driver(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the connection goes back to the pool
        session.info.pop(_DRIVER, None)


async def run(session: AsyncSession, statement: Executable, params: dict[str, Any]
              ) -> list[Any]:
    """Execute a statement built once at import; its rows (if any) as named tuples.

    The hot statements of an update (the actor, the draft, an answer) go through here. On SQLite
    they run straight on the driver's connection, in the session's transaction: SQLAlchemy's
    per-execution work (parameters, execution context, result object, the async adapter's
    greenlet) made a read of the draft 92 µs instead of 16 µs (`python -m bench.statements`).
    The statement is still SQLAlchemy's, compiled once per dialect with its types' own
    conversions (`Plain`); PostgreSQL takes the ordinary path.
    A write drops the update's memo, as one through `session.execute` does.
    """
    if statement.is_dml:  # type: ignore[attr-defined]
        session.info.pop(MEMO, None)
    bind = session.bind
    if bind is None or bind.dialect.name != "sqlite":
        result = await session.execute(statement, params)
        return list(result.all()) if result.returns_rows else []
    driver = session.info.get(_DRIVER)
    if driver is None:
        if session.new or session.deleted or session.dirty:
            await session.flush()  # what the ORM holds must be visible to the query
        connection = await session.connection()
        driver = session.info[_DRIVER] = (
            connection.sync_connection.connection.driver_connection._conn)  # type: ignore[union-attr]
    plain = _PLAIN.get(statement)
    if plain is None:
        plain = _PLAIN[statement] = Plain(statement, bind.dialect)
    return plain.rows(driver.execute(plain.sql, plain.parameters(params)))


class Plain:
    """A statement compiled once for SQLite: its SQL, how to order and convert the parameters,
    and how to convert and name the columns of its rows."""

    def __init__(self, statement: Executable, dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        names = compiled.positiontup
        if names is None or any(b.expanding for b in compiled.binds.values()):
            raise ValueError(f"not a plain statement for SQLite: {compiled}")
        self.sql = compiled.string
        binds = [compiled.binds[name] for name in names]
        # (key the caller gives, or None for a value fixed in the statement; the value; convert).
        # A value fixed in the statement may itself be None (`.values(x=None)`): only a bind
        # without a value (`required`) is the caller's.
        self.slots = tuple(
            (b.key if b.required else None, b.effective_value,
             b.type.dialect_impl(dialect).bind_processor(dialect)) for b in binds)
        columns = list(statement.exported_columns)  # type: ignore[attr-defined]
        self.convert = tuple(c.type.dialect_impl(dialect).result_processor(dialect, None)
                             for c in columns)
        self.row = namedtuple("Row", [c.key or f"c{i}" for i, c in enumerate(columns)],  # type: ignore[misc]
                              rename=True)
        self.plain = not any(self.convert)

    def parameters(self, given: dict[str, Any]) -> list[Any]:
        values = []
        for key, fixed, convert in self.slots:
            value = given[key] if key is not None else fixed
            values.append(convert(value) if convert is not None else value)
        return values

    def rows(self, cursor: sqlite3.Cursor) -> list[Any]:
        make = self.row._make
        if self.plain:
            return [make(row) for row in cursor.fetchall()]
        convert = self.convert
        return [make([f(v) if f is not None else v for f, v in zip(convert, row, strict=True)])
                for row in cursor.fetchall()]


# By the statement itself: they are built once, at import, and live as long as the process.
_PLAIN: dict[Executable, Plain] = {}


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class InlineSQLiteConnection(aiosqlite.Connection):
    """aiosqlite's connection, run in the event loop's own thread instead of a thread of its own.

    A query on a local SQLite file takes microseconds; handing each one to a worker thread and
    back costs more than the query, and under load the worker waits for the GIL behind the busy
    event loop (up to 5 ms a hop, 15 hops an update). Updates share one connection in turn
    (`POOL`), so the process does not wait on a lock of its own; another process (a CLI command)
    can make it wait, for at most the busy timeout, and so can two sessions of its own that write
    at once (a session opened while another is held; see `POOL`).
    """

    def __init__(self, connector: Callable[[], sqlite3.Connection], iter_chunk_size: int) -> None:
        super().__init__(connector, iter_chunk_size)
        # Every call aiosqlite (and SQLAlchemy's adapter) queues for the worker runs at once.
        self._tx = _RunNow()  # type: ignore[assignment]

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        # The per-statement path, without the future `_RunNow` would settle: ≈ 10 µs less a
        # statement (measured).
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    def __await__(self) -> Any:  # no thread to start
        return self._connect().__await__()

    @classmethod
    def create(cls, database: str, **kwargs: Any) -> InlineSQLiteConnection:
        kwargs["check_same_thread"] = False  # closed by the pool's finaliser, maybe elsewhere
        return cls(lambda: sqlite3.connect(database, **kwargs), 64)


class _RunNow:
    """Stands in for aiosqlite's queue to its worker thread: runs each call at once."""

    def put_nowait(self, item: tuple[Any, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as error:  # handed to the awaiting caller, as aiosqlite does
            if future is not None:
                future.set_exception(error)
        else:
            if future is not None:
                future.set_result(result)


# Connections per process. SQLite has one writer at a time and runs in the event loop's thread
# (`InlineSQLiteConnection`): updates take one connection in turn (a transaction never spans a
# call to the platform, so it is back in the pool before anyone waits); a few more stand by for
# the rare code that opens a second session while holding the first, which would otherwise wait
# for itself. PostgreSQL: a real pool.
POOL = {"sqlite": (1, 4), "postgresql": (10, 10)}


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
        engine = create_async_engine(url, connect_args={
            "timeout": 30, "async_creator_fn": InlineSQLiteConnection.create}, pool_size=size,
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
