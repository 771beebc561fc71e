"""Time: an in-memory APScheduler triggers idempotent sweeps; the database decides what is due.

Nothing about a job lives in the scheduler (a persistent job store re-adds jobs at every start and
duplicates them): each run asks the database which period has closed and which milestone is due,
using the application's clock, so that after downtime the due work simply happens at the next
run. Runs never overlap within a process, and with several workers on PostgreSQL exactly one
sweeps: the first to take an advisory lock keeps it (on a connection of its own) for as long as it
lives; the others try at each of their runs, so one of them leads within a sweep interval of the
leader's death (its connection closes, PostgreSQL lets the lock go).

`background(app)` runs the outbox sender and the scheduler beside polling or the webhook server.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import text

from delivery.outbox import OutboxSender

log = logging.getLogger(__name__)

SWEEP_INTERVAL = 30.0
SWEEP_LOCK_KEY = 0x50_4B_48_10
# An extra sweep: called with the app and "now"; e.g. the escalation of unanswered questions.
# What it returns, if truthy (a count, a list), wakes the outbox sender; a list is kept too.
Sweep = Callable[[Any, datetime], Awaitable[object]]


class Sweeper:
    """Runs the sweeps in order: close periods, then reminders, then any extra ones."""

    def __init__(self, app: Any, extra: Sequence[Sweep] = ()) -> None:
        self.app = app
        self.extra = list(extra)
        self._guard = asyncio.Lock()
        self.runs = 0
        self.last_results: list[Any] = []
        self.closing = False
        self._lock_conn: Any = None  # PostgreSQL: the connection holding the sweep lock
        self.leading_since: datetime | None = None

    async def run(self) -> list[Any]:
        """One pass; returns what was swept (empty when another pass or worker is at it)."""
        if self._guard.locked() or self.closing:
            return []
        async with self._guard, self._leader() as leader:
            if not leader:
                return []
            results, wrote = await self._sweep()
            self.runs += 1
            self.last_results = results
            outbox = self.app.services.get("outbox")
            if wrote and outbox is not None:
                outbox.wake()
            return results

    async def idle(self) -> None:
        """Wait for a pass in progress to finish."""
        async with self._guard:
            return

    async def _sweep(self) -> tuple[list[Any], bool]:
        """What was swept, and whether anything may have been written to the outbox."""
        from services.reminders import sweep_close, sweep_reminders
        from services.send_hours import SendHours
        from services.uow import UnitOfWork

        now = self.app.clock.now()
        tz = self.app.settings.tz
        results: list[Any] = []
        # Reminders only within the configured send hours (settings.send_hours, Tehran time).
        reminders = functools.partial(sweep_reminders,
                                      hours=SendHours.parse(self.app.settings.send_hours))
        for name, work in (("close", sweep_close), ("reminders", reminders)):
            try:
                results += await work(UnitOfWork(self.app.sessionmaker), now, tz)
            except Exception:  # one sweep's failure must not stop the others; retried next run
                log.exception("%s sweep failed", name)
        wrote = bool(results)
        for sweep in self.extra:
            try:
                outcome = await sweep(self.app, now)
            except Exception:
                log.exception("sweep %s failed", getattr(sweep, "__name__", sweep))
                continue
            if isinstance(outcome, list):
                results += outcome
            wrote = wrote or bool(outcome)
        return results, wrote

    @contextlib.asynccontextmanager
    async def _leader(self) -> AsyncIterator[bool]:
        """On PostgreSQL, only the worker holding the advisory lock sweeps; elsewhere, this one.

        The lock is taken on a connection kept for as long as this worker leads: the leader
        stays the leader, the others try again at each of their runs, and when the leader's
        process dies its connection closes, the lock goes with it and the next try takes it.
        """
        if self.app.engine.dialect.name != "postgresql":
            yield True
            return
        yield await self._lead()

    async def _lead(self) -> bool:
        conn = self._lock_conn
        if conn is not None:  # still connected, so still holding the lock?
            try:
                await conn.scalar(text("SELECT 1"))
                await conn.commit()
                return True
            except Exception:
                log.warning("scheduler: lost the connection holding the sweep lock")
                await self.release()
        conn = await self.app.engine.connect()
        try:
            got = bool(await conn.scalar(text("SELECT pg_try_advisory_lock(:k)"),
                                         {"k": SWEEP_LOCK_KEY}))
            await conn.commit()
        except Exception:
            await conn.close()
            raise
        if not got:
            await conn.close()
            return False
        self._lock_conn = conn
        self.leading_since = datetime.now(UTC)
        log.info("scheduler: this worker runs the sweeps (pid %d)", os.getpid())
        return True

    async def release(self) -> None:
        """Let another worker lead (at shutdown, or after losing the connection)."""
        conn, self._lock_conn = self._lock_conn, None
        self.leading_since = None
        if conn is None:
            return
        with contextlib.suppress(Exception):
            await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": SWEEP_LOCK_KEY})
            await conn.commit()
        with contextlib.suppress(Exception):
            await conn.close()

    @property
    def leading(self) -> bool:
        return self._lock_conn is not None or (
            self.app.engine.dialect.name != "postgresql" and self.runs > 0)


def build_scheduler(app: Any, *, interval: float = SWEEP_INTERVAL,
                    extra: Sequence[Sweep] = ()) -> AsyncIOScheduler:
    """An in-memory scheduler whose one job runs the sweeps every `interval` seconds, starting
    at once (catching up after downtime). Start it inside the running event loop."""
    sweeper = Sweeper(app, extra)
    app.services["sweeper"] = sweeper
    # A run that takes longer than the interval makes the next one return at once (the guard);
    # two instances allowed keeps APScheduler from warning about it.
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_job(sweeper.run, IntervalTrigger(seconds=interval), id="sweeps",
                      name="close and reminder sweeps", max_instances=2, coalesce=True,
                      misfire_grace_time=None, next_run_time=datetime.now(UTC))
    return scheduler


@contextlib.asynccontextmanager
async def background(app: Any, *, sweep_interval: float = SWEEP_INTERVAL,
                     extra: Sequence[Sweep] = (), **sender_options: Any) -> AsyncIterator[Any]:
    """The outbox sender and the scheduler, for as long as the block runs:

        async with application(settings) as app, background(app):
            await app.dispatcher.start_polling(*app.bots)
    """
    stop = asyncio.Event()
    sender = OutboxSender.from_app(app, **sender_options)
    app.services["outbox"] = sender
    task = asyncio.create_task(sender.run(stop), name="outbox")
    scheduler = build_scheduler(app, interval=sweep_interval, extra=extra)
    scheduler.start()
    try:
        yield sender
    finally:
        # Let a sweep in progress finish: shutting the scheduler down cancels running jobs.
        sweeper = app.services["sweeper"]
        sweeper.closing = True
        scheduler.pause()
        await sweeper.idle()
        await asyncio.sleep(0.01)  # a run dispatched meanwhile sees `closing` and returns
        scheduler.shutdown(wait=False)
        await sweeper.release()
        stop.set()
        try:
            await asyncio.wait_for(task, sender.request_timeout + 40)
        except (TimeoutError, asyncio.CancelledError):
            task.cancel()
        except Exception:
            log.exception("the outbox sender stopped with an error")
