"""The application on the S3 store (moto's server): an owner's file goes into the bucket, and a
reviewer on the other platform gets every file uploaded from it; nothing touches the local
folder."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from sqlalchemy import select, update

from demo.local import local_world
from storage.models import Declaration, Evidence
from tests.ops.conftest import S3_KEYS, s3_store
from tests.review.conftest import (
    FIXED_NOW,
    REVIEWER_4,
    SARI,
    file_declaration,
    link_owner,
    make_jpeg,
    make_staff,
)


async def test_files_go_to_the_bucket_and_reviewers_get_them_from_it(
        tmp_path: Path, moto_endpoint: str) -> None:
    bucket = f"evidence-{uuid.uuid4().hex[:12]}"
    s3_store(moto_endpoint, bucket)  # the bucket exists before the bot starts (first install)
    async with local_world(tmp_path, now=FIXED_NOW, evidence_backend="s3",
                           s3_endpoint_url=moto_endpoint, s3_bucket=bucket,
                           s3_access_key_id=S3_KEYS["access_key_id"],
                           s3_secret_access_key=S3_KEYS["secret_access_key"]) as world:
        store = world.app.services["evidence_store"]
        assert type(store).__name__ == "S3EvidenceStore"
        filed = await file_declaration(world, SARI, status="draft")
        await link_owner(world, SARI, "bale", 5001)
        async with world.session() as session:
            await session.execute(update(Declaration).where(
                Declaration.id == filed.declaration_id).values(current_item="ev:area"))
            await session.commit()
        owner = world.user("bale", 5001, "زهرا")
        photo = make_jpeg(width=77, color="olive")
        await owner.send_photo(photo)
        await owner.wait_text("فایل دریافت شد")
        sha = hashlib.sha256(photo).hexdigest()
        assert store.exists(sha) and store.get(sha) == photo  # downloaded into the bucket
        async with world.session() as session:
            await session.execute(update(Declaration).where(
                Declaration.id == filed.declaration_id).values(
                    status="submitted", current_item=None, submitted_at=world.clock.now()))
            await session.commit()
            count = len((await session.scalars(select(Evidence))).all())
        assert count == 5

        # A reviewer on Telegram: the Bale file ids mean nothing there, so every file is
        # uploaded from the store.
        await make_staff(world, REVIEWER_4, "reviewer", region=4)
        reviewer = world.user(*REVIEWER_4, "بازبین")
        await reviewer.send_command("/review")
        await reviewer.wait_text("در انتظار بررسی: ۱")
        await reviewer.press("▶️ بررسی از قدیمی‌ترین (۱)")
        await reviewer.wait_text("امتیاز موقت")
        await reviewer.press("📎 همهٔ فایل‌ها (۵)")
        files = await reviewer.wait_messages(6, timeout=20)
        assert sum(1 for m in files if m["kind"] in ("photo", "document")) == 5
        assert "۵ فایل فرستاده شد" in files[-1]["text"]
    assert not (tmp_path / "evidence").exists() or not any((tmp_path / "evidence").rglob("*"))


async def test_the_console_served_alone_shows_files_from_the_bucket(
        tmp_path: Path, moto_endpoint: str) -> None:
    """`pishkhan console serve` on the S3 settings: a reviewer opens a file the owner sent, read
    from the bucket, not from a local folder that does not have it."""
    import aiohttp
    from aiohttp import web

    from cli.console import application
    from services.console_auth import issue_link
    from storage.db import create_engine

    bucket = f"evidence-{uuid.uuid4().hex[:12]}"
    s3_store(moto_endpoint, bucket)
    async with local_world(tmp_path, now=FIXED_NOW, evidence_backend="s3",
                           s3_endpoint_url=moto_endpoint, s3_bucket=bucket,
                           s3_access_key_id=S3_KEYS["access_key_id"],
                           s3_secret_access_key=S3_KEYS["secret_access_key"]) as world:
        filed = await file_declaration(world, SARI, status="submitted")
        await make_staff(world, REVIEWER_4, "reviewer", region=4)
        async with world.session() as session:
            evidence = (await session.scalars(select(Evidence).where(
                Evidence.declaration_id == filed.declaration_id))).first()
        assert evidence is not None
        stored = world.app.services["evidence_store"].get(evidence.sha256)
        engine = create_engine(world.settings.database_url)
        runner = web.AppRunner(application(world.settings, engine, world.clock))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        base = f"http://127.0.0.1:{runner.addresses[0][1]}/console"
        try:
            token = await issue_link(world.uow(), *REVIEWER_4, world.clock.now())
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
                async with client.get(f"{base}/login/{token}") as response:
                    assert response.status == 200
                async with client.get(f"{base}/f/{evidence.id}") as response:
                    assert response.status == 200
                    assert await response.read() == stored
        finally:
            await runner.cleanup()
            await engine.dispose()
