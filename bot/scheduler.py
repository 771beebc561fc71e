"""Time: an in-memory APScheduler triggers idempotent sweeps; the database decides what is due.

Nothing about a job lives in the scheduler (a persistent job store re-adds jobs at every start and
duplicates them): each run asks the database which period has closed and which milestone is due,
using the application's clock, so that after downtime the due work simply happens at the next
run. Runs never overlap within a process, and with several workers on PostgreSQL only the one
that holds an advisory lock sweeps.

`background(app)` runs the outbox sender and the scheduler beside polling or the webhook server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
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
        from services.uow import UnitOfWork

        now = self.app.clock.now()
        tz = self.app.settings.tz
        results: list[Any] = []
        for name, work in (("close", sweep_close), ("reminders", sweep_reminders)):
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
        """On PostgreSQL, only the worker holding the advisory lock sweeps; elsewhere, this one."""
        engine = self.app.engine
        if engine.dialect.name != "postgresql":
            yield True
            return
        async with engine.connect() as conn:
            got = bool(await conn.scalar(text("SELECT pg_try_advisory_lock(:k)"),
                                         {"k": SWEEP_LOCK_KEY}))
            await conn.commit()
            try:
                yield got
            finally:
                if got:
                    with contextlib.suppress(Exception):
                        await conn.execute(text("SELECT pg_advisory_unlock(:k)"),
                                           {"k": SWEEP_LOCK_KEY})
                        await conn.commit()


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
        stop.set()
        try:
            await asyncio.wait_for(task, sender.request_timeout + 40)
        except (TimeoutError, asyncio.CancelledError):
            task.cancel()
        except Exception:
            log.exception("the outbox sender stopped with an error")
