"""Hostile cases run against the real application and sandbox, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from demo.local import World, local_world
from tests.e2e.conftest import FIXED_NOW, migrated_db_url, world  # noqa: F401


@pytest.fixture
async def any_world(migrated_db_url: str, tmp_path: Path) -> AsyncIterator[World]:  # noqa: F811

    """The e2e world on each backend (PostgreSQL refuses what SQLite lets through: NUL)."""
    async with local_world(tmp_path, database_url=migrated_db_url, now=FIXED_NOW) as found:
        yield found
