"""Kill the bot with SIGKILL in the middle of a 2,000-message broadcast and start it again: no
message is lost, and no more are sent twice than the sender had in flight. Both are counted from
the sandbox's transcripts, through its control API, as another process sees them."""

from __future__ import annotations

import asyncio
import inspect
import json
import math
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

import bot.app
from storage.db import create_engine, create_sessionmaker, upgrade
from storage.models import Outbox

ROOT = Path(__file__).resolve().parents[2]
PER_PLATFORM = 1000
RATE = 400  # messages per second, the sandbox's ceiling and the sender's pace
CHATS = {"telegram": range(7_000_001, 7_000_001 + PER_PLATFORM),
         "bale": range(8_000_001, 8_000_001 + PER_PLATFORM)}


def in_flight_bound(rate: float) -> int:
    """The sender's default in-flight bound per platform (delivery/outbox/)."""
    return max(8, min(32, math.ceil(rate * 0.5)))


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[dict[str, Any]]:
    process = subprocess.Popen([sys.executable, "-m", "sandbox", "--port", "0", "--json"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True)
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 30
        for line in process.stdout:
            if line.startswith("SANDBOX_READY "):
                yield json.loads(line.removeprefix("SANDBOX_READY "))
                break
            if time.monotonic() > deadline:
                raise AssertionError("the sandbox did not start")
        else:
            raise AssertionError("the sandbox exited before it was ready")
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def bot_command() -> list[str]:
    if "background(" in inspect.getsource(bot.app):
        return [sys.executable, "-c", "from cli.main import app; app(['run'])"]
    return [sys.executable, "-m", "tests.reminders.bot_runner"]


async def control(http: aiohttp.ClientSession, base: str, token: str, path: str,
                  body: dict[str, Any] | None = None) -> dict[str, Any]:
    url = f"{base}/sandbox/bots/{token}{path}"
    request = http.post(url, json=body) if body is not None else http.get(url)
    async with request as response:
        answer = await response.json()
    assert answer.get("ok"), answer
    return answer


async def test_sigkill_mid_broadcast_loses_nothing(sandbox: dict[str, Any], tmp_path: Path
                                                   ) -> None:
    base = sandbox["base_url"]
    tokens = {p: sandbox["bots"][p]["token"] for p in CHATS}
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    engine = create_engine(url)
    await upgrade(engine)
    sessions = create_sessionmaker(engine)
    async with sessions() as session:
        for platform, chats in CHATS.items():
            session.add_all(Outbox(platform=platform, chat_id=chat, kind="broadcast",
                                   dedup_key=f"broadcast:{platform}:{chat}",
                                   payload_json=json.dumps({"text": f"یادآوری {chat}"}))
                            for chat in chats)
        await session.commit()

    async def outbox() -> dict[str, int]:
        async with sessions() as session:
            rows = (await session.execute(select(Outbox.status, func.count())
                                          .group_by(Outbox.status))).all()
        return {status: number for status, number in rows}

    env = {**os.environ, "PISHKHAN_DATABASE_URL": url, "PYTHONPATH": str(ROOT),
           "PISHKHAN_TELEGRAM_RATE": str(RATE), "PISHKHAN_BALE_RATE": str(RATE)}
    for platform in CHATS:
        env[f"PISHKHAN_{platform.upper()}_TOKEN"] = tokens[platform]
        env[f"PISHKHAN_{platform.upper()}_API_BASE"] = sandbox["bots"][platform]["api_base"]
    log = (tmp_path / "bot.log").open("w")

    def start() -> subprocess.Popen[bytes]:
        return subprocess.Popen(bot_command(), cwd=tmp_path, env=env, stdout=log,
                                stderr=subprocess.STDOUT)

    async with aiohttp.ClientSession() as http:
        for platform, chats in CHATS.items():
            await control(http, base, tokens[platform], "/users", {"ids": list(chats)})
            await control(http, base, tokens[platform], "/rate_limit", {"per_second": RATE})

        async def sent_total() -> int:
            infos = [await control(http, base, tokens[p], "") for p in CHATS]
            return sum(info["sent_total"] for info in infos)

        first = start()
        try:
            deadline = time.monotonic() + 60
            while await sent_total() < 700:
                assert first.poll() is None, (tmp_path / "bot.log").read_text()[-3000:]
                assert time.monotonic() < deadline, "the broadcast did not start"
                await asyncio.sleep(0.01)
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        finally:
            if first.poll() is None:
                first.kill()
        at_kill = await sent_total()
        in_flight = (await outbox()).get("sending", 0)
        assert at_kill < 2 * PER_PLATFORM, "killed too late: the broadcast was over"

        second = start()
        try:
            deadline = time.monotonic() + 60
            while (await outbox()).get("sent", 0) < 2 * PER_PLATFORM:
                assert second.poll() is None, (tmp_path / "bot.log").read_text()[-3000:]
                assert time.monotonic() < deadline, await outbox()
                await asyncio.sleep(0.1)
        finally:
            second.send_signal(signal.SIGTERM)
            try:
                second.wait(20)
            except subprocess.TimeoutExpired:
                second.kill()
                raise
        assert second.returncode == 0, (tmp_path / "bot.log").read_text()[-3000:]

        lost, duplicates = 0, 0
        for platform, chats in CHATS.items():
            summary = await control(http, base, tokens[platform], "/chats")
            received = {c["chat_id"]: c["out_count"] for c in summary["chats"]}
            lost += sum(1 for chat in chats if received.get(chat, 0) == 0)
            duplicates += sum(max(0, received.get(chat, 0) - 1) for chat in chats)
            sample = await control(http, base, tokens[platform], f"/chats/{chats[0]}/transcript")
            assert sample["entries"][0]["text"] == f"یادآوری {chats[0]}"
    assert await outbox() == {"sent": 2 * PER_PLATFORM}
    await engine.dispose()
    log.close()
    bound = sum(in_flight_bound(RATE) for _ in CHATS)
    print(f"killed after {at_kill} sends with {in_flight} rows in flight: "
          f"{lost} lost, {duplicates} sent twice (bound {bound})")
    assert lost == 0
    assert duplicates <= in_flight <= bound
