"""One active sender per platform: a PostgreSQL advisory lock, or an OS file lock beside the
SQLite file; both are released when the process dies, so a standby takes over."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger("delivery.outbox")

# Advisory-lock keys (PostgreSQL): one per platform's sender.
LOCK_KEYS = {"bale": 0x50_4B_48_01, "telegram": 0x50_4B_48_02}


@contextlib.asynccontextmanager
async def sender_lock(platform: str, engine: AsyncEngine | None, stop: asyncio.Event, *,
                      standby_poll: float = 1.0, lock_dir: Path | None = None
                      ) -> AsyncIterator[bool]:
    """Hold the platform's sender lock (waiting as a standby until it is free); yields False
    when `stop` was set before it was taken."""
    if engine is not None and engine.dialect.name == "postgresql":
        async with engine.connect() as conn:
            key = LOCK_KEYS.get(platform, 0x50_4B_48_00)
            announced = False
            while not await conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}):
                await conn.rollback()
                if not announced:
                    log.info("outbox %s: another sender is active; standing by", platform)
                    announced = True
                if await wait(stop, standby_poll):
                    yield False
                    return
            await conn.commit()
            try:
                yield True
            finally:
                with contextlib.suppress(Exception):
                    await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                    await conn.commit()
        return
    path = lock_path(engine, platform, lock_dir)
    handle = try_file_lock(path) if path is not None else None
    if path is not None and handle is None:
        log.info("outbox %s: another sender holds %s; standing by", platform, path)
        while handle is None:
            if await wait(stop, standby_poll):
                yield False
                return
            handle = try_file_lock(path)
    try:
        yield True
    finally:
        if handle is not None:
            handle.close()


def lock_path(engine: AsyncEngine | None, platform: str, lock_dir: Path | None) -> Path | None:
    if engine is None:
        return None
    url = make_url(str(engine.url))
    database = url.database
    if not database or database == ":memory:":
        return None
    base = Path(database)
    folder = lock_dir or base.parent
    return folder / f"{base.name}.outbox-{platform}.lock"


def try_file_lock(path: Path) -> Any:
    """An exclusive OS lock on `path` (released by the OS when the process dies), or None."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: leases alone keep senders apart
        return open(path, "a")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a")  # held open for as long as the lock
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


async def wait(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep up to `seconds`; True when `stop` was set."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    return stop.is_set()


async def wait_any(stop: asyncio.Event, other: asyncio.Event, seconds: float) -> None:
    """Sleep up to `seconds`, until `stop` or `other` is set."""
    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(other.wait())]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
