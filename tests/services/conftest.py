"""Service tests: use cases called directly on real SQLite and PostgreSQL, with the demo
registry loaded and a period open."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from demo.local import DATA, load_registry, open_period
from services.accounts import identify
from services.uow import UnitOfWork
from storage.accounts import Actor
from storage.db import create_engine, create_sessionmaker, upgrade
from storage.records import PeriodRecord

NOW = datetime(2025, 10, 25, 8, 30, tzinfo=UTC)  # 1404/08/03 12:00 in Tehran


@dataclass
class World:
    sessionmaker: Any
    period: PeriodRecord
    dialect: str

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.sessionmaker)

    async def person(self, platform: str, user_id: int, first_name: str = "کاربر") -> Actor:
        return await identify(self.uow(), platform, user_id, first_name)


@pytest.fixture
async def world(db_url: str) -> AsyncIterator[World]:
    engine = create_engine(db_url)
    await upgrade(engine)
    sessionmaker = create_sessionmaker(engine)
    app = SimpleNamespace(sessionmaker=sessionmaker)
    await load_registry(app, DATA / "demo_regions.csv", DATA / "demo_offices.csv")  # type: ignore[arg-type]
    period = await open_period(app, "1404-H1", NOW - timedelta(days=3),  # type: ignore[arg-type]
                               NOW + timedelta(days=10))
    try:
        yield World(sessionmaker, period, engine.dialect.name)
    finally:
        await engine.dispose()
