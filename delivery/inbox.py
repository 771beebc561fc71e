"""Updates in: kept in the inbox before they are acknowledged, then handled from it.

```text
 getUpdates / webhook ──▶ keep() (store + commit) ──▶ acknowledge (next offset / 200)
                                                       │
 InboxWorker: take due rows (a lease) ──▶ Dispatcher.feed_update(…, inbox_id=…) ──▶ answered
```

A handled update is marked `replying` by the transaction of the change it made
(`services.uow.UnitOfWork` with the update's `inbox_id`), and `done` once its handler returned,
the person answered (one small write; from `new` straight to `done` when it changed nothing).
One that raised is retried with backoff (`RETRY_AFTER`), then parked: `pishkhan inbox
list|retry|drop`. A process killed at any point leaves the update in the inbox, new or
replying; its lease runs out and the next worker (or the restarted process) handles it. For one
replying, the use case has made its change already: handled again, it refuses or changes
nothing (the same file is kept once, a second submit is "already submitted by you at …", a
second confirmation "already confirmed by …"), and that is the answer the person gets. The unique
`(platform, bot_id, update_id)` makes a re-delivered or replayed update a no-op.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from delivery import observe
from delivery.platforms import parse_update
from settings.redaction import redact
from storage import inbox
from storage.inbox import Incoming, Taken

log = logging.getLogger(__name__)
ALLOWED_UPDATES = ["message", "callback_query", "edited_message"]
# The n-th failure of an update is retried this long after it; past the last, it is parked.
RETRY_AFTER = (timedelta(seconds=5), timedelta(seconds=30), timedelta(minutes=2))


def chat_of(update: Update) -> int | None:
    """The chat an update belongs to: one person's updates are handled in order."""
    if update.message is not None:
        return update.message.chat.id
    if update.edited_message is not None:
        return update.edited_message.chat.id
    if update.callback_query is not None:
        return update.callback_query.from_user.id
    return None


def incoming(update: Update) -> Incoming:
    return Incoming(update.update_id, chat_of(update),
                    update.model_dump_json(by_alias=True, exclude_none=True,
                                           exclude_unset=True))


async def keep(sessionmaker: async_sessionmaker[AsyncSession], bot: Bot,
               updates: Sequence[Update], now: datetime) -> int:
    """Store a batch of updates and commit: only then may they be acknowledged."""
    async with sessionmaker() as session:
        added = await inbox.store(session, platform_of(bot), bot.id,
                                  [incoming(u) for u in updates], now)
        await session.commit()
    return added


def platform_of(bot: Bot) -> str:
    return str(getattr(bot, "platform", "telegram"))


@dataclass
class Outcome:
    """What the error handler saw while an update was handled (set through the handler data)."""

    error: BaseException | None = None


@dataclass
class InboxWorker:
    """Takes due updates from the inbox and feeds them to the dispatcher."""

    dispatcher: Dispatcher
    sessionmaker: async_sessionmaker[AsyncSession]
    bots: Sequence[Bot]
    clock: Any  # services.clock.Clock: now()
    concurrency: int = 8
    # Short, and renewed every third of it while the update is handled: a process killed
    # mid-update leaves it to the next one (or to itself, restarted) within seconds.
    lease: timedelta = timedelta(seconds=10)
    # With nothing to take, the worker waits for `wake` (an update kept by this process, or a
    # handled update whose chat has a later one) and looks again after this long anyway (an
    # update kept by another worker, a retry that fell due).
    idle_wait: float = 1.0
    on_parked: Any = None  # async (Taken, error) -> None: tell hq
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    _running: dict[int, Taken] = field(default_factory=dict)

    def bot_for(self, platform: str, bot_id: int) -> Bot | None:
        return next((b for b in self.bots if b.id == bot_id and platform_of(b) == platform),
                    None)

    async def run(self, stop: asyncio.Event) -> None:
        tasks: set[asyncio.Task[None]] = set()
        renewer = asyncio.create_task(self._renew(stop))
        try:
            while not stop.is_set():
                observe.worker_alive(self)  # /readyz: the worker's loop turns
                free = self.concurrency - len(tasks)
                taken: list[Taken] = []
                # Cleared before the take, so a wake-up that comes while it runs is not lost.
                self.wake.clear()
                if free > 0:
                    try:
                        taken = await self._take(free)
                    except Exception:  # the database is away: try again shortly
                        log.exception("could not take updates from the inbox")
                for row in taken:
                    self._running[row.id] = row
                    task = asyncio.create_task(self._handle(row))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
                if taken and len(taken) == free:
                    continue  # as many as it had room for: there may be more
                # Nothing more to take now. Not after every handled update: that was a second
                # take an update, most of them finding nothing (bench/deadline.py).
                full = len(tasks) >= self.concurrency
                waiters = [asyncio.create_task(self.wake.wait()),
                           asyncio.create_task(stop.wait()), *(tasks if full else ())]
                await asyncio.wait(waiters, timeout=self.idle_wait,
                                   return_when=asyncio.FIRST_COMPLETED)
                for waiter in waiters[:2]:
                    waiter.cancel()
        finally:
            observe.worker_gone(self)
            if tasks:  # let what is being handled finish; the rest is taken again later
                await asyncio.wait(tasks, timeout=10)
            renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewer

    async def _take(self, limit: int) -> list[Taken]:
        now = self.clock.now()
        async with self.sessionmaker() as session:
            taken = await inbox.take(session, now, now + self.lease, limit)
            await session.commit()
        return taken

    async def _renew(self, stop: asyncio.Event) -> None:
        """A slow update (a large file on a slow line) keeps its lease while it is handled."""
        while not stop.is_set():
            await asyncio.sleep(self.lease.total_seconds() / 3)
            if not self._running:
                continue
            with contextlib.suppress(Exception):
                async with self.sessionmaker() as session:
                    await inbox.renew(session, list(self._running),
                                      self.clock.now() + self.lease)
                    await session.commit()

    async def _handle(self, row: Taken) -> None:
        # Every log line of this update carries its id (bot.logs); the metrics see its outcome.
        observe.CURRENT_UPDATE.set(f"{row.platform}:{row.update_id}")
        started, result = time.perf_counter(), "unfinished"
        try:
            result = await self.handle(row)
        except Exception:
            log.exception("inbox row %s could not be finished", row.id)
        finally:
            self._running.pop(row.id, None)
            observe.handled(row.platform, result, time.perf_counter() - started)

    async def handle(self, row: Taken) -> str:
        """Handle one row: 'handled', 'retried' (it failed; again later) or 'parked'."""
        bot = self.bot_for(row.platform, row.bot_id)
        update = None if bot is None else parse_update(bot, row.platform,
                                                       _json(row.payload))
        outcome = Outcome()
        if bot is None or update is None:
            outcome.error = LookupError(f"no bot {row.platform}:{row.bot_id} or bad payload")
        else:
            try:
                await self.dispatcher.feed_update(bot, update, inbox_id=row.id,
                                                  inbox_outcome=outcome)
            except Exception as error:  # the error handler itself failed
                outcome.error = error
        now = self.clock.now()
        async with self.sessionmaker() as session:
            # The handler returned, so the person was answered: one small write (for an
            # update whose use case marked it done, the only write of its own).
            if outcome.error is None:
                await inbox.answered(session, row.id, now)
                state = None
            else:
                retry_at = now + RETRY_AFTER[row.attempts - 1] \
                    if row.attempts <= len(RETRY_AFTER) else None
                state = await inbox.failed(session, row.id, _describe(outcome.error), now,
                                           retry_at)
                if state is None:  # its change was committed; the error handler answered
                    await inbox.answered(session, row.id, now)
            later = await inbox.later_in_chat(session, row)
            await session.commit()
        if later:  # the person's next update waited for this one
            self.wake.set()
        if state == "parked":
            log.error("update %s:%s parked after %d attempts", row.platform, row.update_id,
                      row.attempts)
            if self.on_parked is not None:
                await self.on_parked(row, outcome.error)
        if outcome.error is None:
            return "handled"
        return "parked" if state == "parked" else "retried"


def _json(payload: str) -> Any:
    import json

    return json.loads(payload)


def _describe(error: BaseException) -> str:
    """The error as stored on the row (and shown by `pishkhan inbox list`), secrets scrubbed:
    a failed file download's text holds the file URL, and the URL holds the bot's token."""
    return redact(f"{type(error).__name__}: {error}")


async def poll(sessionmaker: async_sessionmaker[AsyncSession], bot: Bot, clock: Any,
               stop: asyncio.Event, wake: asyncio.Event, *, polling_timeout: int = 25) -> None:
    """Long-poll one bot: each batch is kept (committed) before the next `getUpdates`
    confirms it, so a crash between the two re-delivers it instead of losing it."""
    offset: int | None = None
    failures = 0
    while not stop.is_set():
        try:
            updates = await bot.get_updates(offset=offset, timeout=polling_timeout,
                                            allowed_updates=ALLOWED_UPDATES)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            failures += 1
            delay = min(30.0, 0.5 * 2 ** min(failures, 6))
            log.warning("getUpdates on %s failed (%s); again in %.1f s", platform_of(bot),
                        type(error).__name__, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            continue
        failures = 0
        if not updates:
            continue
        while True:
            try:
                await keep(sessionmaker, bot, updates, clock.now())
                break
            except Exception:  # not kept: do not confirm the offset; try again
                log.exception("could not keep %d updates; retrying", len(updates))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 1.0)
                if stop.is_set():
                    return
        offset = updates[-1].update_id + 1
        wake.set()


async def serve_polling(dispatcher: Dispatcher, sessionmaker: async_sessionmaker[AsyncSession],
                        bots: Sequence[Bot], clock: Any, stop: asyncio.Event, *,
                        polling_timeout: int = 25, on_parked: Any = None,
                        lease: timedelta = timedelta(seconds=10)) -> None:
    """Poll every bot into the inbox and handle it, until `stop` is set."""
    worker = InboxWorker(dispatcher, sessionmaker, bots, clock, on_parked=on_parked,
                         lease=lease)
    pollers = [asyncio.create_task(poll(sessionmaker, bot, clock, stop, worker.wake,
                                        polling_timeout=polling_timeout), name=f"poll-{bot.id}")
               for bot in bots]
    handling = asyncio.create_task(worker.run(stop), name="inbox")
    try:
        await stop.wait()
    finally:
        stop.set()
        for task in pollers:
            task.cancel()
        for task in pollers:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await handling
