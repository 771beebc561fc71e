"""Waiting in tests for something another process (or task) does: poll a check until it holds.

One helper instead of a loop per test file: ``await until(check, 30, "the inbox to empty")``
in a coroutine, ``wait_until(...)`` in plain code (a harness starting a process in a thread).
``check`` returns a truthy value when done (that value is returned); in ``until`` it may be a
coroutine function. On time out the assertion names what was awaited and, with ``detail``,
what the test saw last (a log's tail, counters); ``stop`` gives up at once (the process the test
waits on died), so a failure says so in a second instead of after the whole ``within``.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

T = TypeVar("T")


def _verdict(started: float, within: float, what: str, stop: Callable[[], bool] | None
             ) -> str | None:
    """Why to stop waiting now (None: keep waiting)."""
    waited = time.monotonic() - started
    if stop is not None and stop():
        return f"gave up waiting for {what} after {waited:.1f} s"
    if waited >= within:
        return f"timed out after {waited:.1f} s waiting for {what}"
    return None


def _failure(verdict: str, seen: Any) -> AssertionError:
    return AssertionError(f"{verdict}:\n{seen}" if seen not in (None, "") else verdict)


async def until(check: Callable[[], T | Awaitable[T]], within: float, what: str, *,
                every: float = 0.1, stop: Callable[[], bool] | None = None,
                detail: Callable[[], Any] | None = None) -> T:
    """Poll ``check`` every ``every`` seconds until it returns a truthy value and return it;
    fail after ``within`` seconds, or as soon as ``stop()`` is true."""
    started = time.monotonic()
    while not (result := await _maybe(check())):
        if verdict := _verdict(started, within, what, stop):
            raise _failure(verdict, await _maybe(detail()) if detail else None)
        await asyncio.sleep(every)
    return result  # type: ignore[no-any-return]


def wait_until(check: Callable[[], T], within: float, what: str, *, every: float = 0.05,
               stop: Callable[[], bool] | None = None,
               detail: Callable[[], Any] | None = None) -> T:
    """:func:`until` for code that is not a coroutine (it blocks the calling thread)."""
    started = time.monotonic()
    while not (result := check()):
        if verdict := _verdict(started, within, what, stop):
            raise _failure(verdict, detail() if detail else None)
        time.sleep(every)
    return result


async def _maybe(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value
