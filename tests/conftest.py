"""Shared fixtures: databases on SQLite and, when configured, PostgreSQL.

PostgreSQL tests run when PISHKHAN_TEST_POSTGRES_URL is set. Under CI=true an unset or unreachable
server fails the run instead of skipping: CI must prove the PostgreSQL path.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bench.common import shared_data
from storage.db import create_engine, create_sessionmaker, upgrade

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = shared_data()
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


_OWN_DATABASE: dict[str, str] = {}


async def _own_postgres_database() -> str:
    """A database of this test run's own, so that runs on one server never share tables."""
    if "url" in _OWN_DATABASE:
        return _OWN_DATABASE["url"]
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    assert PG_URL is not None
    name = f"pishkhan_test_{os.getpid()}"
    admin = create_engine(PG_URL).execution_options(isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.dispose()
    _OWN_DATABASE["url"] = make_url(PG_URL).set(database=name).render_as_string(
        hide_password=False)
    return _OWN_DATABASE["url"]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database URL on each backend."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'test.db'}"
    return await _postgres_url()


@pytest.fixture
async def postgres_url() -> str:
    """An empty PostgreSQL database, for what only PostgreSQL can show (two writers at once);
    unreachable under CI is a failure, as for `db_url`."""
    return await _postgres_url()


async def _postgres_url() -> str:
    if not PG_URL:
        _pg_unavailable("PISHKHAN_TEST_POSTGRES_URL is not set")
    try:
        url = await asyncio.wait_for(_own_postgres_database(), 30)
        await asyncio.wait_for(_reset_postgres(url), 20)
    except (OSError, TimeoutError) as exc:
        _pg_unavailable(f"cannot reach {PG_URL}: {exc}")
    return url


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop this run's own PostgreSQL database."""
    if "url" not in _OWN_DATABASE or PG_URL is None:
        return
    from sqlalchemy import text

    async def drop() -> None:
        admin = create_engine(PG_URL).execution_options(isolation_level="AUTOCOMMIT")
        try:
            async with admin.connect() as conn:
                await conn.execute(text(
                    f'DROP DATABASE IF EXISTS "pishkhan_test_{os.getpid()}" WITH (FORCE)'))
        finally:
            await admin.dispose()

    try:
        asyncio.run(drop())
    except Exception as exc:  # a leftover test database is harmless; say so and go on
        print(f"could not drop the test database: {exc}")


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


class _EveryLine(logging.Handler):
    """Every log line of the run, as a handler would write it (with exception text)."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # a record that cannot be formatted is the test's concern, not ours
            self.lines.append(str(record.msg))


@pytest.fixture(scope="session", autouse=True)
def _no_secret_in_any_log() -> Iterator[None]:
    """The suite's logs contain none of the configured tokens or secrets (issue 19, item 2).

    Every secret any application of this run was configured with (`bot.redact` remembers
    them) is searched for in every line logged at INFO and above by the bot's own loggers and
    aiohttp's access and server logs, and at WARNING and above by everything else (aiogram's
    INFO line per update would only slow the run).
    """
    from bot import redact

    collector = _EveryLine()
    root = logging.getLogger()
    root.addHandler(collector)
    loud = ["bot", "delivery", "handlers", "services", "storage", "aiohttp.access",
            "aiohttp.server"]
    levels = {name: logging.getLogger(name).level for name in loud}
    for name in loud:
        logging.getLogger(name).setLevel(logging.INFO)
    try:
        yield
    finally:
        root.removeHandler(collector)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
    secrets = sorted(redact.REDACTOR.secrets, key=len, reverse=True)
    if not secrets:
        return
    search = re.compile("|".join(re.escape(secret) for secret in secrets))
    # Shown without the secret itself: the report must not become the leak.
    leaks = [search.sub("«secret»", line)[:300] for line in collector.lines
             if search.search(line)]
    assert not leaks, f"{len(leaks)} log lines show a configured secret: {leaks[:5]}"
