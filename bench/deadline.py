"""The deadline day at ten times its busiest minute, on three set-ups, against the echo bot.

Simulated owners, each through one declaration of the sample rubric: the start (contact, the
wizard), answers, files, the submission, a results view (18 actions); between two actions an
owner thinks for a time drawn from an exponential distribution (mean `--think`). As many owners
are at it at once as the target rate needs (rate × think); one who finishes is replaced by the
next office. The same load (18 texts a person) goes to a bare aiogram echo bot first.

Set-ups: (a) `sqlite`: the embedded default, `pishkhan run`; (b) `pg1`: PostgreSQL, one
`pishkhan webhook` worker; (c) `pg2`: PostgreSQL, two workers behind nginx, Redis for the send
budget and the conversation state. Each is run clean, then again with a worker SIGKILLed
halfway (`-killed`: on one worker, it is restarted at once, as systemd would; on two, the other
carries on).

Per run: actions/s, p50/p99 latency (action to the bot's answer), CPU ms an action (every bot
worker), peak RSS per worker, lost (updates the owners sent that the bot never handled: the
inbox's handled rows counted after the run) and duplicated (messages beyond a whole journey's
own: an update handled twice answers twice); and how many owners stopped because an answer took
over 30 s (late, not lost: a saturated set-up).

    python -m bench deadline [--rate 210] [--duration 60] [--setups sqlite,pg1,pg2] [--no-kill]
        [--webhook-connections N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp

from bench.cluster import Cluster, cpu_seconds, rss_mb
from bench.journey import PDF, _jpeg, _prepare_database, _start, _stop, owners
from sandbox.server import Sandbox
from sandbox.user import ScriptedUser

SETUPS = ("sqlite", "pg1", "pg2")
WAIT = 30.0  # an answer not there after this long is lost


def owner_steps(user: ScriptedUser, jpeg: bytes) -> list[tuple[str, Any, tuple[Any, ...], str]]:
    """The sample rubric's journey for an urban office: (kind, action, its arguments, a piece
    of the expected answer)."""
    return [
        ("start", user.share_contact, (), "مهلت خوداظهاری"),
        ("start", user.press, ("✍️ ادامهٔ خوداظهاری",), "پرسش ۱"),
        ("answer", user.send_text, ("85",), "حداکثر"),
        ("file", user.send_photo, (jpeg,), "فایل دریافت شد"),
        ("answer", user.press, ("✅ تمام",), "پرسش ۲"),
        ("answer", user.send_text, ("علی رضایی",), "ویژگی"),
        ("answer", user.press, ("✅ فهرست کامل است",), "حداکثر"),
        ("file", user.send_document, (PDF, "list.pdf", "application/pdf"), "فایل دریافت شد"),
        ("answer", user.press, ("✅ تمام",), "پرسش ۳"),
        ("answer", user.press, ("بر خیابان اصلی",), "پرسش ۴"),
        ("answer", user.send_text, ("12",), "حداکثر"),
        ("file", user.send_photo, (jpeg,), "فایل دریافت شد"),
        ("answer", user.press, ("✅ تمام",), "پرسش ۵"),
        ("answer", user.press, ("بله",), "پرسش ۶"),
        ("answer", user.press, ("✅ تمام",), "مرور خوداظهاری"),
        ("submit", user.press, ("📤 ارسال خوداظهاری",), "ارسال می‌کنید"),
        ("submit", user.press, ("✅ بله، ارسال شود",), "ثبت شد"),
        ("results", user.send_command, ("start",), "وضعیت خوداظهاری"),
    ]


def echo_steps(user: ScriptedUser) -> list[tuple[str, Any, tuple[Any, ...], str]]:
    return [("echo", user.send_text, (f"پیام {i}",), f"پیام {i}") for i in range(18)]


class Load:
    """Owners at a target rate for `duration` seconds; then those at it finish their journey."""

    def __init__(self, rate: float, duration: float, think: float, seed: int = 7) -> None:
        self.rate, self.duration, self.think = rate, duration, think
        self.random = random.Random(seed)
        self.latencies: list[float] = []
        self.kinds: Counter[str] = Counter()
        self.by_kind: dict[str, list[float]] = {}  # latencies of each kind of action
        self.late = 0  # an answer not there within WAIT: that owner stops
        self.sent = 0  # updates the owners sent (each action is one)
        self.in_window = 0
        self.journeys: list[ScriptedUser] = []
        self.finished: list[ScriptedUser] = []  # whole journeys, every answer seen
        self.started = 0.0

    def pause(self) -> float:
        return self.random.expovariate(1.0 / self.think) if self.think > 0 else 0.0

    async def run(self, people: list[Any], steps: Any, halfway: Any = None) -> None:
        """`people`: ScriptedUsers, one a journey; `halfway`: a coroutine function run then."""
        slots = max(1, round(self.rate * self.think)) if self.think > 0 else 16
        queue = list(reversed(people))
        self.started = time.perf_counter()
        end = self.started + self.duration

        async def slot(index: int) -> None:
            await asyncio.sleep(self.random.random() * max(self.think, 0.1))
            while queue and time.perf_counter() < end:
                user = queue.pop()
                self.journeys.append(user)
                await self.journey(user, steps(user), end)

        tasks = [asyncio.create_task(slot(i)) for i in range(slots)]
        if halfway is not None:
            await asyncio.sleep(self.duration / 2)
            await halfway()
        await asyncio.gather(*tasks)
        if not queue:
            print(f"warning: ran out of owners ({len(people)}) before {self.duration} s")

    async def journey(self, user: ScriptedUser, steps: list[Any], end: float) -> None:
        for kind, action, args, expect in steps:
            started = time.perf_counter()
            try:
                await action(*args)
            except Exception:  # the sandbox refused it (no such button): not sent
                self.late += 1
                return
            self.sent += 1
            try:
                await user.wait_text(expect, timeout=WAIT)
            except (TimeoutError, Exception):  # no answer in time: this owner stops here
                self.late += 1
                return
            done = time.perf_counter()
            self.latencies.append(done - started)
            self.kinds[kind] += 1
            self.by_kind.setdefault(kind, []).append(done - started)
            if done <= end:
                self.in_window += 1
            await asyncio.sleep(self.pause())
        self.finished.append(user)

    def figures(self) -> dict[str, float]:
        ordered = sorted(self.latencies) or [0.0]
        return {"actions": len(self.latencies), "per_second": self.in_window / self.duration,
                "p50_ms": statistics.median(ordered) * 1000,
                "p99_ms": _p99(ordered) * 1000,
                "p99_by_kind": {kind: _p99(sorted(seen)) * 1000
                                for kind, seen in sorted(self.by_kind.items())},
                "late": self.late, "sent": self.sent, "lost": 0}


def _p99(ordered: list[float]) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] if ordered else 0.0


async def duplicates(users: list[ScriptedUser]) -> int:
    """Bot messages beyond the journey's usual count, among whole journeys: an update handled
    twice sends its answer twice. The usual count is the most common one."""
    counts = []
    for user in users:
        entries = await user.transcript()
        counts.append(sum(1 for e in entries if e.get("direction") == "out"))
    if not counts:
        return 0
    usual = Counter(counts).most_common(1)[0][0]
    return sum(max(0, c - usual) for c in counts)


async def handled(url: str, within: float = 60.0) -> int:
    """Updates the bot kept and handled, once the inbox has nothing left to do (or `within`
    seconds have passed): the owners' updates minus this are the lost ones."""
    from sqlalchemy import text

    from storage.db import create_engine

    engine = create_engine(url)
    deadline = time.monotonic() + within
    try:
        while True:
            async with engine.connect() as conn:
                # The open rows only, by their index: counting the handled ones at every look
                # read the whole inbox twice a second, and a lagging run's "rows fetched an
                # action" was mostly this loop's.
                left = int(await conn.scalar(text(
                    "SELECT count(*) FROM inbox WHERE state IN ('new', 'replying')")))
            if left == 0 or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.5)
        async with engine.connect() as conn:
            return int(await conn.scalar(text(
                "SELECT count(*) FROM inbox WHERE state = 'done'")))
    finally:
        await engine.dispose()


async def postgres_cost(url: str) -> dict[str, float]:
    """Commits and rows touched in the benchmark's database, and its backends' CPU."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from storage.db import create_engine

    name = make_url(url).database
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            row = (await conn.execute(text(
                "SELECT xact_commit, tup_inserted + tup_updated + tup_deleted, tup_fetched, "
                "blks_read + blks_hit FROM pg_stat_database WHERE datname = :d"),
                {"d": name})).one()
            pids = (await conn.execute(text(
                "SELECT pid FROM pg_stat_activity WHERE datname = :d AND pid <> "
                "pg_backend_pid()"), {"d": name})).scalars().all()
            size = await conn.scalar(text("SELECT pg_database_size(:d)"), {"d": name})
    finally:
        await engine.dispose()
    cpu = sum(cpu_seconds(pid) or 0.0 for pid in pids)
    return {"commits": row[0], "writes": row[1], "fetched": row[2], "blocks": row[3],
            "backend_cpu": cpu, "size_mb": size / 1e6}


async def echo_run(sandbox: Sandbox, http: aiohttp.ClientSession, options: Any
                   ) -> dict[str, float]:
    token = sandbox.add_bot("telegram")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    echo = await asyncio.to_thread(_start, [sys.executable, "-m", "bench.echo_bot",
                                            sandbox.base_url, token], env, "ECHO_READY")
    try:
        people = [ScriptedUser(sandbox.base_url, token, 900_000 + i, session=http)
                  for i in range(int(options.rate * options.duration / 18 * 1.5) + 50)]
        load = Load(options.rate, options.duration, options.think)
        before = cpu_seconds(echo.pid) or 0.0
        await load.run(people, echo_steps)
        result = load.figures()
        result["cpu_ms"] = ((cpu_seconds(echo.pid) or 0.0) - before) * 1000 / max(
            1, result["actions"])
        result["rss"] = [rss_mb(echo.pid) or 0.0]
        result["duplicated"] = 0
        return result
    finally:
        _stop(echo)


async def setup_run(sandbox: Sandbox, http: aiohttp.ClientSession, options: Any, setup: str,
                    kill: bool, offices: list[tuple[str, str]], first_user: int
                    ) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="deadline-"))
    url = f"sqlite+aiosqlite:///{folder / 'bench.db'}" if setup == "sqlite" \
        else options.postgres_url
    await _prepare_database(folder, url)
    token = sandbox.add_bot("telegram")
    env = {**os.environ, "PISHKHAN_DATABASE_URL": url, "PISHKHAN_TELEGRAM_TOKEN": token,
           "PISHKHAN_TELEGRAM_API_BASE": sandbox.base_url,
           "PISHKHAN_EVIDENCE_DIR": str(folder / "evidence"),
           "PISHKHAN_WEBHOOK_SECRET": secrets.token_urlsafe(24),
           "PISHKHAN_WEBHOOK_RATE_PER_MINUTE": "10000000"}
    env.pop("PISHKHAN_BALE_TOKEN", None)
    if setup == "pg2":
        env["PISHKHAN_REDIS_URL"] = options.redis_url
        env["PISHKHAN_REDIS_PREFIX"] = f"bench-{uuid.uuid4().hex}"
        env["PISHKHAN_FSM_REDIS_URL"] = options.redis_url
    workers = 2 if setup == "pg2" else 1
    cluster = Cluster(env, workers=workers, webhook=setup != "sqlite", nginx=setup == "pg2",
                      folder=folder)
    await asyncio.to_thread(cluster.start)
    try:
        db_before = await postgres_cost(url) if setup != "sqlite" else None
        people = [ScriptedUser(sandbox.base_url, token, first_user + i, "مالک", phone=phone,
                               session=http) for i, (_, phone) in enumerate(offices)]
        load = Load(options.rate, options.duration, options.think)

        async def halfway() -> None:
            await asyncio.to_thread(cluster.kill, 0, restart=workers == 1)

        await load.run(people, lambda u: owner_steps(u, options.jpeg),
                       halfway if kill else None)
        await asyncio.sleep(2)  # the inbox's last rows
        result: dict[str, Any] = load.figures()
        cpu, rss = await asyncio.to_thread(cluster.costs)
        result["cpu_ms"] = cpu * 1000 / max(1, result["actions"])
        result["rss"] = rss
        result["duplicated"] = await duplicates(load.finished)
        result["lost"] = max(0, load.sent - await handled(url))
        if db_before is not None:
            after = await postgres_cost(url)
            result["db"] = {k: (after[k] - db_before[k]) / max(1, result["actions"])
                            for k in ("commits", "writes", "fetched", "blocks")}
            result["db"]["backend_cpu_ms"] = after["backend_cpu"] * 1000 / max(
                1, result["actions"])
            result["db"]["size_mb"] = after["size_mb"]
        return result
    finally:
        await asyncio.to_thread(cluster.stop)


async def run_async(options: Any) -> dict[str, dict[str, Any]]:
    options.jpeg = _jpeg()
    per_run = int(options.rate * options.duration / 18 * 1.3) + 40
    runs = [(s, k) for s in options.setups for k in ((False, True) if options.kill else (False,))]
    pool = owners(per_run * len(runs))
    results: dict[str, dict[str, Any]] = {}
    connector = aiohttp.TCPConnector(limit=0)
    async with Sandbox(webhook_connections=options.webhook_connections) as sandbox, \
            aiohttp.ClientSession(connector=connector) as http:
        if options.echo:
            results["echo"] = await echo_run(sandbox, http, options)
            report("echo", results["echo"])
        for number, (setup, kill) in enumerate(runs):
            name = setup + ("-killed" if kill else "")
            offices = pool[number * per_run:(number + 1) * per_run]
            if len(offices) < per_run:
                print(f"warning: {name}: {len(offices)} owners for {per_run} journeys")
            results[name] = await setup_run(sandbox, http, options, setup, kill, offices,
                                             1_000_000 * (number + 1))
            report(name, results[name])
    return results


def report(name: str, r: dict[str, Any]) -> None:
    rss = "/".join(f"{m:.0f}" for m in r["rss"])
    line = (f"{name:11} {r['per_second']:6.1f} actions/s  p50 {r['p50_ms']:7.0f} ms  "
            f"p99 {r['p99_ms']:7.0f} ms  CPU {r['cpu_ms']:5.1f} ms/action  RSS {rss} MB  "
            f"lost {r['lost']}  duplicated {r['duplicated']}  ({r['actions']} actions; "
            f"{r['late']} owners stopped without an answer within {WAIT:.0f} s)")
    if len(r.get("p99_by_kind", {})) > 1:
        line += f"\n{'':11} p99 by kind: " + ", ".join(
            f"{kind} {ms:.0f} ms" for kind, ms in r["p99_by_kind"].items())
    if "db" in r:
        d = r["db"]
        line += (f"\n{'':11} PostgreSQL per action: {d['commits']:.2f} commits, "
                 f"{d['writes']:.1f} rows written, {d['fetched']:.0f} rows fetched, "
                 f"{d['blocks']:.0f} blocks, backends {d['backend_cpu_ms']:.1f} ms CPU; "
                 f"database {d['size_mb']:.0f} MB")
    print(line, flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench deadline",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=210.0, help="target actions a second")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load a run")
    parser.add_argument("--think", type=float, default=2.0,
                        help="mean seconds between an owner's actions (exponential)")
    parser.add_argument("--setups", default=",".join(SETUPS))
    parser.add_argument("--no-kill", dest="kill", action="store_false",
                        help="skip the runs with a worker killed halfway")
    parser.add_argument("--no-echo", dest="echo", action="store_false")
    parser.add_argument("--webhook-connections", type=int, default=None, metavar="N",
                        help="at most N webhook deliveries at once, whatever the bot's "
                        "max_connections (Telegram's default 40); 1 is how the sandbox "
                        "delivered before it honoured max_connections")
    parser.add_argument("--postgres-url", default=os.environ.get(
        "PISHKHAN_BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/"
        "pishkhan_bench"), help="an empty database (its tables are dropped first)")
    parser.add_argument("--redis-url", default=os.environ.get(
        "PISHKHAN_TEST_REDIS_URL", "redis://127.0.0.1:6379/0"))
    options = parser.parse_args(argv)
    options.setups = [s for s in options.setups.split(",") if s]
    unknown = set(options.setups) - set(SETUPS)
    if unknown:
        parser.error(f"unknown set-up {sorted(unknown)[0]!r}: choose from {', '.join(SETUPS)}")
    print(f"deadline: {options.rate:g} actions/s target for {options.duration:g} s a run, "
          f"think time mean {options.think:g} s; {os.cpu_count()} cores", flush=True)
    if any(s != "sqlite" for s in options.setups):
        asyncio.run(ensure_database(options.postgres_url))
    asyncio.run(run_async(options))


async def ensure_database(url: str) -> None:
    """Create the benchmark's database on the server when it is missing."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from storage.db import create_engine

    target = make_url(url)
    admin = create_engine(target.set(database="postgres").render_as_string(
        hide_password=False)).execution_options(isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            exists = await conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :d"),
                                       {"d": target.database})
            if not exists:
                await conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    finally:
        await admin.dispose()


if __name__ == "__main__":
    main()
