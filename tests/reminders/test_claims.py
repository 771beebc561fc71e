"""Claims and leases on SQLite and PostgreSQL: several senders never send the same row twice, a
dead sender's rows come back, and only one sender per platform is active at a time."""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from delivery.outbox import OutboxSender
from settings import Settings
from storage.models import Outbox

SETTINGS = Settings(_env_file=None, telegram_rate=5000, bale_rate=5000)


class FakeBot:
    """Records every call; answers OK after a short, random delay."""

    def __init__(self, platform: str = "telegram", name: str = "") -> None:
        self.platform = platform
        self.name = name
        self.sent: list[int] = []

    async def __call__(self, method: Any, request_timeout: int | None = None) -> bool:
        await asyncio.sleep(random.uniform(0, 0.003))
        self.sent.append(method.chat_id)
        return True


async def fill(sessions: async_sessionmaker[AsyncSession], n: int, platform: str = "telegram",
               start: int = 1, **values: Any) -> None:
    async with sessions() as session:
        session.add_all(Outbox(platform=platform, chat_id=chat, kind="test",
                               payload_json=json.dumps({"text": f"m{chat}"}), **values)
                        for chat in range(start, start + n))
        await session.commit()


async def statuses(sessions: async_sessionmaker[AsyncSession]) -> Counter[str]:
    async with sessions() as session:
        rows = (await session.execute(select(Outbox.status, func.count())
                                      .group_by(Outbox.status))).all()
    return Counter({status: number for status, number in rows})


async def test_competing_senders_send_every_row_exactly_once(sessionmaker: Any) -> None:
    await fill(sessionmaker, 400)
    bots = [FakeBot(name=str(i)) for i in range(3)]
    senders = [OutboxSender(sessionmaker, [bot], SETTINGS, exclusive=False, max_in_flight=8)
               for bot in bots]
    sent = await asyncio.gather(*(s.drain_once() for s in senders))
    assert sum(sent) == 400
    assert all(n > 0 for n in sent), sent  # they really competed
    delivered = Counter(chat for bot in bots for chat in bot.sent)
    assert set(delivered.values()) == {1} and len(delivered) == 400
    assert await statuses(sessionmaker) == Counter({"sent": 400})


async def test_a_claim_is_exclusive_until_its_lease_runs_out(sessionmaker: Any) -> None:
    await fill(sessionmaker, 10)
    a = OutboxSender(sessionmaker, [FakeBot()], SETTINGS, exclusive=False)
    b = OutboxSender(sessionmaker, [FakeBot()], SETTINGS, exclusive=False)
    first = await a._claim(a.lanes["telegram"], 6)
    second = await b._claim(b.lanes["telegram"], 6)
    assert len(first) == 6 and len(second) == 4
    assert not {r.id for r in first} & {r.id for r in second}
    assert await b._claim(b.lanes["telegram"], 6) == []
    # A dies holding its rows; once their lease has run out B takes them, counting the attempt
    async with sessionmaker() as session:
        await session.execute(update(Outbox).where(Outbox.id.in_([r.id for r in first]))
                              .values(lease_until=datetime.now(UTC) - timedelta(seconds=1)))
        await session.commit()
    again = await b._claim(b.lanes["telegram"], 10)
    assert sorted(r.id for r in again) == sorted(r.id for r in first)
    assert {r.attempts for r in again} == {2}


async def test_one_active_sender_per_platform(sessionmaker: Any) -> None:
    """Exclusive senders: the second stands by; when the first stops, it takes over, and takes
    back at once whatever the first left in flight."""
    await fill(sessionmaker, 50)
    first_bot, second_bot = FakeBot(name="first"), FakeBot(name="second")
    first = OutboxSender(sessionmaker, [first_bot], SETTINGS, poll_interval=0.05)
    second = OutboxSender(sessionmaker, [second_bot], SETTINGS, poll_interval=0.05)
    stop_first, stop_second = asyncio.Event(), asyncio.Event()
    tasks = [asyncio.create_task(first.run(stop_first))]
    await asyncio.sleep(0.2)
    tasks.append(asyncio.create_task(second.run(stop_second)))
    for _ in range(100):
        if (await statuses(sessionmaker))["sent"] == 50:
            break
        await asyncio.sleep(0.05)
    assert len(first_bot.sent) == 50 and second_bot.sent == []
    # rows a crashed sender left in flight (their leases still running), and new rows
    await fill(sessionmaker, 5, start=100, status="sending", attempts=1,
               lease_until=datetime.now(UTC) + timedelta(minutes=5))
    stop_first.set()
    await tasks[0]
    assert len(first_bot.sent) == 50
    await fill(sessionmaker, 5, start=200)
    try:
        for _ in range(100):
            if (await statuses(sessionmaker))["sent"] == 60:
                break
            await asyncio.sleep(0.05)
        assert sorted(second_bot.sent) == [*range(100, 105), *range(200, 205)]
    finally:
        stop_second.set()
        await tasks[1]
    assert await statuses(sessionmaker) == Counter({"sent": 60})


async def test_stopping_lets_go_of_rows_not_yet_sent(sessionmaker: Any) -> None:
    await fill(sessionmaker, 30)
    slow = FakeBot()
    sender = OutboxSender(sessionmaker, [slow],
                          Settings(_env_file=None, telegram_rate=20), max_in_flight=10)
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    await asyncio.sleep(0.3)
    stop.set()
    await task
    counts = await statuses(sessionmaker)
    assert counts["sending"] == 0
    assert counts["sent"] == len(slow.sent) and 0 < counts["sent"] < 30
    assert counts["queued"] == 30 - counts["sent"]
    async with sessionmaker() as session:
        attempts = set((await session.scalars(
            select(Outbox.attempts).where(Outbox.status == "queued"))).all())
    assert attempts == {0}  # an attempt that never reached the platform does not count


async def test_only_one_worker_sweeps_at_a_time(sessionmaker: Any) -> None:
    """On PostgreSQL the advisory lock keeps a second worker's sweep out; in one process, a
    sweep that is running keeps the next one out."""
    from types import SimpleNamespace

    from sqlalchemy import text

    from bot.scheduler import SWEEP_LOCK_KEY, Sweeper
    from services.clock import Clock

    engine = sessionmaker.kw["bind"]
    app = SimpleNamespace(engine=engine, sessionmaker=sessionmaker, clock=Clock(),
                          settings=SETTINGS, services={})
    sweeper = Sweeper(app)
    if engine.dialect.name == "postgresql":
        async with engine.connect() as other_worker:
            assert await other_worker.scalar(text("SELECT pg_try_advisory_lock(:k)"),
                                             {"k": SWEEP_LOCK_KEY})
            assert await sweeper.run() == [] and sweeper.runs == 0
            await other_worker.execute(text("SELECT pg_advisory_unlock(:k)"),
                                       {"k": SWEEP_LOCK_KEY})
    gate = asyncio.Event()

    async def slow(_app: Any, _now: datetime) -> list[str]:
        await gate.wait()
        return ["slow"]

    sweeper.extra.append(slow)
    first = asyncio.create_task(sweeper.run())
    await asyncio.sleep(0.1)
    assert await sweeper.run() == []  # the first is still running
    gate.set()
    assert await first == ["slow"] and sweeper.runs == 1
    await sweeper.release()
