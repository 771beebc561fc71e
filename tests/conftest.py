"""Shared fixtures: databases on SQLite and, when configured, PostgreSQL.

PostgreSQL tests run when PISHKHAN_TEST_POSTGRES_URL is set. Under CI=true an unset or unreachable
server fails the run instead of skipping: CI must prove the PostgreSQL path.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.db import create_engine, create_sessionmaker, upgrade

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PG_URL = os.environ.get("PISHKHAN_TEST_POSTGRES_URL")


def _pg_unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(reason)


async def _reset_postgres(url: str) -> None:
    from sqlalchemy import text

    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database URL on each backend."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
    if not PG_URL:
        _pg_unavailable("PISHKHAN_TEST_POSTGRES_URL is not set")
    try:
        await asyncio.wait_for(_reset_postgres(PG_URL), 20)
    except (OSError, TimeoutError) as exc:
        _pg_unavailable(f"cannot reach {PG_URL}: {exc}")
    return PG_URL


@pytest.fixture
async def sessionmaker(db_url: str) -> AsyncIterator[object]:
    """A migrated database on each backend, as an async_sessionmaker."""
    engine = create_engine(db_url)
    await upgrade(engine)
    yield create_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def registry_files() -> tuple[Path, Path]:
    """The shared synthetic registry: (regions.csv, offices.csv)."""
    regions, offices = SHARED_DATA / "regions.csv", SHARED_DATA / "offices.csv"
    assert offices.exists(), f"the shared registry is missing: {offices}"
    return regions, offices
