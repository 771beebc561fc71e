"""Claiming outbox rows and keeping them: one short transaction per claim, leases renewed while
a row is held, a dead predecessor's rows taken back, and the lock that makes one sender per
platform the active one (a mixin of `delivery.outbox.sender.OutboxSender`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from delivery.exclusive import sender_lock
from delivery.exclusive import wait as _wait
from delivery.lanes import Lane, utcnow
from storage import outbox as queue
from storage.outbox import Claimed

log = logging.getLogger(__name__)


class Claims:
    """Claims, leases and the sender lock; `OutboxSender` owns the attributes below."""

    sessionmaker: async_sessionmaker[AsyncSession]
    lease: timedelta
    exclusive: bool
    engine: Any
    standby_poll: float
    lock_dir: Path | None

    async def _claim(self, lane: Lane, limit: int) -> list[Claimed]:
        """Take up to `limit` due rows: one short transaction, nothing else inside it."""
        now = utcnow()
        async with self.sessionmaker() as session:
            if not await queue.has_due(session, [lane.platform], now):
                return []
            await session.rollback()  # the read's snapshot must not hold SQLite's writer back
            rows = await queue.claim(session, lane.platform, limit, now, now + self.lease)
            await session.commit()
        return rows

    async def _take_back(self, lane: Lane) -> None:
        """As the one sender of this platform, take back what a dead predecessor held."""
        async with self.sessionmaker() as session:
            taken = await queue.take_back(session, lane.platform)
            await session.commit()
        if taken:
            log.info("outbox %s: took back %d rows left in flight", lane.platform, taken)

    async def _heartbeat(self, lane: Lane, stop: asyncio.Event) -> None:
        period = max(0.5, self.lease.total_seconds() / 3)
        while not stop.is_set():
            await _wait(stop, period)
            ids = list(lane.held)
            if not ids:
                continue
            with contextlib.suppress(DBAPIError, OSError):
                async with self.sessionmaker() as session:
                    await queue.renew(session, ids, utcnow() + self.lease)
                    await session.commit()

    async def _let_go(self, lane: Lane) -> None:
        """On stopping: rows whose request never went out were not sent, so they are freed for
        the next sender now; those whose request went out and whose outcome is unknown wait
        for their lease."""
        ids = [i for i in lane.held if i not in lane.reached]
        if ids:
            with contextlib.suppress(DBAPIError, OSError):
                async with self.sessionmaker() as session:
                    await queue.release(session, ids)
                    await session.commit()
            for row_id in ids:
                lane.held.pop(row_id, None)
        lane.held.clear()
        lane.reached.clear()

    @contextlib.asynccontextmanager
    async def _exclusive(self, lane: Lane, stop: asyncio.Event) -> AsyncIterator[bool]:
        """Hold the platform's sender lock while running (waits as a standby until free)."""
        if not self.exclusive:
            yield True
            return
        async with sender_lock(lane.platform, self.engine, stop, standby_poll=self.standby_poll,
                               lock_dir=self.lock_dir) as ok:
            yield ok
