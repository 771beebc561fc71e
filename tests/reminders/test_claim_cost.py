"""Polling and claiming the outbox costs the same beside many sent messages as beside none.

Every reminder round adds 7,943 sent rows, and the sender asks "anything due?" every moment.
On PostgreSQL, asyncpg prepares every statement and after five runs PostgreSQL plans it once,
without the values of its parameters: with `status = $1` that plan may read the whole outbox at
each poll. Counted in the rows the statements read (`pg_stat_xact_user_tables`), with the plan
PostgreSQL makes with the values (custom) and without them (generic).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert, text

from storage import outbox
from storage.db import create_engine, create_sessionmaker, upgrade
from storage.models import Outbox
from tests.pg_reads import add_sent_messages, rows_read

NOW = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
SENT = 20_000  # a few reminder rounds



@pytest.mark.parametrize("plan", ["custom", "generic"])
async def test_the_sender_does_not_read_what_was_sent(postgres_url: str, plan: str) -> None:
    engine = create_engine(postgres_url)
    await upgrade(engine)
    sessionmaker = create_sessionmaker(engine)
    row = {"platform": "bale", "kind": "remind", "payload_json": "{}", "attempts": 0,
           "not_before": NOW - timedelta(hours=1), "created_at": NOW, "status": "queued"}
    try:
        async with sessionmaker() as session:
            await add_sent_messages(session, SENT, NOW)
            await session.execute(insert(Outbox), [
                {**row, "chat_id": 10**6 + n} for n in range(5)])
            await session.commit()
        async with sessionmaker() as session:
            await session.execute(text("ANALYZE outbox"))
            await session.commit()
        async with sessionmaker() as session:
            await session.execute(text(f"SET LOCAL plan_cache_mode = force_{plan}_plan"))
            before = await rows_read(session, "outbox")
            assert await outbox.has_due(session, ["bale", "telegram"], NOW)
            claimed = await outbox.claim(session, "bale", 32, NOW, NOW + timedelta(seconds=60))
            read = await rows_read(session, "outbox") - before
            await session.rollback()
        assert len(claimed) == 5
        assert read < 100, f"a poll and a claim read {read} rows of the outbox"
    finally:
        await engine.dispose()
