"""Operations: /healthz, /readyz and /metrics on the polling mode's own server and on the
webhook's; the counts after a journey through the sandbox; readiness refused when the database
is away, behind the migrations, or no inbox worker runs."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from bot.health import serve_ops
from bot.webhook import build_webhook_app
from bot.webhook_secrets import WebhookSecrets
from delivery.outbox import OutboxSender
from demo.local import World, local_world
from services.clock import Clock
from storage import outbox
from storage.db import create_engine, create_sessionmaker, downgrade, upgrade
from tests.e2e.conftest import FIXED_NOW
from tests.ops.conftest import free_port

OWNER_PHONE = "+989382413657"


def samples(page: str) -> dict[tuple[str, frozenset], float]:
    found: dict[tuple[str, frozenset], float] = {}
    for family in text_string_to_metric_families(page):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def value(page: dict, name: str, **labels: str) -> float:
    return page.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
async def ops(tmp_path: Path) -> AsyncIterator[tuple[World, str]]:
    async with local_world(tmp_path, now=FIXED_NOW) as world:
        port = free_port()
        stop = await serve_ops(world.app.sessionmaker, "127.0.0.1", port)
        try:
            yield world, f"http://127.0.0.1:{port}"
        finally:
            await stop()


async def get(url: str) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        if response.content_type == "application/json":
            return response.status, await response.json()
        return response.status, await response.text()


async def metrics(base: str) -> dict:
    status, page = await get(base + "/metrics")
    assert status == 200
    return samples(page)


async def test_alive_ready_and_counting_after_a_journey(ops: tuple[World, str]) -> None:
    world, base = ops
    assert await get(base + "/healthz") == (200, {"alive": True})
    for _ in range(50):  # the inbox worker's loop has turned once
        status, checks = await get(base + "/readyz")
        if status == 200:
            break
        await asyncio.sleep(0.05)
    assert (status, checks) == (200, {"database": "ok", "migrations": "ok",
                                      "inbox_worker": "ok", "ready": True})

    before = await metrics(base)
    owner = world.user("bale", 7101, "زهرا", phone=OWNER_PHONE)
    await owner.send_command("/start")
    await owner.wait_text("شمارهٔ همراه")
    await owner.share_contact()
    await owner.wait_text("مهلت خوداظهاری")
    await owner.send_text("سلام")  # one more update, whatever the bot answers
    for _ in range(100):
        after = await metrics(base)
        handled = value(after, "pishkhan_updates_total", platform="bale", outcome="handled") - \
            value(before, "pishkhan_updates_total", platform="bale", outcome="handled")
        if handled >= 3:
            break
        await asyncio.sleep(0.05)
    assert handled == 3
    timed = value(after, "pishkhan_update_seconds_count", platform="bale") - \
        value(before, "pishkhan_update_seconds_count", platform="bale")
    assert timed >= 3
    assert value(after, "pishkhan_inbox_depth") == 0
    assert value(after, "pishkhan_parked_updates") == 0
    assert ("pishkhan_outbox_depth", frozenset({("platform", "bale")})) in after

    # The outbox sender counts what went out and, by kind, what did not.
    async with world.session() as session:
        await outbox.enqueue(session, platform="bale", chat_id=7101, kind="test", text="سلام")
        await outbox.enqueue(session, platform="bale", chat_id=987654321, kind="test",
                             text="nobody")
        await session.commit()
    assert value(await metrics(base), "pishkhan_outbox_depth", platform="bale") == 2
    sender = OutboxSender.from_app(world.app, exclusive=False)
    await sender.drain_once()
    final = await metrics(base)
    assert value(final, "pishkhan_sent_messages_total", platform="bale") - \
        value(after, "pishkhan_sent_messages_total", platform="bale") == 1
    assert value(final, "pishkhan_send_errors_total", platform="bale", kind="unreachable") - \
        value(after, "pishkhan_send_errors_total", platform="bale", kind="unreachable") == 1
    assert value(final, "pishkhan_outbox_depth", platform="bale") == 0


async def test_not_ready_when_the_database_is_down() -> None:
    port = free_port()  # nothing listens there
    engine = create_engine(f"postgresql+asyncpg://nobody@127.0.0.1:{port}/gone")
    web_port = free_port()
    stop = await serve_ops(create_sessionmaker(engine), "127.0.0.1", web_port)
    try:
        base = f"http://127.0.0.1:{web_port}"
        status, checks = await get(base + "/readyz")
        assert status == 503 and checks["ready"] is False
        assert checks["database"].startswith("unreachable")
        assert await get(base + "/healthz") == (200, {"alive": True})  # alive all the same
        assert (await get(base + "/metrics"))[0] == 200  # the counters, without the depths
    finally:
        await stop()
        await engine.dispose()


async def test_not_ready_behind_the_migrations_or_without_a_worker(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    await upgrade(engine)
    await downgrade(engine, "-1")
    bots: list[Any] = []
    app = SimpleNamespace(bots=bots, sessionmaker=create_sessionmaker(engine), clock=Clock(),
                          settings=SimpleNamespace(webhook_rate_per_minute=600))
    secrets = WebhookSecrets(path="bale-path-secret-0123456789", telegram="tg_secret-token-1")
    web_app = build_webhook_app(app, secrets, asyncio.Event())  # type: ignore[arg-type]
    async with TestClient(TestServer(web_app)) as client:  # the webhook's own server
        assert (await client.get("/healthz")).status == 200
        response = await client.get("/readyz")
        checks = await response.json()
        assert response.status == 503
        assert checks["database"] == "ok"
        assert checks["migrations"].startswith("at ") and checks["inbox_worker"] == "not running"
        page = await (await client.get("/metrics")).text()
        assert "pishkhan_updates_total" in page or "pishkhan_updates" in page
        await upgrade(engine)
        checks = await (await client.get("/readyz")).json()
        assert checks["migrations"] == "ok"
    await engine.dispose()


async def test_polling_mode_serves_them_on_its_own_port(tmp_path: Path) -> None:
    import logging

    from bot.app import run_polling
    from sandbox.server import Sandbox
    from settings import Settings

    sandbox = Sandbox()
    token = sandbox.add_bot("bale")
    await sandbox.start()
    port = free_port()
    settings = Settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{tmp_path / 'p.db'}",
                        bale_token=token, bale_api_base=sandbox.base_url,
                        evidence_dir=tmp_path / "evidence", ops_port=port)
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    ready = asyncio.Event()
    task = asyncio.create_task(run_polling(settings, ready=ready, handle_signals=False))
    try:
        await asyncio.wait_for(ready.wait(), 30)
        base = f"http://127.0.0.1:{port}"
        assert await get(base + "/healthz") == (200, {"alive": True})
        for _ in range(50):
            status, checks = await get(base + "/readyz")
            if status == 200:
                break
            await asyncio.sleep(0.1)
        assert status == 200 and checks["ready"] is True
        assert "pishkhan_inbox_depth" in (await get(base + "/metrics"))[1]
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        for handler in root.handlers:
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
        await sandbox.stop()
    with pytest.raises(aiohttp.ClientConnectionError):  # stopped with the bot
        await get(f"http://127.0.0.1:{port}/healthz")
