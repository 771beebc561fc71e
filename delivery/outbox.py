"""The outbox sender: drains queued messages to each platform, at the platform's pace.

How a row travels: `queued` → claimed (`sending`, with a lease) → the API call → `sent` only
after the platform answered OK; or back to `queued` with a later `not_before` (429, 5xx, network),
or `failed` (a request the platform refuses, or too many attempts), `unreachable` (403, or the chat
does not exist, in either platform's words: the account is marked unreachable too), `expired` (the
payload's `expires_at` has passed: a reminder that would say something stale is never delivered).
A text or caption over the platform's limit goes out as several calls (`delivery.limits`). A
refused token stops that platform's sender with one log line; its rows stay queued
(`delivery.verdicts`, docs/PLATFORMS.md).

Claims are one short UPDATE … RETURNING (on PostgreSQL over `FOR UPDATE SKIP LOCKED`), so two
senders never hold the same row; a lease that runs out (a dead process) makes the row claimable
again, and a live sender renews the leases it holds. By default one sender per platform is active
at a time (a PostgreSQL advisory lock, or an OS file lock beside the SQLite file, both released
when the process dies): it can take back, at once, the rows its dead predecessor left in
`sending`, and the platform's rate limit is really one limit.

At most `max_in_flight[platform]` rows are between "claimed" and "outcome committed" at any
moment. Only those can be sent twice after a crash (the API said OK, the process died before the
commit), so that number bounds the duplicates a SIGKILL can cause.

Several workers (`PISHKHAN_REDIS_URL` set, `delivery.coordination`): every worker's sender is
active, claims with `SKIP LOCKED` and reserves each send's slot from one budget per bot in Redis;
a chat's messages still go one at a time (a short Redis lock per chat). A dead worker's rows come
back when their lease runs out.

Pace: one token bucket per platform (`settings.telegram_rate` / `settings.bale_rate` messages per
second) shared by that platform's concurrent sends. A 429 halves the pace for a while (it comes
back within seconds) and the row waits `retry_after`, or an exponential backoff when the platform
gave none (Bale's bare "bot limit exceed"); a long `retry_after` pauses the whole platform.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
)
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from delivery import observe
from delivery.calls import build_method
from delivery.coordination import Coordination, Local
from delivery.exclusive import sender_lock
from delivery.exclusive import wait as _wait
from delivery.lanes import Lane, Outcome, utcnow
from delivery.limits import PARTS_SENT, expand, partly_sent
from delivery.platforms import RETRY_REPLIES
from delivery.verdicts import Verdicts
from services.clock import Clock
from settings import Settings
from storage import outbox as queue
from storage.outbox import Claimed
from texts.notices import render as render_notice

log = logging.getLogger(__name__)

PLATFORMS = ("bale", "telegram")


class OutboxSender:
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
            await _wait_any(stop, lane.slot_freed, self.poll_interval)
            return
        rows = await self._claim(lane, lane.free)
        if not rows:
            self._wake.clear()
            await _wait_any(stop, self._wake, self.poll_interval)
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
        # Rows whose request never went out were not sent: free them for the next sender now.
        # Those whose request went out and whose outcome is unknown wait for their lease.
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

    # ------------------------------------------------------------------------ claiming

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

    # ------------------------------------------------------------------------- sending

    def _start(self, lane: Lane, row: Claimed) -> None:
        lane.held[row.id] = row
        task = asyncio.create_task(self._deliver(lane, row))
        lane.tasks[row.id] = task
        task.add_done_callback(lambda _t: lane.tasks.pop(row.id, None))

    async def _deliver(self, lane: Lane, row: Claimed) -> None:
        try:
            outcome = await self._attempt(lane, row)
        except Exception as exc:  # a bug must not lose the row: retry it later
            log.exception("outbox %s: row %s", lane.platform, row.id)
            outcome = self.verdicts.retry(row, f"internal: {exc!r}"[:300], backoff=30.0)
        lane.results.append(outcome)
        lane.have_results.set()

    async def _attempt(self, lane: Lane, row: Claimed) -> Outcome:
        try:
            payload = json.loads(row.payload_json)
            if not isinstance(payload, dict):
                raise ValueError("payload is not an object")
        except ValueError as exc:
            return Outcome(row, "failed", f"bad payload: {exc}")
        # A long text goes as several messages: those already delivered on an earlier
        # attempt are not sent again (`delivery.limits.PARTS_SENT`).
        done_before = payload.pop(PARTS_SENT, 0)
        done_before = done_before if isinstance(done_before, int) else 0
        stored = dict(payload)  # as queued (a notice is data until it is rendered below)
        expires = payload.get("expires_at")
        if expires:
            try:
                stale = self.clock.now() >= datetime.fromisoformat(expires)
            except (TypeError, ValueError):
                stale = False
            if stale:
                return Outcome(row, "expired", "stale: expires_at passed")
        try:
            if "notice" in payload:  # queued as data: put into words now, for this platform
                payload = render_notice(payload, lane.platform)
            method = build_method(row.chat_id, payload)
        except (ValidationError, ValueError, TypeError, KeyError) as exc:
            return Outcome(row, "failed", f"bad payload: {str(exc).splitlines()[0]}"[:300])
        # The session's own retry-on-429 would hide the platform's answer from the pacing here
        # (and hold a slot while it sleeps): this task's context switches it off.
        RETRY_REPLIES.set(False)
        calls = expand(method, lane.platform)  # a text or caption over the platform's limit
        entry = lane.chat_locks.setdefault(row.chat_id, [asyncio.Lock(), 0])
        entry[1] += 1
        chat = self._chat_lock(lane, row.chat_id)
        try:
            # One chat's messages go out one after another (across workers when shared).
            async with entry[0], chat:
                for part, call in enumerate(calls):
                    if part < done_before:
                        continue
                    outcome = await self._send_part(lane, row, call)
                    if outcome is not None:
                        return partly_sent(outcome, stored, part)
        finally:
            lane.on_wire.discard(row.id)
            entry[1] -= 1
            if entry[1] == 0:
                del lane.chat_locks[row.chat_id]
        lane.network_errors = 0
        return Outcome(row, "sent")

    async def _send_part(self, lane: Lane, row: Claimed, call: Any) -> Outcome | None:
        """Send one of the row's calls; None when it went, else what became of the row."""
        await lane.limiter.acquire()
        if lane.refused is not None:  # the token was refused meanwhile
            return self.verdicts.held_back(row, lane.refused)
        lane.on_wire.add(row.id)
        lane.reached.add(row.id)
        try:
            await lane.bot(call, request_timeout=int(self.request_timeout))
        except TelegramAPIError as exc:
            return self.verdicts.classify(lane, row, exc)
        except ClientDecodeError as exc:
            return self.verdicts.network(lane, row, f"undecodable answer: {exc}")
        except (TimeoutError, OSError) as exc:
            return self.verdicts.network(lane, row, f"network: {exc!r}")
        return None

    def _chat_lock(self, lane: Lane, chat_id: int) -> contextlib.AbstractAsyncContextManager[Any]:
        if not self.coordination.shared:
            return contextlib.nullcontext()
        return self.coordination.lock(f"chat:{lane.platform}:{chat_id}",
                                      self.request_timeout + 5)

    # ---------------------------------------------------------------------- committing

    async def _flusher(self, lane: Lane, done: asyncio.Event) -> None:
        """Commits outcomes in batches; a row's slot is free only once its outcome is stored."""
        while True:
            if not lane.results:
                if done.is_set():
                    return
                lane.have_results.clear()
                await _wait_any(done, lane.have_results, 1.0)
                continue
            if not done.is_set():
                await asyncio.sleep(self.flush_delay)  # let a few more finish: one commit
            batch, lane.results = lane.results, []
            for tries in range(1, 1000):
                try:
                    await self._commit(lane, batch)
                    break
                except (DBAPIError, OSError) as exc:
                    log.warning("outbox %s: cannot record outcomes yet (%d): %s",
                                lane.platform, tries, str(exc).splitlines()[0])
                    await asyncio.sleep(min(5.0, 0.2 * tries))
            for outcome in batch:
                lane.held.pop(outcome.row.id, None)
                lane.reached.discard(outcome.row.id)
            lane.slot_freed.set()

    async def _commit(self, lane: Lane, batch: Sequence[Outcome]) -> None:
        if not batch:
            return
        now = utcnow()
        by_status: dict[str, list[Outcome]] = {}
        for outcome in batch:
            by_status.setdefault(outcome.status, []).append(outcome)
        sent = [o.row.id for o in by_status.get("sent", [])]
        others = [o for o in batch if o.status != "sent"]
        async with self.sessionmaker() as session:
            await queue.record(session, lane.platform, now, sent=sent,
                               others=[self._row_update(o) for o in others],
                               unreachable=[(o.row.account_id, o.row.chat_id)
                                            for o in by_status.get("unreachable", [])])
            await session.commit()
        stats = lane.stats
        stats.sent += len(sent)
        observe.sent(lane.platform, len(sent))
        for outcome in others:
            observe.send_error(lane.platform, outcome.status, outcome.error)
            if outcome.status == "queued":
                stats.retried += 1
            elif outcome.status in ("failed", "unreachable", "expired"):
                setattr(stats, outcome.status, getattr(stats, outcome.status) + 1)
                if outcome.status != "expired":
                    log.info("outbox %s: row %s %s: %s", lane.platform, outcome.row.id,
                             outcome.status, outcome.error)

    @staticmethod
    def _row_update(outcome: Outcome) -> dict[str, Any]:
        values: dict[str, Any] = {"id": outcome.row.id, "status": outcome.status,
                                  "lease_until": None, "last_error": outcome.error}
        if outcome.not_before is not None:
            values["not_before"] = outcome.not_before
        if outcome.restore_attempt:
            values["attempts"] = max(0, outcome.row.attempts - 1)
        if outcome.payload_json is not None:  # parts of it went: the retry sends the rest
            values["payload_json"] = outcome.payload_json
        return values

    @contextlib.asynccontextmanager
    async def _exclusive(self, lane: Lane, stop: asyncio.Event) -> AsyncIterator[bool]:
        """Hold the platform's sender lock while running (waits as a standby until free)."""
        if not self.exclusive:
            yield True
            return
        async with sender_lock(lane.platform, self.engine, stop, standby_poll=self.standby_poll,
                               lock_dir=self.lock_dir) as ok:
            yield ok


async def _wait_any(stop: asyncio.Event, other: asyncio.Event, seconds: float) -> None:
    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(other.wait())]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
