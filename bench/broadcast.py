"""Broadcast benchmark: a reminder to all 7,943 offices through the sandbox at its ceiling.

    .venv/bin/python -m bench.broadcast [--rate 200] [--platform telegram|bale] [--clean|--faults]

The registry (`../shared/data`, or $PISHKHAN_REGISTRY) is imported into a new SQLite database,
every office gets one linked owner account, and the reminder sweep writes one outbox row each
(timed, not part of the ratio). The sandbox runs in its own process (`python -m sandbox`) with a
ceiling of R messages per second for the bot, and the sender's rate is set to R as well. The floor
is 7,943 / R seconds: no sender can deliver faster. The figure is the elapsed time, from the
sender's start until every row has its outcome, divided by that floor.

Two runs: clean, and with faults: 1 % of the chats have blocked the bot (403), and every 8 seconds
a burst of ten 429s (Telegram's with `retry_after` 1, Bale's bare "bot limit exceed"). Goals:
≤ 1.05 clean, ≤ 1.15 with faults, and zero lost (every chat that has not blocked the bot got the
message), counted from the sandbox's transcripts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import func, insert, select

from bench.common import ROOT, shared_data

GOALS = {"clean": 1.05, "faults": 1.15}
USER_BASE = 90_000_000
BURST_EVERY = 8.0
BURST_SIZE = 10


class SandboxProcess:
    """`python -m sandbox` in a subprocess, and a client for its control API."""

    def __init__(self) -> None:
        self.process: asyncio.subprocess.Process | None = None
        self.info: dict[str, Any] = {}
        self.http: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> SandboxProcess:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "sandbox", "--port", "0", "--json", cwd=ROOT,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        assert self.process.stdout is not None
        async for raw in self.process.stdout:
            line = raw.decode()
            if line.startswith("SANDBOX_READY "):
                self.info = json.loads(line.removeprefix("SANDBOX_READY "))
                break
        else:
            raise RuntimeError("the sandbox did not start")
        # keep reading its output, so that a full pipe never blocks it
        self._drain = asyncio.create_task(self.process.stdout.read())
        self.http = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.http is not None:
            await self.http.close()
        if self.process is not None:
            self.process.terminate()
            await self.process.wait()
            await self._drain

    def token(self, platform: str) -> str:
        return self.info["bots"][platform]["token"]

    def api_base(self, platform: str) -> str:
        return self.info["bots"][platform]["api_base"]

    async def call(self, platform: str, path: str, body: dict[str, Any] | None = None
                   ) -> dict[str, Any]:
        assert self.http is not None
        url = f"{self.info['base_url']}/sandbox/bots/{self.token(platform)}{path}"
        request = self.http.post(url, json=body) if body is not None else self.http.get(url)
        async with request as response:
            answer = await response.json()
        if not answer.get("ok"):
            raise RuntimeError(f"sandbox {path}: {answer}")
        return answer


async def _prepare(url: str, platform: str) -> tuple[Any, list[int], float]:
    """A database with the registry, one owner per office and the reminder rows written."""
    from scoring.rubric import load_sample_rubric, sample_rubric_text
    from services.periods import create_period
    from services.registry import import_offices, import_regions
    from services.reminders import sweep_reminders
    from services.uow import UnitOfWork
    from storage.db import create_engine, create_sessionmaker, upgrade
    from storage.models import Account, AccountOffice, Office, Outbox

    engine = create_engine(url)
    await upgrade(engine)
    sessions = create_sessionmaker(engine)
    folder = shared_data()
    await import_regions(UnitOfWork(sessions), folder / "regions.csv")
    await import_offices(UnitOfWork(sessions), folder / "offices.csv")
    now = datetime.now(UTC)
    await create_period(UnitOfWork(sessions), code="bench", opens_at=now - timedelta(hours=1),
                        closes_at=now + timedelta(days=20),
                        review_opens_at=now - timedelta(hours=1),
                        review_closes_at=now + timedelta(days=20),
                        rubric_code=load_sample_rubric().code,
                        rubric_text=sample_rubric_text())
    async with sessions() as session:
        office_ids = list((await session.scalars(select(Office.id).order_by(Office.id))).all())
        await session.execute(insert(Account), [
            {"id": i, "platform": platform, "platform_user_id": USER_BASE + i, "locale": "fa",
             "first_name": ""} for i in office_ids])
        await session.execute(insert(AccountOffice), [
            {"account_id": i, "office_id": i, "via": "contact"} for i in office_ids])
        await session.commit()
    started = time.perf_counter()
    await sweep_reminders(UnitOfWork(sessions), now)
    sweep_seconds = time.perf_counter() - started
    async with sessions() as session:
        total = await session.scalar(select(func.count()).select_from(Outbox))
    assert total == len(office_ids), (total, len(office_ids))
    return engine, [USER_BASE + i for i in office_ids], sweep_seconds


async def _scenario(rate: float, platform: str, faults: bool) -> dict[str, Any]:
    from delivery.outbox import OutboxSender
    from delivery.platforms import make_bots
    from settings import Settings
    from storage.db import create_sessionmaker
    from storage.models import Outbox

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'broadcast.db'}"
        engine, chats, sweep_seconds = await _prepare(url, platform)
        sessions = create_sessionmaker(engine)
        async with SandboxProcess() as sandbox:
            for start in range(0, len(chats), 2000):
                await sandbox.call(platform, "/users", {"ids": chats[start:start + 2000]})
            await sandbox.call(platform, "/rate_limit", {"per_second": rate})
            blocked = set(chats[::100]) if faults else set()
            for chat in blocked:
                await sandbox.call(platform, f"/chats/{chat}/block", {})
            settings = Settings(_env_file=None, database_url=url, **{
                f"{platform}_token": sandbox.token(platform),
                f"{platform}_api_base": sandbox.api_base(platform),
                f"{platform}_rate": rate})
            bots = make_bots(settings.platforms())
            sender = OutboxSender(sessions, bots, settings)
            stop = asyncio.Event()

            async def bursts() -> int:
                kind = "429" if platform == "telegram" else "429_no_retry"
                count = 0
                while not stop.is_set():
                    try:
                        await asyncio.wait_for(stop.wait(), BURST_EVERY)
                    except TimeoutError:
                        await sandbox.call(platform, "/faults", {
                            "method": "sendMessage", "kind": kind, "times": BURST_SIZE,
                            "retry_after": 1})
                        count += 1
                return count

            started = time.perf_counter()
            task = asyncio.create_task(sender.run(stop))
            burst_task = asyncio.create_task(bursts()) if faults else None
            done = 0
            while done < len(chats):
                await asyncio.sleep(0.05)
                async with sessions() as session:
                    done = int(await session.scalar(
                        select(func.count()).select_from(Outbox)
                        .where(Outbox.status.not_in(("queued", "sending")))) or 0)
            elapsed = time.perf_counter() - started
            stop.set()
            await task
            bursts_sent = await burst_task if burst_task is not None else 0
            for bot in bots:
                await bot.session.close()
            summary = await sandbox.call(platform, "/chats")
            info = await sandbox.call(platform, "")
        received = {c["chat_id"]: c["out_count"] for c in summary["chats"]}
        async with sessions() as session:
            statuses = dict((await session.execute(
                select(Outbox.status, func.count()).group_by(Outbox.status))).all())
        await engine.dispose()
    floor = len(chats) / rate
    return {
        "scenario": "faults" if faults else "clean", "platform": platform, "rate": rate,
        "messages": len(chats), "floor_seconds": floor, "elapsed_seconds": elapsed,
        "ratio": elapsed / floor, "sweep_seconds": sweep_seconds,
        "lost": sum(1 for c in chats if c not in blocked and received.get(c, 0) == 0),
        "duplicates": sum(max(0, n - 1) for n in received.values()),
        "blocked": len(blocked), "statuses": statuses, "bursts": bursts_sent,
        "too_many": sender.stats[platform]["too_many"],
        "sandbox_rate_limited": info.get("rate_limited", 0),
    }


def run(rate: float = 200.0, platform: str = "telegram",
        scenarios: tuple[str, ...] = ("clean", "faults")) -> dict[str, dict[str, Any]]:
    """Both scenarios; returns their figures by name."""
    return {name: asyncio.run(_scenario(rate, platform, name == "faults"))
            for name in scenarios}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.broadcast",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", type=float, default=200.0,
                        help="the sandbox's ceiling and the sender's rate (messages/s)")
    parser.add_argument("--platform", choices=("telegram", "bale"), default="telegram")
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--clean", action="store_true", help="only the run without faults")
    only.add_argument("--faults", action="store_true", help="only the run with faults")
    args = parser.parse_args(argv)
    scenarios = ("clean",) if args.clean else ("faults",) if args.faults else ("clean", "faults")
    results = run(args.rate, args.platform, scenarios)
    for name, r in results.items():
        goal = GOALS[name]
        print(f"broadcast ({r['platform']}, {name}): {r['messages']:,} messages at "
              f"{r['rate']:g}/s in {r['elapsed_seconds']:.2f} s; floor {r['floor_seconds']:.2f} s;"
              f" ratio {r['ratio']:.3f} (goal ≤ {goal}: "
              f"{'met' if r['ratio'] <= goal and r['lost'] == 0 else 'NOT met'})")
        print(f"  lost {r['lost']}, sent twice {r['duplicates']}, blocked {r['blocked']}, "
              f"429 bursts {r['bursts']} ({r['too_many']} 429s seen), outcomes {r['statuses']}; "
              f"sweep wrote the {r['messages']:,} rows in {r['sweep_seconds']:.2f} s")


if __name__ == "__main__":
    main()
