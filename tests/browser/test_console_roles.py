"""The association's and the experts' console pages in a real browser (Chromium, Playwright): an
association edits an office's score in the table and uploads a file, its import report shown on
the page; an expert answers a ticket and the owner receives the answer in the sandbox's chat.

`PISHKHAN_UPDATE_SCREENSHOTS=1` also writes docs/console/association.png and tickets.png
(1366×768)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_console import _page, _shot
from tests.console.conftest import Served, console_world
from tests.console.roles import LIAISON_4, answerers, ask, count
from tests.review.conftest import (
    ASSOCIATION_FARS,
    DASHTAK,
    SARI_OWNER,
    SHIRAZ,
    drain,
    make_staff,
)


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    async with console_world(tmp_path) as found:
        yield found


async def test_an_association_edits_a_score_and_uploads_a_file(
        browser: Any, served: Served, tmp_path: Path) -> None:
    world = served.world
    await make_staff(world, ASSOCIATION_FARS, "association", province="فارس")
    page = await _page(browser)
    response = await page.goto(await served.link(ASSOCIATION_FARS))
    assert response is not None and response.ok
    await page.click("#nav-scores")
    await page.wait_for_url("**/scores")
    row = page.locator("tr", has_text="۷۱۱۰۰۰۰۱")
    await row.locator("input[name=score]").fill("۸۷٫۵")
    await row.locator("button").click()
    await page.wait_for_url(f"**done={SHIRAZ}**")
    assert "امتیاز دفتر ۷۱۱۰۰۰۰۱ ثبت شد" in (await page.text_content(".flash") or "")
    assert "۸۷٫۵" in (await page.locator("tr", has_text="۷۱۱۰۰۰۰۱")
                      .locator("td.score").text_content() or "")
    assert await count(world, "score.association") == 1

    async def upload(dashtak: str) -> str:
        scores = tmp_path / "scores.csv"
        scores.write_text(f"کد دفتر,امتیاز\n{SHIRAZ},91\n{DASHTAK},{dashtak}\n",
                          encoding="utf-8")
        await page.set_input_files("#scores-upload input[type=file]", str(scores))
        await page.click("#scores-upload button")
        return await page.text_content("#import-report") or ""

    report = await upload("۱۲۰")
    assert "هیچ امتیازی ثبت نشد" in report and "خارج از بازه است" in report
    report = await upload("78")
    assert "امتیازها ثبت شد" in report
    assert "۱ امتیاز تازه، ۱ تغییر" in report
    assert await count(world, "score.association.import") == 1
    await _shot(page, "association")


async def test_an_expert_answers_and_the_owner_receives_it(browser: Any,
                                                           served: Served) -> None:
    world = served.world
    await answerers(world)
    ticket_id = await ask(world, "سند اجاره را باید با کدام نام بفرستیم؟")
    owner = world.user(*SARI_OWNER, "مالک")
    page = await _page(browser)
    response = await page.goto(await served.link(LIAISON_4))  # an expert lands on the tickets
    assert response is not None and response.ok
    await page.wait_for_url("**/tickets")
    await page.click(f"#t{ticket_id} a >> nth=1")
    await page.wait_for_url(f"**/tickets/{ticket_id}")
    await page.fill("#answer-text", "به نام دارندهٔ مجوز دفتر؛ اجاره‌نامهٔ رسمی کافی است.")
    await _shot(page, "tickets")
    await page.click("form.answer button")
    await page.wait_for_url("**/tickets?done=*")
    assert "فرستاده شد" in (await page.text_content(".flash") or "")
    assert await count(world, "ticket.answer") == 1
    await drain(world)
    notice = await owner.wait_text("اجاره‌نامهٔ رسمی کافی است", timeout=10)
    assert f"{ticket_id}".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in notice["text"]
