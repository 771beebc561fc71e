"""The outbox sender itself: one lane per platform with a bot, the loop that claims due rows and
starts their sends within the lane's bound, `drain_once` for tests and the command line, and
stopping (what is on the wire finishes, what is not is let go). The package's docstring
(`delivery.outbox`) tells a row's whole way."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from delivery.coordination import Coordination, Local
from delivery.exclusive import wait as _wait
from delivery.exclusive import wait_any
from delivery.lanes import Lane, utcnow
from delivery.outbox.claims import Claims
from delivery.outbox.recording import Recording
from delivery.outbox.sending import Sending
from delivery.verdicts import Verdicts
from services.clock import Clock
from settings import Settings
from storage import outbox as queue

log = logging.getLogger(__name__)

PLATFORMS = ("bale", "telegram")


class OutboxSender(Claims, Sending, Recording):
    """Drains the outbox of every platform that has a bot.

    `run(stop)` works until `stop` is set; `drain_once()` sends what is due now and returns
    (tests, the command line). `clock` is the business clock (a reminder's `expires_at`);
    leases and backoff use the wall clock, since they are about processes, not the calendar.
    """

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], bots: Iterable[Any],
                 settings: Settings, clock: Clock | None = None, *,
                 max_in_flight: int | dict[str, int] | None = None,
                 lease_seconds: float = 30.0, request_timeout: float = 20.0,
                 poll_interval: float = 0.5, flush_delay: float = 0.005,
                 max_attempts: int = 8, max_429_attempts: int = 30,
                 exclusive: bool | None = None, standby_poll: float = 1.0,
                 lock_dir: Path | None = None,
                 coordination: Coordination | None = None) -> None:
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.clock = clock or Clock()
        self.lease = timedelta(seconds=lease_seconds)
        self.request_timeout = request_timeout
        self.poll_interval = poll_interval
        self.flush_delay = flush_delay
        self.verdicts = Verdicts(max_attempts, max_429_attempts)
        # Shared (Redis): every worker's sender claims rows and spends one budget per bot.
        # Local: one active sender per platform, whose own bucket is the whole budget.
        self.coordination = coordination or Local()
        self.exclusive = not self.coordination.shared if exclusive is None else exclusive
        self.standby_poll = standby_poll
        self.lock_dir = lock_dir
        engine = sessionmaker.kw.get("bind")
        self.dialect = engine.dialect.name if engine is not None else "sqlite"
        self.engine = engine
        self._wake = asyncio.Event()
        self._running = False
        self.lanes: dict[str, Lane] = {}
        for bot in bots:
            platform = getattr(bot, "platform", "telegram")
            rate = settings.bale_rate if platform == "bale" else settings.telegram_rate
            if isinstance(max_in_flight, dict):
                bound = max_in_flight.get(platform)
            else:
                bound = max_in_flight
            if bound is None:
                bound = max(8, min(32, math.ceil(rate * 0.5)))
            budget = self.coordination.budget(f"{platform}:{getattr(bot, 'id', 0)}", rate)
            self.lanes[platform] = Lane(platform, bot, budget, int(bound))

    @classmethod
    def from_app(cls, app: Any, **kwargs: Any) -> OutboxSender:
        kwargs.setdefault("coordination", app.services.get("coordination"))
        return cls(app.sessionmaker, app.bots, app.settings, app.clock, **kwargs)

    @property
    def max_in_flight(self) -> dict[str, int]:
        """Per platform: rows between claim and committed outcome (bounds crash duplicates)."""
        return {p: lane.max_in_flight for p, lane in self.lanes.items()}

    @property
    def stats(self) -> dict[str, dict[str, int]]:
        return {p: lane.stats.as_dict() for p, lane in self.lanes.items()}

    def wake(self) -> None:
        """New rows were written: look now rather than at the next poll."""
        self._wake.set()

    # ------------------------------------------------------------------------- running

    async def run(self, stop: asyncio.Event) -> None:
        """Send until `stop` is set; then finish what is in flight and let go of the rest."""
        if not self.lanes:
            await stop.wait()
            return
        self._running = True
        try:
            await asyncio.gather(*(self._run_lane(lane, stop) for lane in self.lanes.values()))
        finally:
            self._running = False

    async def drain_once(self, within: float = 60.0) -> int:
        """Send every row due now (and retries that come due meanwhile are left for later);
        returns how many were sent. While `run` is going, wait until it has done so."""
        before = sum(lane.stats.sent for lane in self.lanes.values())
        if self._running:
            await asyncio.wait_for(self._until_idle(), within)
            return sum(lane.stats.sent for lane in self.lanes.values()) - before

        async def one(lane: Lane) -> None:
            done = asyncio.Event()
            flusher = asyncio.create_task(self._flusher(lane, done))
            try:
                while True:
                    if lane.free > 0 and lane.refused is None:
                        rows = await self._claim(lane, lane.free)
                        for row in rows:
                            self._start(lane, row)
                        if rows:
                            continue
                    if not lane.held:
                        return
                    lane.slot_freed.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(lane.slot_freed.wait(), 1.0)
            finally:
                await self._settle(lane, flusher, done)

        await asyncio.wait_for(asyncio.gather(*(one(lane) for lane in self.lanes.values())),
                               within)
        return sum(lane.stats.sent for lane in self.lanes.values()) - before

    async def _until_idle(self) -> None:
        while True:
            self.wake()
            await asyncio.sleep(0.05)
            if any(lane.held for lane in self.lanes.values()):
                continue
            live = [p for p, lane in self.lanes.items() if lane.refused is None]
            async with self.sessionmaker() as session:
                due = bool(live) and await queue.has_due(session, live, utcnow())
            if not due and not any(lane.held for lane in self.lanes.values()):
                return

    async def _run_lane(self, lane: Lane, stop: asyncio.Event) -> None:
        async with self._exclusive(lane, stop) as ok:
            if not ok:
                return
            if self.exclusive:
                await self._take_back(lane)
            done = asyncio.Event()
            flusher = asyncio.create_task(self._flusher(lane, done))
            heart = asyncio.create_task(self._heartbeat(lane, stop))
            try:
                while not stop.is_set() and lane.refused is None:
                    try:
                        await self._step(lane, stop)
                    except (DBAPIError, OSError) as exc:
                        log.warning("outbox %s: database trouble, retrying: %s", lane.platform,
                                    str(exc).splitlines()[0])
                        await _wait(stop, 2.0)
                    except Exception:  # keep sending whatever one bad moment was
                        log.exception("outbox %s: unexpected error", lane.platform)
                        await _wait(stop, 5.0)
            finally:
                await self._settle(lane, flusher, done)
                heart.cancel()

    async def _step(self, lane: Lane, stop: asyncio.Event) -> None:
        if lane.free <= 0:
            lane.slot_freed.clear()
            await wait_any(stop, lane.slot_freed, self.poll_interval)
            return
        rows = await self._claim(lane, lane.free)
        if not rows:
            self._wake.clear()
            await wait_any(stop, self._wake, self.poll_interval)
            return
        for row in rows:
            self._start(lane, row)

    async def _settle(self, lane: Lane, flusher: asyncio.Task[None], done: asyncio.Event
                      ) -> None:
        """Stop: sends not yet on the wire are called off and their rows let go at once; sends
        on the wire are awaited; every outcome is committed before the flusher ends."""
        for row_id, task in list(lane.tasks.items()):
            if row_id not in lane.on_wire:
                task.cancel()
        if lane.tasks:
            await asyncio.wait(list(lane.tasks.values()), timeout=self.request_timeout + 5)
        for task in list(lane.tasks.values()):  # hung past its own timeout: state unknown
            task.cancel()
        done.set()
        lane.have_results.set()
        try:
            await asyncio.wait_for(flusher, 30)
        except (TimeoutError, asyncio.CancelledError):
            log.warning("outbox %s: outcomes not recorded; their leases will run out",
                        lane.platform)
        await self._let_go(lane)
