"""The console's statistics page in a real browser (Chromium, driven by Playwright): headquarters
follows the navigation link, the chart image is drawn, the tables read in Persian digits, and the
statistics workbook downloads and opens."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from storage.admin import list_periods
from storage.ranking import rank_period
from tests.console.conftest import Served, console_world
from tests.review.conftest import HQ, make_staff

PERSIAN_DIGIT = re.compile("[۰-۹]")
SHOT = os.environ.get("PISHKHAN_STATS_SHOT")  # a path: also save the page as a PNG


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    async with console_world(tmp_path) as found:
        await make_staff(found.world, HQ, "hq")
        async with found.world.uow() as uow:  # ranks for the tables and the chart
            period = (await list_periods(uow.session))[-1]
            await rank_period(uow.session, period.id, found.world.clock.now())
            await uow.commit()
        yield found


async def test_headquarters_sees_the_chart_tables_and_downloads_the_workbook(
        browser: Any, served: Served, tmp_path: Path) -> None:
    context = await browser.new_context(viewport={"width": 1366, "height": 768},
                                        locale="fa-IR", accept_downloads=True)
    page = await context.new_page()
    response = await page.goto(await served.link(HQ))
    assert response is not None and response.ok
    await page.click("#nav-stats")
    await page.wait_for_selector("#sources-chart")
    await page.wait_for_function(
        "() => { const i = document.querySelector('#sources-chart');"
        " return i.complete && i.naturalWidth > 0; }", timeout=30_000)
    cells = await page.locator("#participation-region td.num").all_text_contents()
    assert cells and all(PERSIAN_DIGIT.search(c) and not re.search("[0-9]", c) for c in cells)
    if SHOT:
        await page.screenshot(path=SHOT, full_page=True)
    heading = await page.text_content("#participation-region h2")
    assert heading is not None and "منطقه" in heading
    async with page.expect_download() as waiting:
        await page.click("#download-stats")
    download = await waiting.value
    saved = tmp_path / "statistics.xlsx"
    await download.save_as(saved)
    assert "منشأ رتبه‌ها به تفکیک منطقه" in load_workbook(saved).sheetnames
    await context.close()
