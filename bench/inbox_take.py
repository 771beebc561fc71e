"""Taking the next updates from an inbox holding a week of handled ones, against an empty one.

    .venv/bin/python -m bench.inbox_take [--handled 100000] [--postgres URL] [--rounds 30]

The inbox keeps handled updates a week (the deadline day alone is ≈ 200,000). Each round 32
people have one update waiting; `storage.inbox.take` leases them (rolled back, so every round
takes the same rows). Reported per database: the median time of a take beside `--handled`
handled updates of 20,000 chats, and its ratio to the same take from an inbox with none, in
the same run. Goal: a ratio near 1 (the cost does not grow with the inbox). On PostgreSQL the
planner's statistics lag a growing table (autovacuum analyses after 10 % of it changed, at most
once a minute): measured as filled, then again once analysed.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text

from storage import inbox
from storage.db import create_engine, create_sessionmaker, upgrade
from storage.inbox import Incoming
from storage.models_inbox import DONE, InboxUpdate

NOW = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
WAITING = 32
CHATS = 20_000


async def _median_take(url: str, handled: int, rounds: int, analyse: bool = False) -> float:
    engine = create_engine(url)
    await upgrade(engine)
    sessionmaker = create_sessionmaker(engine)
    try:
        async with sessionmaker() as session:
            await session.execute(text("DELETE FROM inbox"))
            for start in range(0, handled, 3_000):  # handled ones, as the worker leaves them
                await session.execute(insert(InboxUpdate), [
                    {"platform": "telegram", "bot_id": 1, "update_id": n, "chat_id": n % CHATS,
                     "payload": "{}", "received_at": NOW, "state": DONE, "attempts": 1,
                     "due_at": NOW, "done_at": NOW}
                    for n in range(start, min(handled, start + 3_000))])
            await inbox.store(session, "telegram", 1, [
                Incoming(handled + n, n, "{}") for n in range(WAITING)], NOW)
            await session.commit()
        if url.startswith("postgresql") and analyse:
            async with engine.connect() as connection:
                await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.execute(text("VACUUM ANALYZE inbox"))
        times = []
        for _ in range(rounds):
            async with sessionmaker() as session:
                started = time.perf_counter()
                taken = await inbox.take(session, NOW, NOW + timedelta(seconds=30), WAITING)
                times.append(time.perf_counter() - started)
                await session.rollback()
            assert len(taken) == WAITING
        return statistics.median(times)
    finally:
        await engine.dispose()


async def run(handled: int, rounds: int, postgres: str | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        urls = {"SQLite": f"sqlite+aiosqlite:///{Path(folder) / 'inbox.db'}"}
        if postgres:
            urls["PostgreSQL"] = postgres
        for name, url in urls.items():
            empty = await _median_take(url, 0, rounds)
            full = await _median_take(url, handled, rounds)
            print(f"{name:<11} take {WAITING}: {full * 1000:7.2f} ms beside {handled:,} handled, "
                  f"{empty * 1000:6.2f} ms beside none: ratio {full / empty:.2f}")
            if name == "PostgreSQL":
                analysed = await _median_take(url, handled, rounds, analyse=True)
                print(f"{'':<11} the same once analysed: {analysed * 1000:7.2f} ms: ratio "
                      f"{analysed / empty:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--handled", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--postgres", default=None, help="an empty PostgreSQL database URL")
    options = parser.parse_args()
    asyncio.run(run(options.handled, options.rounds, options.postgres))


if __name__ == "__main__":
    main()
