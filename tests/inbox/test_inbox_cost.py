"""Taking the next update costs the same with a week of handled updates in the inbox as with
none: the check "an earlier update of the same chat is still open" must not read every row the
bot ever received (on the deadline day that is ≈ 200,000 rows, kept a week). Counted on
PostgreSQL, in the rows its statistics say the statement read (`pg_stat_xact_user_tables`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text, update

from storage import inbox
from storage.db import create_engine, create_sessionmaker, upgrade
from storage.inbox import Incoming
from storage.models_inbox import DONE, InboxUpdate
from tests.pg_reads import rows_read

NOW = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
HANDLED = 3_000  # a few hours of the deadline day, 5 updates a chat
CHATS = HANDLED // 5



@pytest.mark.parametrize("plan", ["custom", "generic"])
async def test_taking_an_update_does_not_read_the_handled_ones(postgres_url: str, plan: str
                                                               ) -> None:
    """`generic`: the plan PostgreSQL keeps for a prepared statement after five runs (asyncpg
    prepares every statement), made without the values of its parameters."""
    engine = create_engine(postgres_url)
    await upgrade(engine)
    sessionmaker = create_sessionmaker(engine)
    try:
        async with sessionmaker() as session:
            await inbox.store(session, "telegram", 1, [
                Incoming(n, 10_000 + n % CHATS, "{}") for n in range(HANDLED)], NOW)
            await session.execute(update(InboxUpdate).values(state=DONE, done_at=NOW))
            # Ten people write now: their updates wait to be taken.
            await inbox.store(session, "telegram", 1, [
                Incoming(HANDLED + n, 10_000 + n, "{}") for n in range(10)], NOW)
            await session.commit()
        if plan == "generic":
            async with sessionmaker() as session:
                await session.execute(text("ANALYZE inbox"))
                await session.commit()
        async with sessionmaker() as session:
            await session.execute(text(f"SET LOCAL plan_cache_mode = force_{plan}_plan"))
            before = await rows_read(session, "inbox")
            taken = await inbox.take(session, NOW, NOW + timedelta(seconds=30), 32)
            read = await rows_read(session, "inbox") - before
            await session.rollback()
        assert [t.update_id for t in taken] == list(range(HANDLED, HANDLED + 10))
        # Each of the ten looks at its own chat's few earlier updates, not at all 3,000.
        assert read < 200, f"taking 10 updates read {read} rows of the inbox"
    finally:
        await engine.dispose()
