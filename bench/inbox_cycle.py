"""`python -m bench.inbox_cycle`: what one update's inbox bookkeeping costs on SQLite, with the
inbox in a file of its own (`storage.db.inbox_path`, the default) and in the main file (as
before migration 0025), measured in the same run.

Each update: stored (the intake), taken (the worker's lease), a use case's write in the main
file with the update's `replying` mark in the same transaction, then marked done: four
transactions, as `delivery.inbox` runs them. Prints CPU and wall time an update for each layout.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from storage import inbox
from storage.db import _sqlite_pragmas, create_engine, create_sessionmaker, upgrade
from storage.inbox import Incoming
from storage.models import Account


def _inbox_in_main_file(url: str) -> AsyncEngine:
    engine = create_async_engine(url, connect_args={"timeout": 30})
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas(None))
    return engine


async def cycle(engine: AsyncEngine, updates: int) -> tuple[float, float]:
    """CPU and wall milliseconds an update."""
    await upgrade(engine)
    sessions = create_sessionmaker(engine)
    async with sessions() as session:
        account = Account(platform="bale", platform_user_id=1, locale="fa", first_name="x")
        session.add(account)
        await session.commit()
    now = datetime.now(UTC)
    cpu, wall = time.process_time(), time.perf_counter()
    for number in range(updates):
        async with sessions() as session:
            await inbox.store(session, "bale", 1, [Incoming(number, 5, "{}")], now)
            await session.commit()
        async with sessions() as session:
            [row] = await inbox.take(session, now, now + timedelta(seconds=10), 1)
            await session.commit()
        async with sessions() as session:
            await session.execute(update(Account).where(Account.id == account.id)
                                  .values(first_name=f"x{number}"))
            await inbox.finish(session, row.id, now)
            await session.commit()
        async with sessions() as session:
            await inbox.answered(session, row.id, now)
            await session.commit()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    await engine.dispose()
    return cpu * 1000 / updates, wall * 1000 / updates


async def run(updates: int, rounds: int) -> None:
    for _ in range(rounds):
        for name, make in (("own file", create_engine), ("main file", _inbox_in_main_file)):
            folder = Path(tempfile.mkdtemp())
            cpu, wall = await cycle(make(f"sqlite+aiosqlite:///{folder}/pishkhan.db"), updates)
            print(f"inbox in its {name:9}  {cpu:5.2f} ms CPU an update  {wall:6.2f} ms wall")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    asyncio.run(run(options.updates, options.rounds))


if __name__ == "__main__":
    main()
