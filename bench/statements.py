"""One hot statement of an update, through SQLAlchemy's session and through `storage.db.run`.

The wizard's reads of an owner's draft (`_DECLARATION`, `_ANSWERS`, `_EVIDENCE`) on a declaration
with every answer filled, on the embedded SQLite, each run `--times` times in one session:
`session.execute(...).all()` is the baseline, `run(...)` (compiled once, straight on the driver's
connection) the figure, both in the same process on the same file.

    python -m bench.statements [--times 3000]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from storage import declarations as decl
from storage.db import create_engine, create_sessionmaker, run, upgrade
from storage.models import Answer, Declaration, Evidence, Office, Period, Region


async def _seed(session: Any) -> int:
    now = datetime(2025, 10, 25, tzinfo=UTC)
    await session.execute(insert(Region).values(code=1, name_fa="تهران", name_en="Tehran"))
    office = Office(code="1001", name="دفتر", office_type="urban", region_code=1,
                    province="تهران", city="تهران", holder_name="مالک", holder_phone="09120000000")
    period = Period(code="1404-H1", opens_at=now, closes_at=now, review_opens_at=now,
                    review_closes_at=now, rubric_code="sample", rubric_text="")
    session.add_all([office, period])
    await session.flush()
    declaration = Declaration(office_id=office.id, period_id=period.id, status="draft")
    session.add(declaration)
    await session.flush()
    for n in range(12):
        session.add(Answer(declaration_id=declaration.id, item_key=f"item{n}",
                           value_json=str(n), updated_at=now))
        session.add(Evidence(declaration_id=declaration.id, item_key=f"item{n}",
                             sha256=f"{n:064d}", size=1000, mime="image/jpeg", filename=None,
                             platform="bale", file_id=f"f{n}", uploaded_at=now))
    await session.commit()
    return declaration.id


async def run_async(times: int = 3000) -> dict[str, float]:
    statements = (decl._DECLARATION, decl._ANSWERS, decl._EVIDENCE)
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
        await upgrade(engine)
        sessions = create_sessionmaker(engine)
        async with sessions() as session:
            key = {"id": await _seed(session)}
        timings = {}
        async with sessions() as session:
            for name, execute in (
                    ("sqlalchemy", lambda s: session.execute(s, key)),
                    ("run", lambda s: run(session, s, key))):
                for statement in statements:  # warm: compiled, cached
                    rows = await execute(statement)
                    if name == "sqlalchemy":
                        rows = rows.all()
                started = time.perf_counter()
                for _ in range(times):
                    for statement in statements:
                        rows = await execute(statement)
                        if name == "sqlalchemy":
                            rows = rows.all()
                timings[name] = (time.perf_counter() - started) / (times * len(statements))
        await engine.dispose()
    return {"sqlalchemy_us": timings["sqlalchemy"] * 1e6, "run_us": timings["run"] * 1e6,
            "ratio": timings["run"] / timings["sqlalchemy"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=3000)
    r = asyncio.run(run_async(parser.parse_args().times))
    print(f"session.execute {r['sqlalchemy_us']:6.1f} µs a statement;  storage.db.run "
          f"{r['run_us']:6.1f} µs;  run / session.execute = {r['ratio']:.2f}")


if __name__ == "__main__":
    main()
