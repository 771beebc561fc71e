"""Import the 7,943-office registry into a new SQLite database and print offices per second.

Baseline, in the same run: the bare floor of the same work, `csv.reader` plus one `executemany`
of the raw rows into a plain sqlite3 table (no validation, no ORM). The ratio says what validation,
normalisation and the upsert cost on top of that.

    python -m bench.import
"""

from __future__ import annotations

import asyncio
import csv
import sqlite3
import tempfile
import time
from pathlib import Path

from bench.common import shared_data
from services.registry import import_offices, import_regions
from services.uow import UnitOfWork
from storage.db import create_engine, create_sessionmaker, upgrade


async def _import(folder: Path, db: Path) -> tuple[float, int]:
    engine = create_engine(f"sqlite+aiosqlite:///{db}")
    await upgrade(engine)
    sessions = create_sessionmaker(engine)
    await import_regions(UnitOfWork(sessions), folder / "regions.csv")
    started = time.perf_counter()
    report = await import_offices(UnitOfWork(sessions), folder / "offices.csv")
    elapsed = time.perf_counter() - started
    await engine.dispose()
    return elapsed, report.inserted


def _baseline(folder: Path, db: Path) -> float:
    started = time.perf_counter()
    with (folder / "offices.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))[1:]
    connection = sqlite3.connect(db)
    connection.execute("create table o (a, b, c, d, e, f, g, h)")
    connection.executemany("insert into o values (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    connection.commit()
    connection.close()
    return time.perf_counter() - started


def run() -> dict[str, float]:
    folder = shared_data()
    with tempfile.TemporaryDirectory() as tmp:
        baseline = _baseline(folder, Path(tmp) / "floor.db")
        elapsed, count = asyncio.run(_import(folder, Path(tmp) / "bench.db"))
    return {"offices": count, "seconds": elapsed, "per_second": count / elapsed,
            "baseline_seconds": baseline, "ratio": elapsed / baseline}


def main() -> None:
    r = run()
    print(f"import: {r['offices']:.0f} offices in {r['seconds']:.2f} s "
          f"= {r['per_second']:,.0f} offices/s (goal: the whole file under 3 s: "
          f"{'met' if r['seconds'] < 3 else 'NOT met'})")
    print(f"baseline (csv.reader + sqlite3 executemany, no validation): "
          f"{r['baseline_seconds']:.3f} s; ratio {r['ratio']:.1f}x")


if __name__ == "__main__":
    main()
