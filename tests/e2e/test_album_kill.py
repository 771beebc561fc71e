"""An album's acknowledgement survives a killed process (issue 20 item 2): the bot is SIGKILLed
inside the quiet moment between an album's last part and its acknowledgement; every file is
stored, and after the restart the owner is answered once, with the whole list."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sandbox.server import Sandbox
from storage.db import create_engine, create_sessionmaker
from storage.models import Evidence
from tests.e2e.conftest import make_jpeg, make_pdf
from tests.reliability.test_sigkill_wizard import _prepare, _start_bot

ACK = "از یک آلبوم دریافت شد"


async def _stored(url: str) -> int:
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session:
        count = await session.scalar(select(func.count()).select_from(Evidence))
    await engine.dispose()
    return count or 0


@pytest.mark.timeout(180)
@pytest.mark.parametrize("platform", ["bale", "telegram"])
async def test_killed_before_the_album_is_acknowledged_loses_nothing(
        tmp_path: Path, platform: str) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    await _prepare(url)
    log = tmp_path / "bot.log"
    async with Sandbox() as sandbox:
        token = sandbox.add_bot(platform)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("PISHKHAN_TELEGRAM_", "PISHKHAN_BALE_"))}
        env.update({"PISHKHAN_DATABASE_URL": url,
                    f"PISHKHAN_{platform.upper()}_TOKEN": token,
                    f"PISHKHAN_{platform.upper()}_API_BASE": sandbox.base_url,
                    "PISHKHAN_EVIDENCE_DIR": str(tmp_path / "evidence"),
                    "PISHKHAN_SEND_HOURS": "00:00-23:59", "PYTHONUNBUFFERED": "1"})
        bot = await asyncio.to_thread(_start_bot, env, log)
        owner = sandbox.user(token, 7311, "زهرا", phone="+989382413657")
        try:
            await owner.share_contact()
            await owner.wait_text("مهلت خوداظهاری", timeout=20)
            await owner.press("✍️ ادامهٔ خوداظهاری")
            await owner.wait_text("پرسش ۱", timeout=20)
            await owner.send_text("85")
            await owner.wait_text("حداکثر", timeout=20)
            await owner.send_album([make_jpeg(color="red"), make_jpeg(color="green"),
                                    {"type": "document", "data": make_pdf("deed"),
                                     "filename": "deed.pdf", "mime_type": "application/pdf"}])
            deadline = time.monotonic() + 20
            while await _stored(url) < 3:  # every part stored: kill inside the quiet moment
                assert time.monotonic() < deadline, "the album's parts were not stored"
                await asyncio.sleep(0.02)
            bot.send_signal(signal.SIGKILL)
            bot.wait(10)
            said = [e.get("text") or "" for e in await owner.transcript()
                    if e["direction"] == "out"]
            assert not any(ACK in text for text in said), "acknowledged before the kill"
            bot = await asyncio.to_thread(_start_bot, env, log)
            try:
                ack = await owner.wait_text(ACK, timeout=60)
            except TimeoutError as error:
                raise AssertionError(log.read_text(errors="replace")[-4000:]) from error
            assert "۳ فایل برای «مساحت مفید دفتر»" in ack["text"]
            assert "۱. عکس" in ack["text"] and "۳. deed.pdf" in ack["text"]
            await asyncio.sleep(3)  # and only once
            said = [e.get("text") or "" for e in await owner.transcript()
                    if e["direction"] == "out"]
            assert sum(ACK in text for text in said) == 1, said
            assert sum("دریافت شد" in text for text in said) == 1, said  # none a part
            assert await _stored(url) == 3
        finally:
            await owner.close()
            bot.kill()
            bot.wait(10)
