"""Short-lived locks and rate budgets, in this process and in Redis (several workers)."""

from __future__ import annotations

import asyncio
import time
import uuid

import pytest

from delivery.coordination import Local, RedisCoordination
from tests.deploy.test_shared_senders import REDIS_URL, _redis_or_skip


@pytest.fixture(params=["local", "redis"])
async def pair(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """Two workers' views of the shared state (one and the same in this process)."""
    if request.param == "local":
        local = Local()
        yield local, local
        return
    await _redis_or_skip()
    prefix = f"test-{uuid.uuid4().hex}"
    a, b = RedisCoordination(REDIS_URL, prefix), RedisCoordination(REDIS_URL, prefix)
    yield a, b
    await a.close()
    await b.close()


async def test_a_lock_is_held_by_one_worker_at_a_time(pair) -> None:  # type: ignore[no-untyped-def]
    inside: list[int] = []
    most = 0

    async def hold(coordination, n: int) -> None:  # type: ignore[no-untyped-def]
        nonlocal most
        async with coordination.lock("chat:telegram:7", ttl=5):
            inside.append(n)
            most = max(most, len(inside))
            await asyncio.sleep(0.02)
            inside.remove(n)

    await asyncio.gather(*(hold(pair[i % 2], i) for i in range(10)))
    assert most == 1


async def test_a_dead_holders_lock_expires() -> None:
    await _redis_or_skip()
    prefix = f"test-{uuid.uuid4().hex}"
    dead, alive = RedisCoordination(REDIS_URL, prefix), RedisCoordination(REDIS_URL, prefix)
    try:
        await dead.redis.set(dead.key("lock", "x"), "someone", px=300)  # its holder never lets go
        started = time.monotonic()
        async with alive.lock("x", ttl=5):
            waited = time.monotonic() - started
        assert 0.1 < waited < 2
    finally:
        await dead.close()
        await alive.close()


async def test_two_workers_share_one_budget(pair) -> None:  # type: ignore[no-untyped-def]
    budgets = [c.budget("telegram:1", rate=50) for c in pair]
    started = time.monotonic()
    await asyncio.gather(*(budgets[i % 2].acquire() for i in range(60)))
    # 60 sends at 50/s with a burst of 10: at least (60 - 10) / 50 = 1 s, whoever asks.
    assert time.monotonic() - started >= 0.95
