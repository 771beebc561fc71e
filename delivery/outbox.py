"""The outbox sender: drains queued messages to each platform, at the platform's pace.

How a row travels: `queued` → claimed (`sending`, with a lease) → the API call → `sent` only
after the platform answered OK; or back to `queued` with a later `not_before` (429, 5xx, network),
or `failed` (a request the platform refuses, or too many attempts), `unreachable` (403, or the chat
does not exist: the account is marked unreachable too), `expired` (the payload's `expires_at` has
passed: a reminder that would say something stale is never delivered).

Claims are one short UPDATE … RETURNING (on PostgreSQL over `FOR UPDATE SKIP LOCKED`), so two
senders never hold the same row; a lease that runs out (a dead process) makes the row claimable
again, and a live sender renews the leases it holds. By default one sender per platform is active
at a time (a PostgreSQL advisory lock, or an OS file lock beside the SQLite file, both released
when the process dies): it can take back, at once, the rows its dead predecessor left in
`sending`, and the platform's rate limit is really one limit.

At most `max_in_flight[platform]` rows are between "claimed" and "outcome committed" at any
moment. Only those can be sent twice after a crash (the API said OK, the process died before the
commit), so that number bounds the duplicates a SIGKILL can cause.

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
import random
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiogram import Bot, methods
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from pydantic import ValidationError
from sqlalchemy import and_, or_, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from delivery.platforms import RETRY_REPLIES, TooManyRequests
from services.clock import Clock
from storage.models import Account, Outbox
from texts.notices import render as render_notice

log = logging.getLogger(__name__)

PLATFORMS = ("bale", "telegram")
# Advisory-lock keys (PostgreSQL): one per platform's sender.
LOCK_KEYS = {"bale": 0x50_4B_48_01, "telegram": 0x50_4B_48_02}
# Where a payload's file id goes for each file-sending method.
FILE_FIELDS = {"sendDocument": "document", "sendPhoto": "photo", "sendVideo": "video",
               "sendAudio": "audio", "sendVoice": "voice", "sendAnimation": "animation"}
META_KEYS = frozenset({"method", "expires_at", "file_id"})
UNREACHABLE_400 = ("chat not found", "user not found", "peer_id_invalid", "chat_id_invalid")
PLATFORM_403 = ("token not found", "unauthorized")


def utcnow() -> datetime:
    return datetime.now(UTC)


# ------------------------------------------------------------------------------- pacing

class RateLimiter:
    """A token bucket with a pace that adapts: `acquire()` waits for the next send's turn.

    Turns are handed out in call order at `current` per second, with at most `burst` sends
    catching up after a stall. `slow_down()` halves the pace (once per half second, so a volley
    of 429s from sends already in flight counts once); from half a second after the last one the
    pace grows by half again every quarter second, back to `rate`. `pause(seconds)` stops every
    send until then.
    """

    def __init__(self, rate: float, burst: float | None = None, min_rate: float = 0.5) -> None:
        self.rate = float(rate)
        self.current = float(rate)
        self.burst = max(1.0, burst if burst is not None else self.rate * 0.2)
        self.min_rate = min(min_rate, self.rate)
        self._next = 0.0
        self._paused_until = 0.0
        self._slowed_at = -math.inf
        self._recovered_at = -math.inf

    def _recover(self, now: float) -> None:
        if self.current < self.rate and now - self._slowed_at >= 0.5 \
                and now - self._recovered_at >= 0.25:
            self.current = min(self.rate, self.current * 1.5)
            self._recovered_at = now

    async def acquire(self) -> None:
        while True:
            now = time.monotonic()
            if now < self._paused_until:
                await asyncio.sleep(self._paused_until - now)
                continue
            self._recover(now)
            interval = 1.0 / self.current
            slot = max(self._next, now - (self.burst - 1) * interval)
            self._next = slot + interval
            if slot <= now:
                return
            await asyncio.sleep(slot - now)
            if time.monotonic() >= self._paused_until:
                return

    def slow_down(self) -> None:
        now = time.monotonic()
        if now - self._slowed_at < 0.5:
            return
        self._slowed_at = now
        self.current = max(self.min_rate, self.current / 2)

    def pause(self, seconds: float) -> None:
        until = time.monotonic() + seconds
        self._paused_until = max(self._paused_until, until)
        self._next = max(self._next, self._paused_until)


# ------------------------------------------------------------------------------ outcomes

@dataclass(slots=True)
class Claimed:
    id: int
    chat_id: int
    account_id: int | None
    payload_json: str
    attempts: int


@dataclass(slots=True)
class Outcome:
    """What became of one claimed row; committed in batches by the lane's flusher."""

    row: Claimed
    status: str  # sent | queued | failed | unreachable | expired
    error: str | None = None
    not_before: datetime | None = None
    restore_attempt: bool = False  # the attempt did not count (the platform, not the row)


@dataclass
class LaneStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    unreachable: int = 0
    expired: int = 0
    too_many: int = 0
    errors: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class Lane:
    """One platform's sending machinery."""

    platform: str
    bot: Bot
    limiter: RateLimiter
    max_in_flight: int
    held: dict[int, Claimed] = field(default_factory=dict)
    tasks: dict[int, asyncio.Task[None]] = field(default_factory=dict)
    on_wire: set[int] = field(default_factory=set)  # rows whose request is out now
    reached: set[int] = field(default_factory=set)  # held rows whose request ever went out
    results: list[Outcome] = field(default_factory=list)
    chat_locks: dict[int, list[Any]] = field(default_factory=dict)  # chat → [lock, users]
    stats: LaneStats = field(default_factory=LaneStats)
    have_results: asyncio.Event = field(default_factory=asyncio.Event)
    slot_freed: asyncio.Event = field(default_factory=asyncio.Event)
    network_errors: int = 0

    @property
    def free(self) -> int:
        return self.max_in_flight - len(self.held)


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
                 exclusive: bool = True, standby_poll: float = 1.0,
                 lock_dir: Path | None = None) -> None:
        self.sessionmaker = sessionmaker
        self.settings = settings
        self.clock = clock or Clock()
        self.lease = timedelta(seconds=lease_seconds)
        self.request_timeout = request_timeout
        self.poll_interval = poll_interval
        self.flush_delay = flush_delay
        self.max_attempts = max_attempts
        self.max_429_attempts = max_429_attempts
        self.exclusive = exclusive
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
            self.lanes[platform] = Lane(platform, bot, RateLimiter(rate), int(bound))

    @classmethod
    def from_app(cls, app: Any, **kwargs: Any) -> OutboxSender:
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
                    if lane.free > 0:
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
            now = utcnow()
            async with self.sessionmaker() as session:
                due = await session.scalar(select(Outbox.id).where(or_(
                    *(self._due(p, now) for p in self.lanes))).limit(1))
            if due is None and not any(lane.held for lane in self.lanes.values()):
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
                while not stop.is_set():
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
                    await session.execute(
                        update(Outbox).where(Outbox.id.in_(ids), Outbox.status == "sending")
                        .values(status="queued", lease_until=None,
                                attempts=Outbox.attempts - 1)
                        .execution_options(synchronize_session=False))
                    await session.commit()
            for row_id in ids:
                lane.held.pop(row_id, None)
        lane.held.clear()
        lane.reached.clear()

    # ------------------------------------------------------------------------ claiming

    def _due(self, platform: str, now: datetime) -> Any:
        return and_(Outbox.platform == platform,
                    or_(and_(Outbox.status == "queued", Outbox.not_before <= now),
                        and_(Outbox.status == "sending", Outbox.lease_until < now)))

    async def _claim(self, lane: Lane, limit: int) -> list[Claimed]:
        """Take up to `limit` due rows: one short transaction, nothing else inside it."""
        now = utcnow()
        due = self._due(lane.platform, now)
        async with self.sessionmaker() as session:
            # A read first: polling an empty outbox must not take SQLite's write lock.
            if await session.scalar(select(Outbox.id).where(due).limit(1)) is None:
                return []
            await session.rollback()
            pick = select(Outbox.id).where(due).order_by(Outbox.id).limit(limit)
            if self.dialect == "postgresql":
                # A CTE runs once; `id IN (subquery … LIMIT n)` may be re-run by the planner
                # and then claims more than n rows.
                picked = pick.with_for_update(skip_locked=True).cte("picked")
                claim = update(Outbox).where(Outbox.id == picked.c.id)
            else:  # SQLite: one writer at a time, the statement is atomic as it stands
                claim = update(Outbox).where(Outbox.id.in_(pick.scalar_subquery()), due)
            result = await session.execute(
                claim.values(status="sending", lease_until=now + self.lease,
                             attempts=Outbox.attempts + 1)
                .returning(Outbox.id, Outbox.chat_id, Outbox.account_id, Outbox.payload_json,
                           Outbox.attempts)
                .execution_options(synchronize_session=False))
            rows = [Claimed(*row) for row in result.all()]
            await session.commit()
        rows.sort(key=lambda r: r.id)
        return rows

    async def _take_back(self, lane: Lane) -> None:
        """As the one sender of this platform, take back what a dead predecessor held."""
        async with self.sessionmaker() as session:
            result = await session.execute(
                update(Outbox).where(Outbox.platform == lane.platform,
                                     Outbox.status == "sending")
                .values(status="queued", lease_until=None)
                .execution_options(synchronize_session=False))
            await session.commit()
        if result.rowcount:
            log.info("outbox %s: took back %d rows left in flight", lane.platform,
                     result.rowcount)

    async def _heartbeat(self, lane: Lane, stop: asyncio.Event) -> None:
        period = max(0.5, self.lease.total_seconds() / 3)
        while not stop.is_set():
            await _wait(stop, period)
            ids = list(lane.held)
            if not ids:
                continue
            with contextlib.suppress(DBAPIError, OSError):
                async with self.sessionmaker() as session:
                    await session.execute(
                        update(Outbox).where(Outbox.id.in_(ids), Outbox.status == "sending")
                        .values(lease_until=utcnow() + self.lease)
                        .execution_options(synchronize_session=False))
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
            outcome = self._retry(row, f"internal: {exc!r}"[:300], backoff=30.0)
        lane.results.append(outcome)
        lane.have_results.set()

    async def _attempt(self, lane: Lane, row: Claimed) -> Outcome:
        try:
            payload = json.loads(row.payload_json)
            if not isinstance(payload, dict):
                raise ValueError("payload is not an object")
        except ValueError as exc:
            return Outcome(row, "failed", f"bad payload: {exc}")
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
        entry = lane.chat_locks.setdefault(row.chat_id, [asyncio.Lock(), 0])
        entry[1] += 1
        try:
            async with entry[0]:  # one chat's messages go out one after another, in order
                await lane.limiter.acquire()
                lane.on_wire.add(row.id)
                lane.reached.add(row.id)
                try:
                    await lane.bot(method, request_timeout=int(self.request_timeout))
                except TelegramAPIError as exc:
                    return self._classify(lane, row, exc)
                except ClientDecodeError as exc:
                    return self._network(lane, row, f"undecodable answer: {exc}")
                except (TimeoutError, OSError) as exc:
                    return self._network(lane, row, f"network: {exc!r}")
        finally:
            lane.on_wire.discard(row.id)
            entry[1] -= 1
            if entry[1] == 0:
                del lane.chat_locks[row.chat_id]
        lane.network_errors = 0
        return Outcome(row, "sent")

    def _classify(self, lane: Lane, row: Claimed, exc: TelegramAPIError) -> Outcome:
        message = str(exc.message or "")
        lowered = message.lower()
        if isinstance(exc, TelegramRetryAfter):
            return self._too_many(lane, row, message, float(exc.retry_after))
        if isinstance(exc, TooManyRequests) or (
                type(exc) is TelegramAPIError and ("too many requests" in lowered
                                                   or "limit exceed" in lowered)):
            return self._too_many(lane, row, message, None)
        if isinstance(exc, TelegramForbiddenError):
            if any(word in lowered for word in PLATFORM_403):  # Bale's answer to a bad token
                return self._platform_down(lane, row, message)
            return Outcome(row, "unreachable", message[:300])
        if isinstance(exc, TelegramUnauthorizedError):
            return self._platform_down(lane, row, message)
        if isinstance(exc, TelegramBadRequest):
            if any(word in lowered for word in UNREACHABLE_400):
                return Outcome(row, "unreachable", message[:300])
            return Outcome(row, "failed", message[:300])
        if isinstance(exc, TelegramEntityTooLarge | TelegramNotFound | TelegramConflictError
                      | TelegramMigrateToChat):
            return Outcome(row, "failed", message[:300])
        if isinstance(exc, TelegramServerError | TelegramNetworkError):
            return self._network(lane, row, message)
        return self._network(lane, row, f"{type(exc).__name__}: {message}")

    def _too_many(self, lane: Lane, row: Claimed, message: str,
                  retry_after: float | None) -> Outcome:
        lane.stats.too_many += 1
        lane.limiter.slow_down()
        if retry_after is not None and retry_after > 2:
            lane.limiter.pause(retry_after)  # a real flood wait: the whole bot waits
        if row.attempts >= self.max_429_attempts:
            return Outcome(row, "failed", f"gave up after {row.attempts} attempts: {message}")
        if retry_after is None:
            retry_after = min(60.0, 0.5 * 2 ** min(row.attempts - 1, 10))
            retry_after *= random.uniform(0.8, 1.2)
        return Outcome(row, "queued", message[:300],
                       utcnow() + timedelta(seconds=retry_after))

    def _network(self, lane: Lane, row: Claimed, message: str) -> Outcome:
        lane.stats.errors += 1
        lane.network_errors += 1
        if lane.network_errors >= 5:  # the platform itself is in trouble: everyone waits
            lane.limiter.pause(min(30.0, 0.5 * 2 ** min(lane.network_errors - 5, 6)))
        if row.attempts >= self.max_attempts:
            return Outcome(row, "failed", f"gave up after {row.attempts} attempts: "
                                          f"{message}"[:300])
        return self._retry(row, message, backoff=min(300.0, 2.0 ** (row.attempts - 1)))

    def _platform_down(self, lane: Lane, row: Claimed, message: str) -> Outcome:
        log.error("outbox %s: the platform refuses the bot (%s); pausing", lane.platform,
                  message)
        lane.limiter.pause(60.0)
        return Outcome(row, "queued", message[:300], utcnow() + timedelta(seconds=60),
                       restore_attempt=True)

    @staticmethod
    def _retry(row: Claimed, message: str, backoff: float) -> Outcome:
        delay = backoff * random.uniform(0.8, 1.2)
        return Outcome(row, "queued", message[:300], utcnow() + timedelta(seconds=delay))

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
        async with self.sessionmaker() as session:
            sent = [o.row.id for o in by_status.get("sent", [])]
            if sent:
                await session.execute(
                    update(Outbox).where(Outbox.id.in_(sent))
                    .values(status="sent", sent_at=now, lease_until=None, last_error=None)
                    .execution_options(synchronize_session=False))
            others = [o for o in batch if o.status != "sent"]
            if others:
                await session.execute(update(Outbox), [self._row_update(o) for o in others])
            gone = by_status.get("unreachable", [])
            accounts = {o.row.account_id for o in gone if o.row.account_id is not None}
            if accounts:
                await session.execute(
                    update(Account).where(Account.id.in_(accounts),
                                          Account.unreachable_at.is_(None))
                    .values(unreachable_at=now).execution_options(synchronize_session=False))
            for o in gone:
                if o.row.account_id is None:
                    await session.execute(
                        update(Account).where(Account.platform == lane.platform,
                                              Account.platform_user_id == o.row.chat_id,
                                              Account.unreachable_at.is_(None))
                        .values(unreachable_at=now)
                        .execution_options(synchronize_session=False))
            await session.commit()
        stats = lane.stats
        stats.sent += len(sent)
        for outcome in others:
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
        return values

    # ---------------------------------------------------------------------- exclusivity

    @contextlib.asynccontextmanager
    async def _exclusive(self, lane: Lane, stop: asyncio.Event) -> AsyncIterator[bool]:
        """Hold the platform's sender lock while running (waits as a standby until free)."""
        if not self.exclusive:
            yield True
            return
        if self.dialect == "postgresql" and self.engine is not None:
            async with self.engine.connect() as conn:
                key = LOCK_KEYS.get(lane.platform, 0x50_4B_48_00)
                announced = False
                while not await conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}):
                    await conn.rollback()
                    if not announced:
                        log.info("outbox %s: another sender is active; standing by",
                                 lane.platform)
                        announced = True
                    if await _wait(stop, self.standby_poll):
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
        path = self._lock_path(lane.platform)
        handle = _try_file_lock(path) if path is not None else None
        if path is not None and handle is None:
            log.info("outbox %s: another sender holds %s; standing by", lane.platform, path)
            while handle is None:
                if await _wait(stop, self.standby_poll):
                    yield False
                    return
                handle = _try_file_lock(path)
        try:
            yield True
        finally:
            if handle is not None:
                handle.close()

    def _lock_path(self, platform: str) -> Path | None:
        if self.engine is None:
            return None
        url = make_url(str(self.engine.url))
        database = url.database
        if not database or database == ":memory:":
            return None
        base = Path(database)
        folder = self.lock_dir or base.parent
        return folder / f"{base.name}.outbox-{platform}.lock"


def _try_file_lock(path: Path) -> Any:
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


async def _wait(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep up to `seconds`; True when `stop` was set."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    return stop.is_set()


async def _wait_any(stop: asyncio.Event, other: asyncio.Event, seconds: float) -> None:
    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(other.wait())]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


def build_method(chat_id: int, payload: dict[str, Any]) -> Any:
    """The Bot API call a payload describes: sendMessage by default, else `payload["method"]`
    (e.g. {"method": "sendDocument", "file_id": …, "text": caption})."""
    name = payload.get("method") or "sendMessage"
    if not isinstance(name, str) or not name[:1].islower():
        raise ValueError(f"unknown method {name!r}")
    cls = getattr(methods, name[0].upper() + name[1:], None)
    if cls is None:
        raise ValueError(f"unknown method {name!r}")
    fields = cls.model_fields
    args: dict[str, Any] = {"chat_id": chat_id}
    for key, value in payload.items():
        if key in META_KEYS:
            continue
        if key == "text" and "text" not in fields and "caption" in fields:
            args.setdefault("caption", value)
        elif key in fields:
            args[key] = value
    if "file_id" in payload:
        target = FILE_FIELDS.get(name)
        if target is None:
            raise ValueError(f"{name} takes no file")
        args[target] = payload["file_id"]
    return cls(**args)
