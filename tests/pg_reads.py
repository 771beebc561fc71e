"""How many rows of a table the current transaction has read, on PostgreSQL (through indexes or
scans, from `pg_stat_xact_user_tables`): for tests that a query's cost does not grow with what a
table keeps."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def rows_read(session: AsyncSession, table: str) -> int:
    value = await session.scalar(text(
        "SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) "
        "FROM pg_stat_xact_user_tables WHERE relname = :table"), {"table": table})
    return int(value or 0)
