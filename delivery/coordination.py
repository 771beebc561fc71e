"""What several workers must share: send-rate budgets and short-lived locks.

Two implementations of one small interface:

- `Local()`, the default: in this process only (a token bucket per key, asyncio locks). The
  embedded single-process setup needs nothing else; on PostgreSQL without Redis the outbox keeps
  one active sender per platform (an advisory lock), so its local bucket is the whole budget.
- `RedisCoordination(url)` (`PISHKHAN_REDIS_URL`): the budget of a bot is one key in Redis that
  every worker's sender reserves its next slot from (a shared "next free slot" time, the same
  algorithm as `delivery.pacing.RateLimiter`, in one Lua script on Redis' clock); a pause after a
  long `retry_after` is shared too. Locks are `SET NX PX` with a token, released only by their
  holder, and expire by themselves if the holder dies.

    budget = coordination.budget("telegram:123", rate=25)
    await budget.acquire()            # wait for this send's turn, whichever worker asks
    async with coordination.lock("chat:telegram:42", ttl=30) as held: ...
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any, Protocol

from delivery.pacing import RateLimiter


class Budget(Protocol):
    """A send-rate budget: `acquire()` waits for the next send's turn."""

    rate: float
    current: float

    async def acquire(self) -> None: ...

    def slow_down(self) -> None: ...

    def pause(self, seconds: float) -> None: ...


class Coordination(Protocol):
    shared: bool

    def budget(self, key: str, rate: float) -> Budget: ...

    def lock(self, key: str, ttl: float) -> contextlib.AbstractAsyncContextManager[bool]: ...

    async def close(self) -> None: ...


class Local:
    """In this process only: the default."""

    shared = False

    def __init__(self) -> None:
        self._budgets: dict[str, RateLimiter] = {}
        self._locks: dict[str, list[Any]] = {}  # key → [lock, users]

    def budget(self, key: str, rate: float) -> Budget:
        if key not in self._budgets:
            self._budgets[key] = RateLimiter(rate)
        return self._budgets[key]

    @contextlib.asynccontextmanager
    async def lock(self, key: str, ttl: float) -> AsyncIterator[bool]:
        entry = self._locks.setdefault(key, [asyncio.Lock(), 0])
        entry[1] += 1
        try:
            async with entry[0]:
                yield True
        finally:
            entry[1] -= 1
            if entry[1] == 0:
                del self._locks[key]

    async def close(self) -> None:
        return None


# KEYS[1]: the next free slot (µs on Redis' clock); KEYS[2]: paused until (µs).
# ARGV: interval µs, burst, ttl ms. Returns the µs to wait before this send's slot.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
local floor = now - (burst - 1) * interval
if paused > floor then floor = paused end
local nxt = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = nxt
if floor > slot then slot = floor end
redis.call('SET', KEYS[1], string.format('%.0f', slot + interval), 'PX', ARGV[3])
return string.format('%.0f', slot - now)
"""
_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local untl = now + tonumber(ARGV[1])
local old = tonumber(redis.call('GET', KEYS[1]) or '0')
if untl > old then redis.call('SET', KEYS[1], string.format('%.0f', untl), 'PX', ARGV[2]) end
return 1
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class RedisBudget:
    """One bot's budget shared by every worker through Redis. The pace adapts per worker as
    `RateLimiter`'s does (a 429 halves this worker's spending for a while); the slots and a
    pause are shared."""

    def __init__(self, coordination: RedisCoordination, key: str, rate: float,
                 burst: float | None = None) -> None:
        self._c = coordination
        self._key = key
        self._local = RateLimiter(rate, burst)  # only its adaptive `current` is used
        self.rate = self._local.rate

    @property
    def current(self) -> float:
        return self._local.current

    async def acquire(self) -> None:
        local = self._local
        local._recover(time.monotonic())
        interval_us = 1_000_000 / local.current
        wait_us = int(await self._c.script("reserve")(
            keys=[self._c.key("rate", self._key), self._c.key("pause", self._key)],
            args=[f"{interval_us:.0f}", f"{local.burst:.3f}", 60_000]))
        if wait_us > 0:
            await asyncio.sleep(wait_us / 1_000_000)

    def slow_down(self) -> None:
        self._local.slow_down()

    def pause(self, seconds: float) -> None:
        self._local.pause(seconds)
        task = asyncio.get_running_loop().create_task(self._c.script("pause")(
            keys=[self._c.key("pause", self._key)],
            args=[int(seconds * 1_000_000), int(seconds * 1000) + 60_000]))
        self._c.pending.add(task)
        task.add_done_callback(self._c.pending.discard)


class RedisCoordination:
    """Budgets and locks in Redis, under `prefix` (tests give each run its own)."""

    shared = True

    def __init__(self, url: str, prefix: str = "pishkhan") -> None:
        from redis.asyncio import Redis

        self.redis = Redis.from_url(url)
        self.prefix = prefix
        self.pending: set[asyncio.Task[Any]] = set()
        self._budgets: dict[str, RedisBudget] = {}
        self._scripts = {"reserve": self.redis.register_script(_RESERVE),
                         "pause": self.redis.register_script(_PAUSE),
                         "release": self.redis.register_script(_RELEASE)}

    def key(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    def script(self, name: str) -> Any:
        return self._scripts[name]

    def budget(self, key: str, rate: float) -> Budget:
        if key not in self._budgets:
            self._budgets[key] = RedisBudget(self, key, rate)
        return self._budgets[key]

    @contextlib.asynccontextmanager
    async def lock(self, key: str, ttl: float, *, poll: float = 0.02) -> AsyncIterator[bool]:
        """Wait for the lock (it expires after `ttl` seconds if its holder dies)."""
        name, token = self.key("lock", key), secrets.token_hex(8)
        while True:
            if await self.redis.set(name, token, nx=True, px=int(ttl * 1000)):
                break
            await asyncio.sleep(poll)
        try:
            yield True
        finally:
            with contextlib.suppress(Exception):
                await self._scripts["release"](keys=[name], args=[token])

    async def close(self) -> None:
        if self.pending:
            await asyncio.wait(list(self.pending), timeout=2)
        await self.redis.aclose()


def from_settings(settings: Any) -> Coordination:
    """Redis when `PISHKHAN_REDIS_URL` is set, else this process only."""
    url = getattr(settings, "redis_url", None)
    if url:
        return RedisCoordination(url, getattr(settings, "redis_prefix", "pishkhan"))
    return Local()
