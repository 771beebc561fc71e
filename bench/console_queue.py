"""The console's queue page for a region with 1,000 submitted declarations: server time.

    .venv/bin/python -m bench.console_queue [--postgres URL] [--rounds 40]

The shared registry is imported (7,943 offices), a period opened with the sample rubric, and
1,000 offices of region 1 (1,733 offices) get a submitted declaration with the sample answers;
region 6 gets none. A reviewer of each signs in by link, and the queue page (`/console/`, the
default view: waiting for review, oldest first, 25 a page, the digest, the filters' choices) is
requested `rounds` times for each, alternating. The server's time is measured around the
handler, in the server (a middleware of the outer application), so the client's share is left
out. Reported: the median for the full region, and its ratio to the median of the empty
region's page in the same run. Goal: under 200 ms on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web
from sqlalchemy import select

import console
from bench.common import shared_data
from demo.local import SAMPLE_RUBRIC
from scoring.rubric import load_rubric
from services import periods, registry
from services.clock import Clock
from services.console_auth import issue_link
from services.staff import add_staff
from services.uow import UnitOfWork
from storage.db import create_engine, create_sessionmaker, upgrade
from storage.evidence import LocalEvidenceStore
from storage.models import Answer, Declaration, Office

GOAL_MS = 200.0
FULL, EMPTY = 1, 6  # region codes
DECLARATIONS = 1000
ANSWERS = {"area": 85, "holder_years": 12, "step_free": True,
           "location_urban": "main_street", "facilities": ["ramp"]}


async def _world(url: str, folder: Path) -> tuple[Any, Any]:
    engine = create_engine(url)
    await upgrade(engine)
    sessionmaker = create_sessionmaker(engine)
    data = shared_data()
    await registry.import_regions(UnitOfWork(sessionmaker), data / "regions.csv")
    await registry.import_offices(UnitOfWork(sessionmaker), data / "offices.csv")
    now = datetime.now(UTC)
    text = SAMPLE_RUBRIC.read_text(encoding="utf-8")
    period = await periods.create_period(
        UnitOfWork(sessionmaker), code="1404-H1", opens_at=now - timedelta(days=3),
        closes_at=now + timedelta(days=10), review_opens_at=now - timedelta(days=3),
        review_closes_at=now + timedelta(days=10), rubric_code=load_rubric(text).code,
        rubric_text=text)
    async with sessionmaker() as session:
        offices = (await session.scalars(select(Office.id).where(
            Office.region_code == FULL).order_by(Office.id).limit(DECLARATIONS))).all()
        for number, office_id in enumerate(offices):
            row = Declaration(office_id=office_id, period_id=period.id, status="submitted",
                              version=1, submitted_at=now - timedelta(minutes=number))
            session.add(row)
            await session.flush()
            session.add_all(Answer(declaration_id=row.id, item_key=key,
                                   value_json=json.dumps(value)) for key, value in
                            ANSWERS.items())
        await session.commit()
    for user_id, region in ((9001, FULL), (9006, EMPTY)):
        await add_staff(UnitOfWork(sessionmaker), platform="telegram", user_id=user_id,
                        role="reviewer", region=region, name="بازبین")
    store = LocalEvidenceStore(folder / "evidence")
    return engine, (sessionmaker, store)


async def measure(url: str, rounds: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        engine, (sessionmaker, store) = await _world(url, Path(folder))
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
        console.mount(root, sessionmaker, Clock(), store)
        runner = web.AppRunner(root, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        base = f"http://127.0.0.1:{runner.addresses[0][1]}{console.PREFIX}"
        times: dict[int, list[float]] = {FULL: [], EMPTY: []}
        try:
            clients = {}
            for user_id, region in ((9001, FULL), (9006, EMPTY)):
                client = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
                token = await issue_link(UnitOfWork(sessionmaker), "telegram", user_id,
                                         datetime.now(UTC))
                async with client.get(f"{base}/login/{token}") as response:
                    page = await response.text()
                    assert response.status == 200, page
                clients[region] = client
            async with clients[FULL].get(base + "/") as response:
                page = await response.text()
            shown = re.search(r"id=\"digest\">([^<]+)<", page)
            rows = page.count('href="/console/d/')
            for _ in range(rounds):
                for region in (FULL, EMPTY):
                    async with clients[region].get(base + "/") as response:
                        await response.read()
                        assert response.status == 200
                    times[region].append(spent[-1])
            for client in clients.values():
                await client.close()
        finally:
            await runner.cleanup()
            await engine.dispose()
    full = statistics.median(times[FULL]) * 1000
    empty = statistics.median(times[EMPTY]) * 1000
    return {"full_ms": full, "empty_ms": empty, "ratio": full / empty, "rows": rows,
            "digest": shown.group(1).strip() if shown else "",
            "p90_full_ms": sorted(times[FULL])[int(rounds * 0.9) - 1] * 1000}


def run(postgres: str | None = None, rounds: int = 40) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as folder:
        results["sqlite"] = asyncio.run(measure(
            f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}", rounds))
    if postgres:
        results["postgresql"] = asyncio.run(measure(postgres, rounds))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="an empty PostgreSQL database (postgresql+asyncpg://…)")
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    for backend, r in run(args.postgres, args.rounds).items():
        print(f"{backend}: queue page of 1,000 submitted: {r['full_ms']:.1f} ms median "
              f"(p90 {r['p90_full_ms']:.1f} ms), empty page {r['empty_ms']:.1f} ms, "
              f"ratio {r['ratio']:.2f}; {r['rows']:.0f} rows shown; "
              f"goal < {GOAL_MS:.0f} ms: {'met' if r['full_ms'] < GOAL_MS else 'NOT met'}")
        print(f"  digest: {r['digest']}")


if __name__ == "__main__":
    main()
