"""The deployment as a whole: PostgreSQL, Redis, an S3 store (moto's server), two
`pishkhan webhook` workers behind nginx, the sandbox standing in for Telegram. A scripted owner
declares and a reviewer confirms, one worker is SIGKILLed in the middle of the owner's journey,
and then: every update was handled once (none lost, none twice), every notice went out once, one
scheduler ran at a time, the owner's files are in the bucket, and /metrics (prometheus-client's
multiprocess mode, as the systemd units run it) reports the updates handled.
"""

from __future__ import annotations

import asyncio
import csv
import os
import secrets
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from bench.cluster import Cluster, nginx_binary
from bench.common import shared_data
from bench.deadline import owner_steps
from bench.journey import _jpeg, _prepare_database, owners
from sandbox.server import Sandbox
from sandbox.user import ScriptedUser
from storage.db import create_engine, create_sessionmaker
from storage.models import Outbox
from storage.models_inbox import InboxUpdate
from tests.deploy.test_shared_senders import REDIS_URL, _redis_or_skip
from tests.waiting import until

pytestmark = pytest.mark.postgres
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
LEADS = "scheduler: this worker runs the sweeps"
REVIEWER = 880_001
S3_KEYS = {"PISHKHAN_S3_ACCESS_KEY_ID": "testing-access-key",
           "PISHKHAN_S3_SECRET_ACCESS_KEY": "testing-secret-key-0123"}


def s3_env(endpoint: str) -> tuple[dict[str, str], Any]:
    """The workers' settings for a new bucket on `endpoint`, and the store to look into it."""
    from storage.evidence_s3 import S3EvidenceStore

    bucket = f"evidence-{uuid.uuid4().hex[:12]}"
    store = S3EvidenceStore(bucket, endpoint_url=endpoint, region="us-east-1",
                            access_key_id=S3_KEYS["PISHKHAN_S3_ACCESS_KEY_ID"],
                            secret_access_key=S3_KEYS["PISHKHAN_S3_SECRET_ACCESS_KEY"])
    store.ensure_bucket()
    return {"PISHKHAN_EVIDENCE_BACKEND": "s3", "PISHKHAN_S3_ENDPOINT_URL": endpoint,
            "PISHKHAN_S3_BUCKET": bucket, "PISHKHAN_S3_REGION": "us-east-1", **S3_KEYS}, store


async def handled_in_metrics(port: int) -> float:
    """The updates handled, as the surviving worker's /metrics adds up every worker's."""
    import aiohttp

    async with aiohttp.ClientSession() as http, \
            http.get(f"http://127.0.0.1:{port}/metrics") as response:
        assert response.status == 200
        page = await response.text()
    return sum(float(line.rsplit(" ", 1)[1]) for line in page.splitlines()
               if line.startswith("pishkhan_updates_total{") and 'outcome="handled"' in line)


def _region_of(code: str) -> int:
    with (shared_data() / "offices.csv").open(encoding="utf-8-sig") as f:
        return next(int(r["region_code"]) for r in csv.DictReader(f) if r["office_code"] == code)


def _leads(cluster: Cluster) -> list[int]:
    return [w.log.read_text(errors="replace").count(LEADS) for w in cluster.gone + cluster.running]


async def test_two_workers_behind_nginx_lose_nothing_when_one_is_killed(
        postgres_url: str, tmp_path: Path) -> None:
    from moto.server import ThreadedMotoServer

    from bench.cluster import free_port

    if nginx_binary() is None:
        if IN_CI:
            pytest.fail("nginx is required in CI (.ci/run installs it)")
        pytest.skip("nginx is not installed")
    await _redis_or_skip()
    from services.staff import add_staff
    from services.uow import UnitOfWork

    await _prepare_database(tmp_path, postgres_url)
    code, phone = owners(1)[0]
    engine = create_engine(postgres_url)
    sessions = create_sessionmaker(engine)
    await add_staff(UnitOfWork(sessions), platform="telegram", user_id=REVIEWER,
                    role="reviewer", region=_region_of(code), name="بازبین")
    moto_port = free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=moto_port, verbose=False)
    moto.start()
    metrics = tmp_path / "metrics"  # prometheus-client's multiprocess folder, empty at start
    metrics.mkdir()
    try:
        store_env, store = s3_env(f"http://127.0.0.1:{moto_port}")
        await _journey(postgres_url, tmp_path, sessions, engine, code, phone,
                       {**store_env, "PROMETHEUS_MULTIPROC_DIR": str(metrics)}, store)
    finally:
        moto.stop()
        await engine.dispose()


async def _journey(postgres_url: str, tmp_path: Path, sessions: Any, engine: Any, code: str,
                   phone: str, extra_env: dict[str, str], store: Any) -> None:
    async with Sandbox() as sandbox:
        token = sandbox.add_bot("telegram")
        env = {**os.environ, "PISHKHAN_DATABASE_URL": postgres_url,
               "PISHKHAN_TELEGRAM_TOKEN": token, "PISHKHAN_TELEGRAM_API_BASE": sandbox.base_url,
               "PISHKHAN_EVIDENCE_DIR": str(tmp_path / "evidence"),
               "PISHKHAN_WEBHOOK_SECRET": secrets.token_urlsafe(24),
               "PISHKHAN_REDIS_URL": REDIS_URL, "PISHKHAN_REDIS_PREFIX": f"t-{uuid.uuid4().hex}",
               "PISHKHAN_FSM_REDIS_URL": REDIS_URL,
               # The workers run on the real clock, and the confirmation's notice is not urgent
               # (sent by day): at any hour this test runs, the day is the whole day.
               "PISHKHAN_SEND_HOURS": "00:00-23:59", **extra_env}
        env.pop("PISHKHAN_BALE_TOKEN", None)
        with Cluster(env, workers=2, nginx=True, folder=tmp_path / "cluster") as cluster:
            (tmp_path / "cluster").mkdir(exist_ok=True)
            await asyncio.to_thread(cluster.start)
            owner = ScriptedUser(sandbox.base_url, token, 870_001, "مالک", phone=phone)
            steps = owner_steps(owner, _jpeg())
            killed_at = 0.0
            for number, (_kind, action, args, expect) in enumerate(steps):
                if number == 8:  # mid-journey: a file just kept, the next answer to come
                    await asyncio.to_thread(cluster.kill, 0)
                    killed_at = time.monotonic()
                await action(*args)
                await owner.wait_text(expect, timeout=30)

            reviewer = ScriptedUser(sandbox.base_url, token, REVIEWER, "بازبین")
            await reviewer.send_command("/review")
            await reviewer.wait_text("در انتظار بررسی: ۱", timeout=30)
            await reviewer.press("▶️ بررسی از قدیمی‌ترین (۱)")
            await reviewer.wait_text("امتیاز موقت", timeout=30)
            await reviewer.press("✅ تأیید")
            await reviewer.wait_text("تأیید شود؟", timeout=30)
            await reviewer.press("✅ بله، تأیید و پروندهٔ بعدی")
            await reviewer.wait_text("پرونده‌ای در انتظار بررسی نیست", timeout=30)
            notice = await owner.wait_text("تأیید", timeout=30)  # the outbox's notice
            assert notice

            async def all_handled() -> bool:
                async with sessions() as session:
                    left = await session.scalar(select(func.count()).select_from(InboxUpdate)
                                                .where(InboxUpdate.state != "done"))
                    queued = await session.scalar(select(func.count()).select_from(Outbox)
                                                  .where(Outbox.status != "sent"))
                return left == 0 and queued == 0

            await until(all_handled, 30, "the inbox and the outbox to empty", every=0.2)
            # Handled once: each of the owner's actions got its answer once, nothing repeated.
            transcript = [e for e in await owner.transcript() if e["direction"] == "out"]
            texts = [e.get("text") or e.get("caption") or "" for e in transcript]
            repeated = [t for t in set(texts) if t and texts.count(t) > 1
                        and "فایل دریافت شد" not in t]
            assert not repeated, repeated
            async with sessions() as session:
                updates = await session.scalar(select(func.count()).select_from(InboxUpdate))
                twice = await session.scalar(select(func.count()).select_from(
                    select(Outbox.dedup_key).where(Outbox.dedup_key.is_not(None))
                    .group_by(Outbox.dedup_key).having(func.count() > 1).subquery()))
            assert updates == len(steps) + 4  # the owner's, the reviewer's four
            assert twice == 0

            # One scheduler: exactly one worker led; if it was the killed one, the survivor
            # took over after the kill, and one lock holder is left.
            leads = _leads(cluster)
            assert sum(leads) >= 1 and all(n <= 1 for n in leads), leads
            if leads[0] == 1:  # the killed worker led: the survivor takes over within a sweep
                await until(lambda: _leads(cluster)[1] == 1, 45, "the survivor to lead the sweeps",
                            every=0.2, detail=lambda: _leads(cluster))
            else:
                assert leads[1] == 1
            assert killed_at > 0
            async with engine.connect() as conn:
                holders = await conn.scalar(text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
                    "AND objid = :k AND database = (SELECT oid FROM pg_database "
                    "WHERE datname = current_database())"), {"k": 0x50_4B_48_10})
            assert holders == 1
            # The owner's files went to the object store, none of them to the local folder.
            assert store.client.list_objects_v2(
                Bucket=store.bucket).get("KeyCount", 0) >= 1
            assert not (tmp_path / "evidence").exists() or not any(
                (tmp_path / "evidence").rglob("*.*"))
            # Every update counted once as handled across both workers' metrics; the killed
            # worker may have died between its commit and its count (one fewer), never more.
            counted = await handled_in_metrics(cluster.running[-1].port)
            assert updates - 1 <= counted <= updates, (counted, updates)
