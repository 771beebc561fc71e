"""Headquarters in a real browser (Chromium, driven by Playwright): creating a period whose window
overlaps another is refused on the page naming both windows, a period that does not overlap is
created, and the results of the closed period are previewed and published after confirmation.

`PISHKHAN_UPDATE_SCREENSHOTS=1` also writes docs/console/periods.png and results.png
(1366×768)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from storage.models import AuditLog, Declaration
from tests.browser.test_console import _page, _shot
from tests.console.conftest import Served, console_world
from tests.review.conftest import BABOL, HQ, SARI, SHIRAZ, file_declaration, make_staff


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    async with console_world(tmp_path) as found:
        await make_staff(found.world, HQ, "hq", name="ستاد")
        for code in (SARI, BABOL, SHIRAZ):
            await file_declaration(found.world, code, status="confirmed")
        found.world.clock.advance(timedelta(days=20))  # both windows of 1404-H1 have closed
        yield found


async def test_headquarters_creates_a_period_and_publishes_results(
        browser: Any, served: Served) -> None:
    page = await _page(browser)
    response = await page.goto(await served.link(HQ))
    assert response is not None and response.ok
    await page.click("#nav-periods")
    await page.wait_for_selector("#create-period")

    async def create(code: str, opens: str, closes: str) -> None:
        await page.fill("#create-period input[name=code]", code)
        await page.fill("#create-period input[name=opens]", opens)
        await page.fill("#create-period input[name=closes]", closes)
        await page.click("#create-submit")
        await page.wait_for_load_state()

    await create("1404-X", "۱۴۰۴/۰۸/۰۱", "۱۴۰۴/۰۸/۲۰")
    refusal = await page.text_content("#hq-error")
    assert refusal is not None and "هم‌پوشانی" in refusal
    refusal = refusal.replace("\u2068", "").replace("\u2069", "")
    assert "«۱۴۰۴-X»" in refusal and "«۱۴۰۴-H۱»" in refusal  # as the CLI says it in Persian
    assert "۱۴۰۴/۰۸/۰۱ – ۱۴۰۴/۰۸/۲۰" in refusal  # the refused window, and the other's
    assert "۱۴۰۴/۰۷/۳۰ – ۱۴۰۴/۰۸/۱۳" in refusal
    await _shot(page, "periods")
    await create("1405-H1", "۱۴۰۵/۰۱/۱۵", "۱۴۰۵/۰۲/۱۵")
    assert await page.is_visible("#period-1405-H1")
    assert await page.locator("#period-1404-X").count() == 0

    await page.click("#nav-results")
    await page.select_option("select[name=period]", "1404-H1")
    await page.click("form.filters button[type=submit]")
    await page.wait_for_selector("#rank")
    await page.click("#rank")
    await page.wait_for_selector("#ranks-region")
    await page.wait_for_selector("#offices")
    await _shot(page, "results")
    await page.click("#publish-open")
    await page.click("#publish-yes")
    await page.wait_for_selector("#published")
    async with served.world.session() as session:
        published = await session.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.action == "results.publish"))
        statuses = set((await session.scalars(select(Declaration.status))).all())
    assert published == 1 and statuses == {"published"}
    await page.context.close()
