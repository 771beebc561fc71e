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

Phase 1 arms every point before a commit: each time the process dies the harness starts it
again (forked from one import, tests/faults/zygote.py) with the points not yet fired, so one
update walks all the points of its path: the restarted process takes it from the inbox (its
lease, shortened here to 1 s, runs out), dies at the next point, and in the end handles it and
answers the person. Phase 2 arms the `*.committed` points: there the update's change is
committed but its reply is not sent (its inbox row `replying`), so the restarted process
handles it again once the lease runs out; the use case finds its change made and refuses or
changes nothing, and the person is answered with that, without acting again: the link code
"linked to office X" (the code redeemed by this same account), the file "received" (kept once),
"already submitted by نرگس at …", "already confirmed by مریم بازبین". Then, for every path:
one row, one audit row, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sandbox.server import Sandbox
from storage.db import create_engine, create_sessionmaker
from storage.faults import POINTS
from storage.models import AccountOffice, AuditLog, Declaration, Evidence, LinkCode
from tests.e2e.conftest import make_jpeg
from tests.faults.harness import Bot, prepare

PHOTOS = (make_jpeg(color="navy", width=70), make_jpeg(color="olive", width=71))


async def _counts(url: str, ids: dict[str, object]) -> dict[str, object]:
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session:
        def count(*where: object) -> object:
            return session.scalar(select(func.count()).select_from(where[0]).where(*where[1:]))

        status = select(AuditLog).where(AuditLog.action == "declaration.status")
        found = {
            "links": await count(AccountOffice, AccountOffice.via == "code"),
            "codes_used": await count(LinkCode, LinkCode.used_at.is_not(None)),
            "link_audits": await count(AuditLog, AuditLog.action == "account.link"),
            "photos": [await count(Evidence, Evidence.item_key == "area",
                                   Evidence.size == len(photo)) for photo in PHOTOS],
            "submitted": [await session.scalar(select(Declaration.status).where(
                Declaration.id == ids[key])) for key in ("draft", "draft2")],
            "submit_audits": [len((await session.scalars(status.where(
                AuditLog.entity_id == str(ids[key]), AuditLog.new == "submitted"))).all())
                for key in ("draft", "draft2")],
            "confirmed": [await session.scalar(select(Declaration.status).where(
                Declaration.id == ids[key])) for key in ("submitted", "submitted2")],
            "confirm_audits": [len((await session.scalars(status.where(
                AuditLog.entity_id == str(ids[key]), AuditLog.new == "confirmed"))).all())
                for key in ("submitted", "submitted2")],
        }
    await engine.dispose()
    return found



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
        bot = Bot(env, tmp_path, armed=[p for p in POINTS if not p.endswith(".committed")],
                  zygote=zygote)
        await asyncio.to_thread(bot.start)
        owner = sandbox.user(token, 7401, "زهرا", phone="+989382413657")
        other = sandbox.user(token, 7402, "رضا")
        reviewer = sandbox.user(token, 7407, "مریم")
        late = sandbox.user(token, 7403, "سارا")  # a second link code
        third = sandbox.user(token, 7404, "نرگس")  # a second complete draft
        try:
            # Phase 1: the points before each path's commit; the update is handled again.
            await owner.send_command("/start")
            await owner.wait_text("شمارهٔ همراه", timeout=20)
            await owner.send_text(str(ids["code"]))
            fired, reply = await bot.through(lambda: owner.wait_text("متصل شد", timeout=0.4))
            assert fired == ["linking.taken"] and reply is not None
            await owner.wait_text("مهلت خوداظهاری", timeout=20)
            await owner.press("✍️ ادامهٔ خوداظهاری")
            await owner.wait_text("پرسش ۱", timeout=20)
            await owner.send_text("85")
            await owner.wait_text("حداکثر", timeout=20)
            await owner.send_photo(PHOTOS[0])
            fired, reply = await bot.through(lambda: owner.wait_text("فایل دریافت شد",
                                                                     timeout=0.4))
            assert fired == ["evidence.downloaded", "evidence.checked", "evidence.stored"]
            assert reply is not None and "۱ فایل" in reply["text"]

            await other.send_command("/start")
            await other.wait_text("مهلت خوداظهاری", timeout=20)
            await other.press("📋 مرور و ارسال")
            await other.wait_text("مرور خوداظهاری", timeout=20)
            await other.press("📤 ارسال خوداظهاری")
            await other.wait_text("ارسال می‌کنید", timeout=20)
            await other.press("✅ بله، ارسال شود")
            fired, reply = await bot.through(lambda: other.wait_text("ثبت شد", timeout=0.4))
            assert fired == ["submit.moved"] and reply is not None

            await reviewer.send_command("/review")
            await reviewer.wait_text("در انتظار بررسی: ۲", timeout=20)
            await reviewer.press("▶️ بررسی از قدیمی‌ترین (۲)")
            await reviewer.wait_text("شیراز", timeout=20)
            await reviewer.press("✅ تأیید")
            await reviewer.wait_text("تأیید شود؟", timeout=20)
            await reviewer.press("✅ بله، تأیید و پروندهٔ بعدی")
            fired, reply = await bot.through(lambda: reviewer.wait_text("تأیید شد و",
                                                                        timeout=0.4))
            assert fired == ["review.moved"] and reply is not None
            await reviewer.wait_text("بوشهر", timeout=20)  # and the next one is opened

            # Phase 2: the points after each commit. The update is done with its change; the
            # reply died with the process. The restarted bot handles it again (done, not
            # answered): the change is not made twice, and the person is answered without
            # doing anything, with what the state now says.
            await asyncio.to_thread(bot.rearm, [p for p in POINTS if p.endswith(".committed")])
            await late.send_command("/start")
            await late.wait_text("شمارهٔ همراه", timeout=20)
            await late.send_text(str(ids["code2"]))
            # Linked now: the re-run finds the code redeemed by this same account and says so
            # (no second link or audit row), not a generic "no question now".
            fired, reply = await bot.through(lambda: late.wait_text("متصل شد", timeout=0.4))
            assert fired == ["linking.committed"] and "۱۶۵۹۸۴۴۶" in reply["text"]
            await late.send_command("/start")
            assert "آمل" in (await late.wait_text("مهلت خوداظهاری", timeout=20))["text"]

            await owner.send_photo(PHOTOS[1])
            fired, reply = await bot.through(lambda: owner.wait_text("فایل دریافت شد",
                                                                     timeout=0.4))
            assert fired == ["evidence.committed"] and "۲ فایل" in reply["text"]
            await owner.send_photo(PHOTOS[1])  # the same file again: kept once
            assert "۲ فایل" in (await owner.wait_text("فایل دریافت شد", timeout=20))["text"]

            await third.send_command("/start")
            await third.wait_text("مهلت خوداظهاری", timeout=20)
            await third.press("📋 مرور و ارسال")
            await third.wait_text("مرور خوداظهاری", timeout=20)
            await third.press("📤 ارسال خوداظهاری")
            await third.wait_text("ارسال می‌کنید", timeout=20)
            await third.press("✅ بله، ارسال شود")
            fired, reply = await bot.through(lambda: third.wait_text("ارسال کرده است",
                                                                     timeout=0.4))
            assert fired == ["submit.committed"]
            assert "نرگس" in reply["text"] and "ساعت" in reply["text"]

            await reviewer.press("✅ تأیید")
            await reviewer.wait_text("تأیید شود؟", timeout=20)
            await reviewer.press("✅ بله، تأیید و پروندهٔ بعدی")
            fired, reply = await bot.through(lambda: reviewer.wait_callback_answer(timeout=0.4))
            assert fired == ["review.committed"]
            assert "مریم بازبین" in reply["text"] and "تأیید کرده است" in reply["text"]
            assert bot.died_at() is None
        finally:
            for user in (owner, other, reviewer, late, third):
                await user.close()
            bot.stop()
    assert sorted(bot.fired) == sorted(POINTS), "every point fired once"
    assert await _counts(db_url, ids) == {
        "links": 2, "codes_used": 2, "link_audits": 2, "photos": [1, 1],
        "submitted": ["submitted"] * 2, "submit_audits": [1, 1],
        "confirmed": ["confirmed"] * 2, "confirm_audits": [1, 1]}
    print(f"fault chain: {bot.starts} starts ({sum(bot.start_times):.1f} s starting), "
          f"{time.monotonic() - started:.1f} s in all")
