"""Webhook mode, on SQLite and PostgreSQL: the process is killed (SIGKILL) while an evidence
file is in flight (its bytes downloaded, nothing checked or stored: `evidence.downloaded`),
after the 200 went back to the platform. The restarted worker handles the update from the
inbox and the owner is told the file was received, once. Then the platform replays that
update, to the restarted worker and to another worker on the same database: the unique
`(platform, bot_id, update_id)` keeps it once, nobody is answered twice, one file row."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import time
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import func, select

from bench.cluster import free_port
from bot.webhook import webhook_path
from bot.webhook_secrets import from_shared
from sandbox.server import Sandbox
from storage.db import create_engine, create_sessionmaker
from storage.models import Evidence
from storage.models_inbox import InboxUpdate
from tests.e2e.conftest import make_jpeg
from tests.faults.harness import Bot, prepare

PHOTO = make_jpeg(color="teal", width=72)



async def _photo_update(url: str) -> tuple[str, int]:
    """The kept update carrying the photo (its JSON as the platform sent it), and the rows
    of the evidence table with its size."""
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session:
        payload = await session.scalar(select(InboxUpdate.payload).where(
            InboxUpdate.payload.contains('"photo"')))
        files = await session.scalar(select(func.count()).select_from(Evidence).where(
            Evidence.size == len(PHOTO)))
    await engine.dispose()
    assert payload is not None
    return payload, int(files or 0)


@pytest.mark.timeout(180)
async def test_killed_mid_download_in_webhook_mode_then_replayed_here_and_elsewhere(
        db_url: str, tmp_path: Path, zygote: subprocess.Popen[bytes]) -> None:
    started = time.monotonic()
    ids = await prepare(db_url, tmp_path / "evidence")
    secret = secrets.token_urlsafe(24)
    port, other_port = free_port(), free_port()
    async with Sandbox() as sandbox:
        token = sandbox.add_bot("bale")
        env = {**os.environ, "PISHKHAN_DATABASE_URL": db_url, "PISHKHAN_BALE_TOKEN": token,
               "PISHKHAN_BALE_API_BASE": sandbox.base_url, "PISHKHAN_INBOX_LEASE_SECONDS": "1",
               "PISHKHAN_EVIDENCE_DIR": str(tmp_path / "evidence"), "PYTHONUNBUFFERED": "1",
               "PISHKHAN_WEBHOOK_BASE_URL": f"http://127.0.0.1:{port}",
               "PISHKHAN_WEBHOOK_SECRET": secret}
        env.pop("PISHKHAN_TELEGRAM_TOKEN", None)
        bot = Bot(env, tmp_path, armed=["evidence.downloaded"], zygote=zygote,
                  webhook_port=port)
        other = Bot({**env, "PISHKHAN_WEBHOOK_BASE_URL": f"http://127.0.0.1:{other_port}"},
                    tmp_path / "other", armed=[], zygote=zygote, webhook_port=other_port)
        (tmp_path / "other").mkdir()
        await asyncio.to_thread(bot.start)
        owner = sandbox.user(token, 7411, "زهرا")
        try:
            await owner.send_command("/start")
            await owner.wait_text("شمارهٔ همراه", timeout=20)
            await owner.send_text(str(ids["code"]))
            await owner.wait_text("متصل شد", timeout=20)
            await owner.wait_text("مهلت خوداظهاری", timeout=20)
            await owner.press("✍️ ادامهٔ خوداظهاری")
            await owner.wait_text("پرسش ۱", timeout=20)
            await owner.send_text("85")
            await owner.wait_text("حداکثر", timeout=20)
            await owner.send_photo(PHOTO)
            fired, reply = await bot.through(lambda: owner.wait_text("فایل دریافت شد",
                                                                     timeout=0.4))
            assert fired == ["evidence.downloaded"] and "۱ فایل" in reply["text"]
            payload, files = await _photo_update(db_url)
            assert files == 1

            # The platform replays the update: to the restarted worker, and to another one
            # (the webhook's new address, as after a move), both on the same database.
            await asyncio.to_thread(other.start)
            path = webhook_path("bale", from_shared(secret))
            async with aiohttp.ClientSession() as http:
                for target in (port, other_port, port):
                    async with http.post(f"http://127.0.0.1:{target}{path}", data=payload,
                                         headers={"Content-Type": "application/json"}) as got:
                        assert got.status == 200
            await asyncio.sleep(3)  # past the lease: anything kept twice would be handled
            received = [e for e in await owner.transcript()
                        if e["direction"] == "out" and "فایل دریافت شد" in (e["text"] or "")]
            assert len(received) == 1, received
            assert (await _photo_update(db_url))[1] == 1
            assert bot.died_at() is None and other.died_at() is None
        finally:
            await owner.close()
            bot.stop()
            other.stop()
    print(f"webhook fault: {bot.starts} starts, {time.monotonic() - started:.1f} s in all")
