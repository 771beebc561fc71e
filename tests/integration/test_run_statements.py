"""`storage.db.run`: the hot statements give what SQLAlchemy gives, and stay in the session's
transaction (on SQLite they bypass SQLAlchemy's execution; on PostgreSQL they do not)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.statements import _seed
from storage import declarations as decl
from storage.admin import _AUDIT, _CURRENT_PERIOD
from storage.db import MEMO, create_engine, create_sessionmaker, run, upgrade

Seeded = tuple[async_sessionmaker[AsyncSession], dict[str, Any]]


@pytest.fixture
async def seeded(db_url: str) -> AsyncIterator[Seeded]:
    """A database with one draft of 12 answers and 12 files; its id as `{"id": …}`."""
    engine = create_engine(db_url)
    await upgrade(engine)
    sessions = create_sessionmaker(engine)
    async with sessions() as session:
        key = {"id": await _seed(session)}
    yield sessions, key
    await engine.dispose()


async def test_rows_equal_sqlalchemys_with_aware_datetimes(seeded: Seeded) -> None:
    sessions, key = seeded
    async with sessions() as session:
        for statement in (decl._DECLARATION, decl._ANSWERS, decl._EVIDENCE):
            expected = [tuple(row) for row in (await session.execute(statement, key)).all()]
            got = await run(session, statement, key)
            assert [tuple(row) for row in got] == expected and got
        now = datetime(2025, 11, 1, 12, 30, tzinfo=UTC)
        periods = await run(session, _CURRENT_PERIOD, {"now": now})
        assert periods[0].opens_at == datetime(2025, 10, 25, tzinfo=UTC)
        assert periods[0].opens_at.tzinfo is not None and periods[0].closed_at is None
        assert await run(session, _CURRENT_PERIOD, {"now": datetime(2020, 1, 1, tzinfo=UTC)}) \
            == []


async def test_writes_are_the_sessions_to_commit_or_roll_back(seeded: Seeded) -> None:
    sessions, key = seeded
    row = {"at": datetime(2025, 11, 1, tzinfo=UTC), "actor": "test", "actor_account_id": None,
           "action": "answer.set", "entity": "declaration", "entity_id": "1", "old": None,
           "new": "{}", "reason": None}
    async with sessions() as session:
        session.info[MEMO] = {"view": "stale"}
        await run(session, _AUDIT, row)
        assert MEMO not in session.info  # a write forgets what the update had read
        await session.rollback()
        evidence_id = (await run(session, decl._ADD_EVIDENCE, {
            "declaration_id": key["id"], "item_key": "item0", "sha256": "f" * 64, "size": 5,
            "mime": "application/pdf", "filename": "a.pdf", "platform": "telegram",
            "file_id": "x", "uploaded_at": datetime(2025, 11, 1, tzinfo=UTC)}))[0][0]
        assert isinstance(evidence_id, int)
        await session.commit()
    async with sessions() as session:
        count = await decl.evidence_count(session, key["id"], "item0")
        audited = (await session.execute(_AUDIT.table.select())).all()
    assert count == 2  # the seeded file and the committed one
    assert audited == []  # the rolled-back audit row is gone
