"""The pace of one platform's sends: a token bucket that slows down on 429 and recovers."""

from __future__ import annotations

import asyncio
import math
import time


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
