"""The registry imported while the bot reads it, and by two operators at once."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select

from services import registry
from services.errors import Invalid
from services.uow import UnitOfWork
from storage.models import Office, Province, Region
from tests.admin.conftest import DATA, count, twice


async def test_offices_before_regions_are_refused(uow: UnitOfWork) -> None:
    with pytest.raises(Invalid) as refused:
        await registry.import_offices(uow, DATA / "demo_offices.csv")
    assert refused.value.code == "registry-no-regions"


async def test_two_imports_at_once_write_the_registry_once(sessionmaker: Any,
                                                          registry_files: Any) -> None:
    regions, offices = registry_files
    first = await twice(sessionmaker,
                        lambda: registry.import_regions(UnitOfWork(sessionmaker), regions))
    assert sorted((r.inserted, r.unchanged) for r in first) == [(0, 9), (9, 0)]
    assert await count(sessionmaker, Province) == 31
    reports = await twice(sessionmaker,
                          lambda: registry.import_offices(UnitOfWork(sessionmaker), offices))
    assert all(r.written for r in reports)
    assert sorted((r.inserted, r.unchanged) for r in reports) == [(0, 7943), (7943, 0)]
    assert await count(sessionmaker, Office) == 7943 and await count(sessionmaker, Region) == 9


# PostgreSQL only: SQLite has one writer, so a read during the import runs before or after it.
@pytest.mark.parametrize("db_url", [pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
async def test_the_bot_reads_the_old_registry_or_the_new_one_never_half(
        sessionmaker: Any, registry_files: Any) -> None:
    regions, offices = registry_files
    await registry.import_regions(UnitOfWork(sessionmaker), regions)
    seen: set[int] = set()
    importing = asyncio.create_task(registry.import_offices(UnitOfWork(sessionmaker), offices))
    while not importing.done():  # what an owner's /start reads meanwhile
        async with sessionmaker() as session:
            seen.add(int(await session.scalar(select(func.count()).select_from(Office)) or 0))
        await asyncio.sleep(0)
    assert (await importing).inserted == 7943
    assert seen <= {0, 7943}
