"""Headquarters' results page and the audit page at the registry's size: server time.

    .venv/bin/python -m bench.console_hq [--postgres URL] [--rounds 20] [--audit 50000]

The shared registry is imported (7,943 offices), a closed period opened with the sample rubric
and ranked, and `audit` rows written about the offices (a declaration's worth of actions each,
spread over the registry). Headquarters and a reviewer of region 1 sign in by link; each page
is requested `rounds` times and the server's time measured around the handler (a middleware of
the outer application). Reported: the median of the results page (`/console/hq/results`, the
ranks tables and the first 50 offices), of HQ's and the reviewer's audit page (50 rows, newest
first, with the count: `storage.audit.page`), and, for comparison, of reading every matching
row and slicing, as the audit page did before (`storage.audit.rows`).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import insert, select

import console
from bench.common import shared_data
from demo.local import SAMPLE_RUBRIC
from scoring.rubric import load_rubric
from services import periods, registry, results
from services.clock import Clock
from services.console_auth import issue_link
from services.staff import add_staff
from services.uow import UnitOfWork
from storage import audit
from storage.audit import AuditFilter
from storage.db import create_engine, create_sessionmaker, upgrade
from storage.evidence import LocalEvidenceStore
from storage.models import AuditLog, Office

HQ, REVIEWER = 9100, 9101


async def _world(url: str, audit_rows: int) -> Any:
    engine = create_engine(url)
    await upgrade(engine)
    sessionmaker = create_sessionmaker(engine)
    data = shared_data()
    await registry.import_regions(UnitOfWork(sessionmaker), data / "regions.csv")
    await registry.import_offices(UnitOfWork(sessionmaker), data / "offices.csv")
    now = datetime.now(UTC)
    text = SAMPLE_RUBRIC.read_text(encoding="utf-8")
    await periods.create_period(
        UnitOfWork(sessionmaker), code="1404-H1", opens_at=now - timedelta(days=40),
        closes_at=now - timedelta(days=20), review_opens_at=now - timedelta(days=40),
        review_closes_at=now - timedelta(days=10), rubric_code=load_rubric(text).code,
        rubric_text=text)
    await results.rank(UnitOfWork(sessionmaker), None, "1404-H1", now)
    async with sessionmaker() as session:
        offices = (await session.scalars(select(Office.id).order_by(Office.id))).all()
        rows = [{"at": now - timedelta(seconds=n), "actor": "cli", "action": "bench.office",
                 "entity": "office", "entity_id": str(offices[n % len(offices)]),
                 "new": str(n)} for n in range(audit_rows)]
        for start in range(0, len(rows), 5000):
            await session.execute(insert(AuditLog), rows[start:start + 5000])
        await session.commit()
    await add_staff(UnitOfWork(sessionmaker), platform="telegram", user_id=HQ, role="hq",
                    name="ستاد")
    await add_staff(UnitOfWork(sessionmaker), platform="telegram", user_id=REVIEWER,
                    role="reviewer", region=1, name="بازبین")
    return engine, sessionmaker


async def measure(url: str, rounds: int, audit_rows: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        engine, sessionmaker = await _world(url, audit_rows)
        spent: list[float] = []

        @web.middleware
        async def timed(request: web.Request, handler: Callable[[web.Request], Awaitable[Any]]
                        ) -> Any:
            started = time.perf_counter()
            try:
                return await handler(request)
            finally:
                spent.append(time.perf_counter() - started)

        root = web.Application(middlewares=[timed])
        console.mount(root, sessionmaker, Clock(), LocalEvidenceStore(Path(folder)))
        runner = web.AppRunner(root, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        base = f"http://127.0.0.1:{runner.addresses[0][1]}{console.PREFIX}"
        found: dict[str, float] = {}
        try:
            clients = {}
            for user_id in (HQ, REVIEWER):
                client = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
                token = await issue_link(UnitOfWork(sessionmaker), "telegram", user_id,
                                         datetime.now(UTC))
                async with client.get(f"{base}/login/{token}") as response:
                    assert response.status == 200, await response.text()
                clients[user_id] = client
            for name, user_id, path in (("results_ms", HQ, "/hq/results?period=1404-H1"),
                                        ("audit_hq_ms", HQ, "/audit"),
                                        ("audit_reviewer_ms", REVIEWER, "/audit")):
                times = []
                for _ in range(rounds):
                    async with clients[user_id].get(base + path) as response:
                        await response.read()
                        assert response.status == 200, path
                    times.append(spent[-1])
                found[name] = statistics.median(times) * 1000
            for client in clients.values():
                await client.close()
            times = []
            for _ in range(max(rounds // 4, 3)):  # the old way: every row, then a slice
                started = time.perf_counter()
                async with sessionmaker() as session:
                    every = await audit.rows(session, AuditFilter())
                    every.reverse()
                    every[:50]
                times.append(time.perf_counter() - started)
            found["audit_read_all_ms"] = statistics.median(times) * 1000
        finally:
            await runner.cleanup()
            await engine.dispose()
    return found


def run(postgres: str | None, rounds: int, audit_rows: int) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        out["sqlite"] = asyncio.run(measure(
            f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}", rounds, audit_rows))
    if postgres:
        out["postgresql"] = asyncio.run(measure(postgres, rounds, audit_rows))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="an empty PostgreSQL database (postgresql+asyncpg://…)")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--audit", type=int, default=50_000, help="audit rows to write")
    args = parser.parse_args()
    for backend, r in run(args.postgres, args.rounds, args.audit).items():
        print(f"{backend}: results page (7,943 offices ranked) {r['results_ms']:.0f} ms; "
              f"audit page of {args.audit:,} rows: HQ {r['audit_hq_ms']:.0f} ms, a region's "
              f"reviewer {r['audit_reviewer_ms']:.0f} ms; reading every row and slicing "
              f"(before) {r['audit_read_all_ms']:.0f} ms (medians)")


if __name__ == "__main__":
    main()
