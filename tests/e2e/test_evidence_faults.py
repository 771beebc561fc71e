"""A file that cannot be fetched (the platform's 5xx) or stored (a full disk) is not lost in
silence: the owner is told which file, the inbox tries the update again, and the file is
recorded once when it succeeds; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from delivery import inbox as delivery_inbox
from demo.local import World, local_world
from storage.models import Evidence
from tests.e2e.conftest import FIXED_NOW, make_jpeg

OWNER_PHONE = "+989382413657"  # holder of office 16598444 in the demo registry


@pytest.fixture
async def world(migrated_db_url: str, tmp_path: Path) -> AsyncIterator[World]:
    """The application polling the sandbox, on each backend."""
    async with local_world(tmp_path, database_url=migrated_db_url, now=FIXED_NOW) as found:
        yield found


async def at_first_evidence(world: World, platform: str, user_id: int):
    user = world.user(platform, user_id, "زهرا", phone=OWNER_PHONE)
    await user.send_command("/start")
    await user.wait_text("شمارهٔ همراه")
    await user.press("📱 ارسال شمارهٔ همراه من")
    await user.wait_text("مهلت خوداظهاری")
    await user.press("✍️ ادامهٔ خوداظهاری")
    await user.wait_text("مساحت مفید دفتر")
    await user.send_text("۸۵")
    await user.wait_text("سند مالکیت")
    return user


async def evidence_rows(world: World) -> int:
    async with world.session() as session:
        return await session.scalar(select(func.count()).select_from(Evidence))


@pytest.mark.parametrize("platform", ["bale", "telegram"])
async def test_a_failed_download_names_the_file_and_is_tried_again(
        world: World, platform: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delivery_inbox, "RETRY_AFTER", (timedelta(seconds=0.3),) * 3)
    user = await at_first_evidence(world, platform, 9701)
    world.sandbox.set_fault(world.tokens[platform], "file", "500", times=1)
    await user.send_photo(make_jpeg())
    told = await user.wait_text("نتوانستیم دریافت کنیم", timeout=10)
    assert "مساحت مفید دفتر" in told["text"]  # the item whose file it was
    await user.wait_text("📎 فایل دریافت شد", timeout=10)
    assert await evidence_rows(world) == 1


async def test_a_full_disk_names_the_file_and_nothing_is_recorded_until_it_is_stored(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delivery_inbox, "RETRY_AFTER", (timedelta(seconds=0.3),) * 3)
    store = world.app.services["evidence_store"]
    original, calls = store.put, []

    def full_once(checked):
        calls.append(checked.sha256)
        if len(calls) == 1:
            raise OSError(28, "No space left on device")
        return original(checked)

    monkeypatch.setattr(store, "put", full_once)
    user = await at_first_evidence(world, "bale", 9702)
    await user.send_photo(make_jpeg())
    await user.wait_text("نتوانستیم دریافت کنیم", timeout=10)
    await user.wait_text("📎 فایل دریافت شد", timeout=10)
    assert len(calls) == 2
    assert await evidence_rows(world) == 1


async def test_a_download_that_times_out_names_the_file_and_is_tried_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The platform's file server stops answering (a slow link on the last day): after the
    download timeout (`PISHKHAN_DOWNLOAD_TIMEOUT_SECONDS`) the owner is told which file, and
    the inbox's retry stores it once."""
    monkeypatch.setattr(delivery_inbox, "RETRY_AFTER", (timedelta(seconds=0.3),) * 3)
    async with local_world(tmp_path, now=FIXED_NOW, download_timeout_seconds=1) as world:
        user = await at_first_evidence(world, "telegram", 9703)
        world.sandbox.set_fault(world.tokens["telegram"], "file", "hang", times=1,
                                hang_seconds=5)
        await user.send_photo(make_jpeg())
        told = await user.wait_text("نتوانستیم دریافت کنیم", timeout=10)
        assert "مساحت مفید دفتر" in told["text"]
        await user.wait_text("📎 فایل دریافت شد", timeout=15)
        assert await evidence_rows(world) == 1
