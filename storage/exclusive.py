"""One transaction at a time for a change that reads before it writes.

A use case that reads what is there and then writes what the reading decided (an import that
inserts the offices it did not find, a role added unless it exists, a directory replaced whole)
must not interleave with another run of itself: two would both find nothing and both insert.
`serialize(session, name)` makes the current transaction wait until no other holds `name`, and
hold it until it ends (commit or rollback):

- PostgreSQL: a transaction-scoped advisory lock (`pg_advisory_xact_lock`) on the name's CRC-32;
- SQLite: a write that changes nothing, which begins the transaction and takes the database's
  one write lock (SQLite has a single writer), so everything read after it is current.

Call it before the reads whose result decides the writes.
"""

from __future__ import annotations

import zlib
from typing import TypeVar

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

# Touches no row; any table would do, this one exists in every schema.
_SQLITE_TAKE_WRITE_LOCK = text("UPDATE audit_log SET id = id WHERE 0")
T = TypeVar("T")


async def serialize(session: AsyncSession, name: str) -> None:
    bind = session.bind
    dialect = bind.dialect.name if bind is not None else ""
    if dialect == "postgresql":
        await session.execute(select(func.pg_advisory_xact_lock(zlib.crc32(name.encode()))))
    elif dialect == "sqlite":
        await session.execute(_SQLITE_TAKE_WRITE_LOCK)


async def locked(session: AsyncSession, model: type[T], key: object) -> T | None:
    """The row `key` of `model`, read again and held until the transaction ends: of two changes
    to it at once (a double tap on «submit», an album's files, two HQ members publishing) the
    second reads what the first wrote. PostgreSQL: `SELECT … FOR UPDATE`. SQLite ignores
    `FOR UPDATE` and its driver begins a transaction only at the first write, so without the
    write lock taken first the read would come from before the other's commit."""
    bind = session.bind
    if bind is not None and bind.dialect.name == "sqlite":
        await session.execute(_SQLITE_TAKE_WRITE_LOCK)
    return await session.get(model, key, with_for_update=True, populate_existing=True)
