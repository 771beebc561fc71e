"""N concurrent owners through the whole wizard, over the sandbox, against a bare echo bot.

Both bots run as separate processes polling the same sandbox (Telegram flavour), as in
production; the scripted owners run in this process. Each owner links, answers every question of
the sample rubric for an urban office, sends four evidence files and submits: 17 actions, each
timed from the owner's action to the bot's answer. The echo bot gets the same number of actions
from the same number of users. Owners pause `--think` seconds between actions, as people do.

    python -m bench.journey [--owners 200] [--think 1.0]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, shared_data
from sandbox import samples
from sandbox.server import Sandbox
from sandbox.user import ScriptedUser


def _jpeg() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "navy").save(buffer, "JPEG")
    return buffer.getvalue()


PDF = samples.pdf("bench")  # a real one-page PDF: hollow ones are refused by the PDF checks


def owners(count: int) -> list[tuple[str, str]]:
    """`count` urban offices whose holder holds only that office: (code, phone)."""
    rows = list(csv.DictReader((shared_data() / "offices.csv").open(encoding="utf-8-sig")))
    from scoring.text import normalize_phone

    phones: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        phones.setdefault(normalize_phone(row["holder_phone"]), []).append(row)
    single = [(v[0]["office_code"], p) for p, v in phones.items()
              if len(v) == 1 and v[0]["office_type"] == "urban"]
    random.Random(7).shuffle(single)
    return single[:count]


async def timed(latencies: list[float], action, wait) -> None:
    started = time.perf_counter()
    await action
    await wait
    latencies.append(time.perf_counter() - started)


async def owner_journey(user: ScriptedUser, think: float, latencies: list[float],
                        jpeg: bytes) -> None:
    steps = [
        (user.share_contact, (), "مهلت خوداظهاری"),
        (user.press, ("✍️ ادامهٔ خوداظهاری",), "پرسش ۱"),
        (user.send_text, ("85",), "حداکثر"),
        (user.send_photo, (jpeg,), "فایل دریافت شد"),
        (user.press, ("✅ تمام",), "پرسش ۲"),
        (user.send_text, ("علی رضایی",), "ویژگی"),
        (user.press, ("✅ فهرست کامل است",), "حداکثر"),
        (user.send_document, (PDF, "list.pdf", "application/pdf"), "فایل دریافت شد"),
        (user.press, ("✅ تمام",), "پرسش ۳"),
        (user.press, ("بر خیابان اصلی",), "پرسش ۴"),
        (user.send_text, ("12",), "حداکثر"),
        (user.send_photo, (jpeg,), "فایل دریافت شد"),
        (user.press, ("✅ تمام",), "پرسش ۵"),
        (user.press, ("بله",), "پرسش ۶"),
        (user.press, ("✅ تمام",), "مرور خوداظهاری"),
        (user.press, ("📤 ارسال خوداظهاری",), "ارسال می‌کنید"),
        (user.press, ("✅ بله، ارسال شود",), "ثبت شد"),
    ]
    await asyncio.sleep(random.random() * think)
    for method, args, expect in steps:
        started = time.perf_counter()
        await method(*args)
        await user.wait_text(expect, timeout=60)
        latencies.append(time.perf_counter() - started)
        await asyncio.sleep(think)


async def echo_journey(user: ScriptedUser, think: float, latencies: list[float],
                       steps: int) -> None:
    await asyncio.sleep(random.random() * think)
    for step in range(steps):
        started = time.perf_counter()
        await user.send_text(f"پیام {step}")
        await user.wait_text(f"پیام {step}", timeout=60)
        latencies.append(time.perf_counter() - started)
        await asyncio.sleep(think)


def _start(args: list[str], env: dict[str, str], ready: str) -> subprocess.Popen[bytes]:
    """Start a bot process; its output goes to a file (a pipe nobody reads would fill up and
    stall it), which is watched for the `ready` line."""
    log = tempfile.NamedTemporaryFile(prefix="bench-bot-", suffix=".log", delete=False)
    process = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.monotonic() + 60
    while ready not in Path(log.name).read_text(encoding="utf-8", errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the bot did not start; see {log.name}")
        time.sleep(0.1)
    return process


def _cpu_seconds(process: subprocess.Popen[bytes]) -> float | None:
    """CPU time (user + system) the process has used so far; None where /proc is missing."""
    try:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()


def _own_cpu_seconds() -> float:
    """CPU time of this process: the sandbox and the scripted users, sharing the cores."""
    return time.process_time()


def _figures(latencies: list[float], elapsed: float, cpu: float | None, harness: float
             ) -> dict[str, float]:
    ordered = sorted(latencies)
    return {"updates": len(ordered), "per_second": len(ordered) / elapsed,
            "cpu_ms": (cpu or 0.0) * 1000 / max(1, len(ordered)),
            "harness_cpu_ms": harness * 1000 / max(1, len(ordered)),
            "p50_ms": statistics.median(ordered) * 1000,
            "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000}


def _delta(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


async def _prepare_database(folder: Path, url: str) -> None:
    from demo.local import SAMPLE_RUBRIC
    from scoring.calendar import utcnow
    from scoring.rubric import load_rubric
    from services.periods import create_period
    from services.registry import import_offices, import_regions
    from services.uow import UnitOfWork
    from storage.db import create_engine, create_sessionmaker, upgrade

    engine = create_engine(url)
    if engine.dialect.name == "postgresql":  # a given server database: start from empty
        from sqlalchemy import text

        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    await upgrade(engine)
    sessions = create_sessionmaker(engine)
    await import_regions(UnitOfWork(sessions), shared_data() / "regions.csv")
    await import_offices(UnitOfWork(sessions), shared_data() / "offices.csv")
    text = SAMPLE_RUBRIC.read_text(encoding="utf-8")
    from datetime import timedelta

    now = utcnow()
    await create_period(UnitOfWork(sessions), code="1404-H1", opens_at=now - timedelta(days=3),
                        closes_at=now + timedelta(days=10),
                        review_opens_at=now - timedelta(days=3),
                        review_closes_at=now + timedelta(days=10),
                        rubric_code=load_rubric(text).code, rubric_text=text)
    await engine.dispose()


async def run_async(count: int = 200, think: float = 1.0, database_url: str | None = None
                    ) -> dict[str, dict[str, float]]:
    jpeg = _jpeg()
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = database_url or f"sqlite+aiosqlite:///{folder / 'bench.db'}"
        await _prepare_database(folder, url)
        async with Sandbox() as sandbox:
            echo_token = sandbox.add_bot("telegram")
            app_token = sandbox.add_bot("telegram")
            env = {**os.environ, "PYTHONUNBUFFERED": "1"}
            # Read the child's output in a thread: the sandbox answering it runs in this loop.
            echo = await asyncio.to_thread(_start, [sys.executable, "-m", "bench.echo_bot",
                                                    sandbox.base_url, echo_token], env,
                                           "ECHO_READY")
            try:
                users = [ScriptedUser(sandbox.base_url, echo_token, 10_000 + i)
                         for i in range(count)]
                latencies: list[float] = []
                cpu, own = _cpu_seconds(echo), _own_cpu_seconds()
                started = time.perf_counter()
                await asyncio.gather(*(echo_journey(u, think, latencies, 17) for u in users))
                results["echo"] = _figures(latencies, time.perf_counter() - started,
                                           _delta(cpu, _cpu_seconds(echo)),
                                           _own_cpu_seconds() - own)
                for user in users:
                    await user.close()
            finally:
                _stop(echo)
            app_env = {**env, "PISHKHAN_DATABASE_URL": url,
                       "PISHKHAN_TELEGRAM_TOKEN": app_token,
                       "PISHKHAN_TELEGRAM_API_BASE": sandbox.base_url,
                       "PISHKHAN_EVIDENCE_DIR": str(folder / "evidence")}
            app_env.pop("PISHKHAN_BALE_TOKEN", None)
            bot = await asyncio.to_thread(_start, [sys.executable, "-m", "cli", "run"],
                                          app_env, "polling")
            try:
                users = [ScriptedUser(sandbox.base_url, app_token, 20_000 + i, "مالک",
                                      phone=phone) for i, (_, phone) in enumerate(owners(count))]
                latencies = []
                cpu, own = _cpu_seconds(bot), _own_cpu_seconds()
                started = time.perf_counter()
                await asyncio.gather(*(owner_journey(u, think, latencies, jpeg) for u in users))
                results["journey"] = _figures(latencies, time.perf_counter() - started,
                                              _delta(cpu, _cpu_seconds(bot)),
                                              _own_cpu_seconds() - own)
                for user in users:
                    await user.close()
            finally:
                _stop(bot)
    results["ratio"] = {"throughput": results["journey"]["per_second"]
                        / results["echo"]["per_second"]}
    return results


def run(count: int = 200, think: float = 1.0, database_url: str | None = None
        ) -> dict[str, dict[str, float]]:
    return asyncio.run(run_async(count, think, database_url))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--owners", type=int, default=200)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--database-url", default=None,
                        help="an empty database to use instead of a new SQLite file "
                             "(e.g. postgresql+asyncpg://…); its tables are dropped first")
    options = parser.parse_args()
    r = run(options.owners, options.think, options.database_url)
    for name in ("echo", "journey"):
        f = r[name]
        print(f"{name:8} {f['updates']:6.0f} actions  {f['per_second']:7.1f}/s  "
              f"p50 {f['p50_ms']:6.1f} ms  p99 {f['p99_ms']:6.1f} ms  "
              f"bot CPU {f['cpu_ms']:5.2f} ms/action  "
              f"(sandbox and users {f['harness_cpu_ms']:4.2f})")
    print(f"journey throughput / echo throughput: {r['ratio']['throughput']:.2f} "
          f"(goal ≥ 0.5); journey p99 {r['journey']['p99_ms']:.0f} ms (goal < 100 ms)")


if __name__ == "__main__":
    main()
