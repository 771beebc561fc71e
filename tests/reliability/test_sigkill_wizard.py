"""Kill the bot with SIGKILL in the middle of an owner's declaration, start it again, and count:
every answer the owner sent is there, once, and the wizard goes on from the same step."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from demo.local import DATA, SAMPLE_RUBRIC
from sandbox.server import Sandbox
from storage.db import create_engine, create_sessionmaker, upgrade
from storage.models import Answer, Evidence
from tests.e2e.conftest import make_jpeg

ROOT = Path(__file__).resolve().parents[2]


async def _prepare(url: str) -> None:
    from datetime import UTC, datetime, timedelta

    from scoring.rubric import load_rubric
    from services.periods import create_period
    from services.registry import import_offices, import_regions
    from services.uow import UnitOfWork

    engine = create_engine(url)
    await upgrade(engine)
    sessions = create_sessionmaker(engine)
    await import_regions(UnitOfWork(sessions), DATA / "demo_regions.csv")
    await import_offices(UnitOfWork(sessions), DATA / "demo_offices.csv")
    text = SAMPLE_RUBRIC.read_text(encoding="utf-8")
    now = datetime.now(UTC)
    await create_period(UnitOfWork(sessions), code="1404-H1", opens_at=now - timedelta(days=2),
                        closes_at=now + timedelta(days=10),
                        review_opens_at=now - timedelta(days=2),
                        review_closes_at=now + timedelta(days=10),
                        rubric_code=load_rubric(text).code, rubric_text=text)
    await engine.dispose()


def _start_bot(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("ab")
    process = subprocess.Popen([sys.executable, "-m", "cli", "run"], env=env, cwd=ROOT,
                               stdout=handle, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while "polling" not in log.read_text(encoding="utf-8", errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(f"the bot did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)
    return process


async def _answers(url: str) -> dict[str, object]:
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session:
        rows = (await session.execute(select(Answer.item_key, Answer.value_json))).all()
        files = (await session.scalars(select(Evidence.item_key))).all()
    await engine.dispose()
    return {"answers": {k: json.loads(v) for k, v in rows}, "files": sorted(files)}


@pytest.mark.timeout(180)
async def test_sigkill_mid_wizard_loses_nothing(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    await _prepare(url)
    log = tmp_path / "bot.log"
    async with Sandbox() as sandbox:
        token = sandbox.add_bot("bale")
        env = {**os.environ, "PISHKHAN_DATABASE_URL": url, "PISHKHAN_BALE_TOKEN": token,
               "PISHKHAN_BALE_API_BASE": sandbox.base_url,
               "PISHKHAN_EVIDENCE_DIR": str(tmp_path / "evidence"), "PYTHONUNBUFFERED": "1"}
        env.pop("PISHKHAN_TELEGRAM_TOKEN", None)
        bot = await asyncio.to_thread(_start_bot, env, log)
        owner = sandbox.user(token, 7301, "زهرا", phone="+989382413657")
        try:
            await owner.share_contact()
            await owner.wait_text("مهلت خوداظهاری", timeout=20)
            await owner.press("✍️ ادامهٔ خوداظهاری")
            await owner.wait_text("پرسش ۱", timeout=20)
            await owner.send_text("85")
            await owner.wait_text("حداکثر", timeout=20)
            await owner.send_photo(make_jpeg())
            await owner.wait_text("فایل دریافت شد", timeout=20)
            await owner.press("✅ تمام")
            await owner.wait_text("پرسش ۲", timeout=20)
            # The next answer arrives and the process dies at once, before or while handling it.
            await owner.send_text("علی رضایی")
            bot.send_signal(signal.SIGKILL)
            bot.wait(10)
            bot = await asyncio.to_thread(_start_bot, env, log)
            # The update the dead process had not confirmed is delivered again and handled.
            await owner.wait_text("علی رضایی", timeout=30)
            state = await _answers(url)
            assert state["answers"]["area"] == 85
            assert [m["name"] for m in state["answers"]["staff"]] == ["علی رضایی"]
            assert state["files"] == ["area"]
            # And the wizard goes on from the same step.
            await owner.send_command("/start")
            await owner.wait_text("مهلت خوداظهاری", timeout=20)
            await owner.press("✍️ ادامهٔ خوداظهاری")
            resumed = await owner.wait_text("کارکنان دفتر", timeout=20)
            assert "۱ نفر" in resumed["text"]
        finally:
            await owner.close()
            bot.kill()
            bot.wait(10)
