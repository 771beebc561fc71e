"""The running worker takes when there is something to take: an update kept, the next update of
a chat whose previous one was just handled, a slot freed when it was full; not after every
handled update (that was a second take an update, most finding nothing).

`idle_wait` is 30 s here, so an update handled within seconds was handled because the worker
was woken, not because it looked again on its own."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from delivery.inbox import InboxWorker, keep
from storage.inbox import Taken
from storage.models_inbox import InboxUpdate
from tests.handlers.conftest import Harness, make_harness
from tests.inbox.test_inbox import parsed, start_update


@pytest.fixture
async def harness(db_url: str, tmp_path: Path) -> AsyncIterator[Harness]:
    async with make_harness(db_url, tmp_path) as made:
        yield made


class CountingWorker(InboxWorker):
    takes = 0

    async def _take(self, limit: int) -> list[Taken]:
        self.takes += 1
        return await super()._take(limit)


async def handled(harness: Harness) -> int:
    async with harness.sessionmaker() as session:
        return int(await session.scalar(
            select(func.count()).select_from(InboxUpdate).where(InboxUpdate.state == "done")))


async def until(check: Callable[[], Awaitable[bool]], within: float) -> float:
    started = time.monotonic()
    while not await check():
        if time.monotonic() - started > within:
            raise AssertionError(f"not within {within} s")
        await asyncio.sleep(0.05)
    return time.monotonic() - started


async def running(harness: Harness, **options: Any) -> tuple[CountingWorker, asyncio.Event,
                                                             asyncio.Task[None]]:
    worker = CountingWorker(harness.dispatcher, harness.sessionmaker,
                            list(harness.bots.values()), harness.clock, idle_wait=30.0,
                            **options)
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run(stop))
    await asyncio.sleep(0.2)  # its first look finds nothing; now it waits
    return worker, stop, task


async def test_a_chats_next_update_is_handled_as_soon_as_the_one_before_it(
        harness: Harness) -> None:
    worker, stop, task = await running(harness)
    try:
        bot = harness.bots["bale"]
        # Three updates of one person arrive together (an album, quick taps): the second and
        # third wait for the one before them.
        batch = [parsed(harness, start_update(700 + n, 7100)) for n in range(3)]
        assert await keep(harness.sessionmaker, bot, batch, harness.clock.now()) == 3
        worker.wake.set()
        took = await until(lambda: _handled_is(harness, 3), within=10)
        assert took < 10  # not the 30 s idle look
    finally:
        stop.set()
        await task


async def test_the_worker_takes_about_once_an_update(harness: Harness) -> None:
    worker, stop, task = await running(harness)
    try:
        bot = harness.bots["bale"]
        for n in range(12):
            update = parsed(harness, start_update(800 + n, 7200 + n))
            await keep(harness.sessionmaker, bot, [update], harness.clock.now())
            worker.wake.set()
            await until(lambda n=n: _handled_is(harness, n + 1), within=10)
        # one take an update kept (it finds it), plus the first look; before: two an update
        assert worker.takes <= 12 + 2, worker.takes
    finally:
        stop.set()
        await task


async def test_a_full_worker_takes_again_when_a_slot_frees(harness: Harness) -> None:
    worker, stop, task = await running(harness, concurrency=1)
    try:
        bot = harness.bots["bale"]
        batch = [parsed(harness, start_update(900 + n, 7300 + n)) for n in range(4)]
        await keep(harness.sessionmaker, bot, batch, harness.clock.now())
        worker.wake.set()  # one wake-up for four updates of four people, one slot
        took = await until(lambda: _handled_is(harness, 4), within=10)
        assert took < 10
    finally:
        stop.set()
        await task


async def _handled_is(harness: Harness, count: int) -> bool:
    return await handled(harness) >= count
