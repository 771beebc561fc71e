"""How many rows of a table the current transaction has read, on PostgreSQL (through indexes or
scans, from `pg_stat_xact_user_tables`): for tests that a query's cost does not grow with what a
table keeps."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Outbox


async def rows_read(session: AsyncSession, table: str) -> int:
    value = await session.scalar(text(
        "SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) "
        "FROM pg_stat_xact_user_tables WHERE relname = :table"), {"table": table})
    return int(value or 0)


async def add_sent_messages(session: AsyncSession, count: int, at: datetime,
                            dedup_key: Callable[[int], str | None] = lambda n: None) -> None:
    """`count` outbox rows already sent at `at` (chats 0…count-1), as reminder rounds leave
    them: what a query of the queued rows must not read. Not committed."""
    row = {"platform": "bale", "kind": "remind", "payload_json": "{}", "attempts": 1,
           "not_before": at - timedelta(hours=1), "created_at": at, "status": "sent",
           "sent_at": at}
    for start in range(0, count, 2_000):
        await session.execute(insert(Outbox), [
            {**row, "chat_id": n, "dedup_key": dedup_key(n)}
            for n in range(start, min(count, start + 2_000))])
