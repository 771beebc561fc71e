"""Two workers' outbox senders at once on PostgreSQL, sharing one send budget through Redis:
every row goes out once, and the two together keep to the bot's rate."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from typing import Any

import pytest

from delivery.coordination import Local, RedisCoordination
from delivery.outbox import OutboxSender
from settings import Settings
from storage.db import create_engine, create_sessionmaker, upgrade
from tests.reminders.test_claims import fill, statuses
from tests.waiting import until

pytestmark = pytest.mark.postgres
REDIS_URL = os.environ.get("PISHKHAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
RATE = 100  # messages per second for the bot, whichever worker sends


class StampingBot:
    """A bot whose calls are stamped with the time they reached the 'platform'."""

    platform = "telegram"
    id = 4242

    def __init__(self, stamps: list[tuple[float, int]]) -> None:
        self.stamps = stamps
        self.sent = 0

    async def __call__(self, method: Any, request_timeout: int | None = None) -> bool:
        self.stamps.append((time.monotonic(), method.chat_id))
        self.sent += 1
        await asyncio.sleep(0.002)
        return True


async def _redis_or_skip() -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(REDIS_URL)
    try:
        await asyncio.wait_for(client.ping(), 5)
    except (OSError, TimeoutError) as exc:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"Redis is required in CI: {exc}")
        pytest.skip(f"no Redis at {REDIS_URL}")
    finally:
        await client.aclose()


def _most_in_one_second(stamps: list[float]) -> int:
    stamps = sorted(stamps)
    best, start = 0, 0
    for end, at in enumerate(stamps):
        while at - stamps[start] >= 1.0:
            start += 1
        best = max(best, end - start + 1)
    return best


async def _two_workers(postgres_url: str, coordinations: list[Any], rows: int
                       ) -> tuple[list[StampingBot], list[tuple[float, int]], Any, float]:
    engine = create_engine(postgres_url)
    await upgrade(engine)
    sessions = create_sessionmaker(engine)
    await fill(sessions, rows)
    settings = Settings(_env_file=None, telegram_rate=RATE)
    stamps: list[tuple[float, int]] = []
    bots = [StampingBot(stamps) for _ in coordinations]
    senders = [OutboxSender(sessions, [bot], settings, coordination=c, poll_interval=0.05)
               for bot, c in zip(bots, coordinations, strict=True)]
    stop = asyncio.Event()
    started = time.monotonic()
    tasks = [asyncio.create_task(s.run(stop)) for s in senders]
    try:
        async def all_sent() -> bool:
            return (await statuses(sessions))["sent"] >= rows

        await until(all_sent, 60, f"all {rows} rows to be sent",
                    detail=lambda: statuses(sessions))
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        await asyncio.gather(*tasks)
    return bots, stamps, (sessions, engine), elapsed


async def test_two_workers_send_every_row_once_within_one_shared_budget(postgres_url: str
                                                                        ) -> None:
    await _redis_or_skip()
    prefix = f"test-{uuid.uuid4().hex}"
    coordinations = [RedisCoordination(REDIS_URL, prefix) for _ in range(2)]
    rows = 300
    try:
        bots, stamps, (sessions, engine), elapsed = await _two_workers(
            postgres_url, coordinations, rows)
    finally:
        for c in coordinations:
            await c.close()
    chats = [chat for _, chat in stamps]
    assert sorted(chats) == list(range(1, rows + 1))  # every row once, none twice
    assert all(bot.sent > 30 for bot in bots), [b.sent for b in bots]  # both really sent
    # One budget: the two together at the bot's rate (a 20 % burst allowed), not twice it.
    assert _most_in_one_second([at for at, _ in stamps]) <= RATE * 1.25
    assert elapsed >= (rows - RATE * 0.2) / RATE * 0.95
    assert (await statuses(sessions)) == {"sent": rows}
    await engine.dispose()


async def test_without_redis_one_sender_is_active_and_keeps_the_budget(postgres_url: str
                                                                       ) -> None:
    """The default needs no Redis: the second worker's sender stands by (advisory lock)."""
    rows = 150
    bots, stamps, (sessions, engine), _ = await _two_workers(postgres_url, [Local(), Local()],
                                                             rows)
    assert sorted(chat for _, chat in stamps) == list(range(1, rows + 1))
    assert sorted(bot.sent for bot in bots) == [0, rows]
    assert _most_in_one_second([at for at, _ in stamps]) <= RATE * 1.25
    await engine.dispose()
