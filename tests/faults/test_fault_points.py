"""The fault suite: the bot is killed (SIGKILL) at every fault point of the evidence, linking,
submit and review paths, started again, and the platform's update handled from the inbox.

Points covered (`storage.faults.POINTS`, each fired once per backend, SQLite and PostgreSQL):

- evidence.downloaded  the file's bytes in memory, nothing checked or stored
- evidence.checked     checked by its bytes, not yet in the evidence store
- evidence.stored      in the store (fsync, atomic rename), no row committed
- evidence.committed   the row and the update's done mark committed, no reply yet
- linking.taken        the one-time code taken and the link written, not committed
- linking.committed    the link committed, no reply yet
- submit.moved         moved to submitted with its audit row, not committed
- submit.committed     the submission committed, no reply yet
- review.moved         confirmed with its audit and outbox rows, not committed
- review.committed     the confirmation committed, no reply yet

One process is started with every point armed; each time it dies the harness starts it
again with the points not yet fired, so one update walks all the points of its path: the
restarted process takes it from the inbox (its lease, shortened here to 1 s, runs out) and
dies at the next point. After a point before the commit the update is handled again and the
person answered. After a `*.committed` point the update is done: it is not handled twice, and
the person's reply was lost with the process; what they do next (the same file again, the same
tap, /start) is answered and changes nothing. Then, for every path: one row, one audit row.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sandbox.server import Sandbox
from storage.db import create_engine, create_sessionmaker
from storage.faults import POINTS
from storage.models import AccountOffice, AuditLog, Declaration, Evidence, LinkCode
from tests.e2e.conftest import make_jpeg
from tests.faults.harness import Bot, prepare, start_zygote

PHOTO = make_jpeg(color="navy", width=70)


async def _counts(url: str, ids: dict[str, object]) -> dict[str, object]:
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session:
        def count(*where: object) -> object:
            return session.scalar(select(func.count()).select_from(where[0]).where(*where[1:]))

        status = select(AuditLog).where(AuditLog.action == "declaration.status")
        found = {
            "links": await count(AccountOffice, AccountOffice.via == "code"),
            "code_used": await session.scalar(select(LinkCode.used_at.is_not(None))),
            "photo": await count(Evidence, Evidence.item_key == "area",
                                 Evidence.size == len(PHOTO)),
            "submitted": await session.scalar(select(Declaration.status).where(
                Declaration.id == ids["draft"])),
            "submit_audits": len((await session.scalars(status.where(
                AuditLog.entity_id == str(ids["draft"]), AuditLog.new == "submitted"))).all()),
            "confirmed": await session.scalar(select(Declaration.status).where(
                Declaration.id == ids["submitted"])),
            "confirm_audits": len((await session.scalars(status.where(
                AuditLog.entity_id == str(ids["submitted"]), AuditLog.new == "confirmed"))).all()),
        }
    await engine.dispose()
    return found


@pytest.fixture(scope="module")
def zygote() -> Iterator[subprocess.Popen[bytes]]:
    """One import of the bot for both backends' chains (see tests/faults/zygote.py)."""
    process = start_zygote()
    yield process
    process.kill()
    process.wait(10)


@pytest.mark.timeout(240)
async def test_killed_at_every_fault_point_nothing_lost_nothing_doubled(
        db_url: str, tmp_path: Path, zygote: subprocess.Popen[bytes]) -> None:
    started = time.monotonic()
    ids = await prepare(db_url, tmp_path / "evidence")
    async with Sandbox() as sandbox:
        token = sandbox.add_bot("bale")
        env = {**os.environ, "PISHKHAN_DATABASE_URL": db_url, "PISHKHAN_BALE_TOKEN": token,
               "PISHKHAN_BALE_API_BASE": sandbox.base_url, "PISHKHAN_INBOX_LEASE_SECONDS": "1",
               "PISHKHAN_EVIDENCE_DIR": str(tmp_path / "evidence"), "PYTHONUNBUFFERED": "1"}
        env.pop("PISHKHAN_TELEGRAM_TOKEN", None)
        bot = Bot(env, tmp_path, armed=list(POINTS), zygote=zygote)
        await asyncio.to_thread(bot.start)
        owner = sandbox.user(token, 7401, "زهرا", phone="+989382413657")
        other = sandbox.user(token, 7402, "رضا")
        reviewer = sandbox.user(token, 7407, "مریم")
        try:
            # Linking by a one-time code.
            await owner.send_command("/start")
            await owner.wait_text("شمارهٔ همراه", timeout=20)
            await owner.send_text(str(ids["code"]))
            fired, reply = await bot.through(lambda: owner.wait_text("متصل شد", timeout=0.4))
            assert fired == ["linking.taken", "linking.committed"] and reply is None
            await owner.send_command("/start")  # nothing came: the owner starts again
            await owner.wait_text("مهلت خوداظهاری", timeout=20)

            # A file for the first question.
            await owner.press("✍️ ادامهٔ خوداظهاری")
            await owner.wait_text("پرسش ۱", timeout=20)
            await owner.send_text("85")
            await owner.wait_text("حداکثر", timeout=20)
            await owner.send_photo(PHOTO)
            fired, reply = await bot.through(lambda: owner.wait_text("فایل دریافت شد",
                                                                     timeout=0.4))
            assert fired == ["evidence.downloaded", "evidence.checked", "evidence.stored",
                             "evidence.committed"] and reply is None
            await owner.send_photo(PHOTO)  # nothing came: the owner sends it again
            again = await owner.wait_text("فایل دریافت شد", timeout=20)
            assert "۱ فایل" in again["text"]  # the same bytes, kept once

            # Submitting a complete draft.
            await other.send_command("/start")
            await other.wait_text("مهلت خوداظهاری", timeout=20)
            await other.press("📋 مرور و ارسال")
            await other.wait_text("مرور خوداظهاری", timeout=20)
            await other.press("📤 ارسال خوداظهاری")
            await other.wait_text("ارسال می‌کنید", timeout=20)
            await other.press("✅ بله، ارسال شود")
            fired, reply = await bot.through(lambda: other.wait_text("ثبت شد", timeout=0.4))
            assert fired == ["submit.moved", "submit.committed"] and reply is None
            await other.press("✅ بله، ارسال شود")  # nothing came: the same tap again
            told = await other.wait_text("ارسال کرده است", timeout=20)
            assert "رضا" in told["text"] and "ساعت" in told["text"]

            # A reviewer confirming.
            await reviewer.send_command("/review")
            await reviewer.wait_text("در انتظار بررسی: ۱", timeout=20)
            await reviewer.press("▶️ بررسی از قدیمی‌ترین (۱)")
            await reviewer.wait_text("امتیاز موقت", timeout=20)
            await reviewer.press("✅ تأیید")
            await reviewer.wait_text("تأیید شود؟", timeout=20)
            await reviewer.press("✅ بله، تأیید و پروندهٔ بعدی")
            fired, reply = await bot.through(lambda: reviewer.wait_text("تأیید شد و", timeout=0.4))
            assert fired == ["review.moved", "review.committed"] and reply is None
            await reviewer.press("✅ بله، تأیید و پروندهٔ بعدی")  # the same tap again
            told = await reviewer.wait_callback_answer(timeout=20)
            assert "مریم بازبین" in told["text"] and "تأیید کرده است" in told["text"]
            assert bot.died_at() is None
        finally:
            for user in (owner, other, reviewer):
                await user.close()
            bot.stop()
    assert sorted(bot.fired) == sorted(POINTS), "every point fired once"
    assert await _counts(db_url, ids) == {
        "links": 1, "code_used": True, "photo": 1, "submitted": "submitted",
        "submit_audits": 1, "confirmed": "confirmed", "confirm_audits": 1}
    print(f"fault chain: {bot.starts} starts ({sum(bot.start_times):.1f} s starting), "
          f"{time.monotonic() - started:.1f} s in all")
