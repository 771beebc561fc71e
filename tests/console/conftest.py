"""The console's world: the review's world (demo registry, an open period, reviewers of regions
4 and 7) with the staff console served over real HTTP on a free port."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

import console
from demo.local import World, local_world
from services.console_auth import issue_link
from storage.db import create_engine, upgrade
from tests.review.conftest import FIXED_NOW, REVIEWER_4, REVIEWER_7, make_staff


@dataclass
class Served:
    world: World
    base: str  # http://127.0.0.1:<port>/console

    async def link(self, who: tuple[str, int]) -> str:
        token = await issue_link(self.world.uow(), who[0], who[1], self.world.clock.now())
        return f"{self.base}/login/{token}"


async def serve_console(world: World, usernames: dict[str, str] | None = None
                        ) -> tuple[web.AppRunner, str]:
    root = web.Application()
    console.mount(root, world.app.sessionmaker, world.clock,
                  world.app.services["evidence_store"], usernames=usernames)
    runner = web.AppRunner(root)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}{console.PREFIX}"


@asynccontextmanager
async def console_world(folder: Path, database_url: str | None = None,
                        usernames: dict[str, str] | None = None) -> AsyncIterator[Served]:
    if database_url is not None and not database_url.startswith("sqlite"):
        engine = create_engine(database_url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()
    async with local_world(folder, database_url=database_url, now=FIXED_NOW) as world:
        await make_staff(world, REVIEWER_4, "reviewer", region=4)
        await make_staff(world, REVIEWER_7, "reviewer", region=7)
        runner, base = await serve_console(world, usernames)
        try:
            yield Served(world, base)
        finally:
            await runner.cleanup()


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    """On SQLite."""
    async with console_world(tmp_path) as found:
        yield found


@pytest.fixture
async def served_db(tmp_path: Path, db_url: str) -> AsyncIterator[Served]:
    """On SQLite and on PostgreSQL."""
    async with console_world(tmp_path, db_url) as found:
        yield found


async def signed_in(client: aiohttp.ClientSession, link: str) -> str:
    """Open the link in a cookie-keeping client; the CSRF token of the queue page."""
    async with client.get(link) as response:
        assert response.status == 200, await response.text()
        page = await response.text()
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found
    return found.group(1)


def browser_client() -> aiohttp.ClientSession:
    """A browser-like client: it keeps cookies for 127.0.0.1 (aiohttp's default jar does not)."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
