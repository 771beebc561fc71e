"""Administration's use cases on SQLite and PostgreSQL: the registry, staff roles, the directory,
holidays and periods."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from services.accounts import identify
from services.errors import ServiceError
from services.uow import UnitOfWork
from storage.accounts import Actor

DATA = Path(__file__).resolve().parents[2] / "demo" / "data"


@pytest.fixture
def uow(sessionmaker: Any) -> UnitOfWork:
    return UnitOfWork(sessionmaker)


async def twice(sessionmaker: Any, call: Callable[[], Awaitable[Any]]) -> list[Any]:
    """The same request twice: at once on PostgreSQL (two transactions racing), one after the
    other on SQLite (one writer at a time). Each outcome: a result or the ServiceError."""

    async def caught() -> Any:
        try:
            return await call()
        except ServiceError as error:
            return error

    if sessionmaker.kw["bind"].dialect.name == "postgresql":
        # Two connections ready first: neither call waits to connect while the other runs on.
        async with sessionmaker() as one, sessionmaker() as two:
            await one.execute(text("SELECT 1"))
            await two.execute(text("SELECT 1"))
        return list(await asyncio.gather(caught(), caught()))
    return [await caught(), await caught()]


async def count(sessionmaker: Any, model: type, *where: Any) -> int:
    async with sessionmaker() as session:
        return int(await session.scalar(
            select(func.count()).select_from(model).where(*where)) or 0)


async def person(sessionmaker: Any, user_id: int, *, hq: bool = False) -> Actor:
    """An account as the bot sees it; with `hq`, holding headquarters' role."""
    from services.staff import add_staff

    if hq:
        await add_staff(UnitOfWork(sessionmaker), platform="telegram", user_id=user_id,
                        role="hq", name="ستاد")
    return await identify(UnitOfWork(sessionmaker), "telegram", user_id)
