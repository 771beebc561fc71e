"""An album's part finds its queued acknowledgement without reading the outbox's sent rows.

Each part of an album adds its file's name to one queued notice (`storage.album_notices`). On
the deadline day the outbox keeps tens of thousands of sent messages; the lookup ran
`dedup_key LIKE 'album:…#%' AND status = $2`, which no index serves on PostgreSQL, so every
part read the whole outbox. Counted in rows read (`pg_stat_xact_user_tables`), with the plan
PostgreSQL makes with the values (custom) and without them (generic).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from storage import album_notices
from storage.db import create_engine, create_sessionmaker, upgrade
from storage.models import Account, Outbox
from tests.pg_reads import add_sent_messages, rows_read

NOW = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
SENT = 20_000


@dataclass
class Person:
    id: int
    platform: str = "bale"
    platform_user_id: int = 4242
    locale: str = "fa"


@pytest.mark.parametrize("plan", ["custom", "generic"])
async def test_an_album_part_does_not_read_what_was_sent(postgres_url: str, plan: str) -> None:
    engine = create_engine(postgres_url)
    await upgrade(engine)
    sessionmaker = create_sessionmaker(engine)
    try:
        async with sessionmaker() as session:
            account = Account(platform="bale", platform_user_id=4242, locale="fa",
                              first_name="x")
            session.add(account)
            await session.flush()
            person = Person(account.id)
            await add_sent_messages(session, SENT, NOW,
                                    lambda n: f"album:old{n}#1" if n % 2 else None)
            await session.commit()
        async with sessionmaker() as session:
            await session.execute(text("ANALYZE outbox"))
            await session.commit()
        read = []
        for part, name in enumerate(["a.pdf", "b.pdf", "c.pdf", "d.pdf", "e.pdf", "f.pdf"]):
            async with sessionmaker() as session:
                await session.execute(text(f"SET LOCAL plan_cache_mode = force_{plan}_plan"))
                before = await rows_read(session, "outbox")
                await album_notices.note_part(session, person, "g1", name, part + 1,
                                              NOW + timedelta(seconds=3), item="q1")
                read.append(await rows_read(session, "outbox") - before)
                await session.commit()
        async with sessionmaker() as session:
            queued = (await session.scalars(
                select(Outbox).where(Outbox.status == "queued"))).all()
        assert len(queued) == 1
        assert json.loads(queued[0].payload_json)["args"]["names"] == [
            "a.pdf", "b.pdf", "c.pdf", "d.pdf", "e.pdf", "f.pdf"]
        assert max(read) < 100, f"album parts read {read} rows of the outbox"
    finally:
        await engine.dispose()
