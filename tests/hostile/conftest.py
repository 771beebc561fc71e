"""The hostile corpus: each case an input, the expected answer, and the check that nothing
changed. Service-level cases use the service tests' `world` (the demo registry and an open
period) and the in-process `harness`; update-level cases run the real application and the
sandbox (`any_world`, on SQLite and PostgreSQL, which refuses what SQLite lets through: NUL;
`sandbox_world`, on SQLite)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from demo.local import World as LocalWorld
from demo.local import local_world
from tests.e2e.conftest import FIXED_NOW, migrated_db_url
from tests.handlers.conftest import Harness, harness, texts
from tests.services.conftest import NOW, World, world

__all__ = ["NOW", "Harness", "World", "harness", "migrated_db_url", "texts", "world"]


@pytest.fixture
async def any_world(migrated_db_url: str, tmp_path: Path) -> AsyncIterator[LocalWorld]:
    async with local_world(tmp_path, database_url=migrated_db_url, now=FIXED_NOW) as found:
        yield found


@pytest.fixture
async def sandbox_world(tmp_path: Path) -> AsyncIterator[LocalWorld]:
    async with local_world(tmp_path, now=FIXED_NOW) as found:
        yield found
