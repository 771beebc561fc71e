"""The staff console in a real browser (Chromium, driven by Playwright): login by link, a
reviewer taking a ten-file declaration to confirmation with every click and key counted, a
return that reaches the owner in the sandbox, another region's address refused, a form without
its CSRF token refused, a used or expired link refused.

`PISHKHAN_UPDATE_SCREENSHOTS=1` also writes the main pages to docs/console/ (1366×768)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.console.conftest import Served, console_world
from tests.review.conftest import (
    BABOL,
    REVIEWER_4,
    SARI,
    SARI_OWNER,
    SHIRAZ,
    drain,
    file_declaration,
    link_owner,
    make_jpeg,
    make_pdf,
    status_of,
)

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "console"
UPDATE_SHOTS = os.environ.get("PISHKHAN_UPDATE_SCREENSHOTS") == "1"
# Ten files: seven photos and three PDFs over four items.
TEN = {"area": [make_jpeg(color="navy"), make_jpeg(color="red"), make_pdf("lease")],
       "staff": [make_pdf("insurance 1"), make_pdf("insurance 2")],
       "holder_years": [make_jpeg(color="green"), make_jpeg(color="olive")],
       "facilities": [make_jpeg(color="teal"), make_jpeg(color="maroon"),
                      make_jpeg(color="purple")]}


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    async with console_world(tmp_path) as found:
        yield found


async def _page(browser: Any, width: int = 1366, height: int = 768) -> Any:
    context = await browser.new_context(viewport={"width": width, "height": height},
                                        locale="fa-IR")
    return await context.new_page()


async def _shot(page: Any, name: str) -> None:
    if UPDATE_SHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


async def test_a_reviewer_confirms_a_ten_file_declaration_in_few_actions(
        browser: Any, served: Served) -> None:
    filed = await file_declaration(served.world, SARI, files=TEN)
    await file_declaration(served.world, BABOL)  # the next in the queue
    page = await _page(browser)
    actions = 0

    async def key(name: str) -> None:
        nonlocal actions
        actions += 1
        await page.keyboard.press(name)

    actions += 1  # opening the link the bot sent
    response = await page.goto(await served.link(REVIEWER_4))
    assert response is not None and response.ok
    assert await page.get_attribute("html", "dir") == "rtl"
    digest = await page.text_content("#digest")
    assert digest is not None and "۲ پرونده در انتظار بررسی" in digest
    await _shot(page, "queue")
    await key("n")  # the oldest submitted declaration
    await page.wait_for_url(f"**/d/{filed.declaration_id}")
    assert await page.locator("figure.file img").count() == 7
    assert await page.locator("figure.file object.pdf").count() == 3
    await page.wait_for_function(
        "Array.from(document.querySelectorAll('figure.file img')).every(i => i.naturalWidth > 0)")
    assert "امتیاز موقت" in (await page.text_content(".score") or "")
    await _shot(page, "declaration")
    await key("c")  # confirm: a dialog
    assert await page.locator("#confirm-dialog").is_visible()
    await key("Enter")  # yes: confirmed, and the next one opens
    await page.wait_for_url("**/d/*?done=c")
    assert "پرونده تأیید شد" in (await page.text_content(".flash") or "")

    assert actions <= 15
    assert actions == 4  # link, N, C, Enter
    assert await status_of(served.world, filed.declaration_id) == "confirmed"


async def test_a_return_with_comments_reaches_the_owner(browser: Any, served: Served) -> None:
    filed = await file_declaration(served.world, SARI)
    await link_owner(served.world, SARI, *SARI_OWNER)
    owner = served.world.user(*SARI_OWNER, "مالک")
    page = await _page(browser, 1024, 768)  # a tablet
    await page.goto(await served.link(REVIEWER_4))
    await page.goto(f"{served.base}/d/{filed.declaration_id}")
    await page.keyboard.press("r")  # to the comments
    await page.keyboard.type("سند اجاره خوانا نیست؛ لطفاً دوباره بفرستید.")
    await _shot(page, "return")
    await page.click("#return-send")
    await page.wait_for_url("**done=r")
    assert await status_of(served.world, filed.declaration_id) == "returned"
    await drain(served.world)
    notice = await owner.wait_text("برای اصلاح بازگردانده شد", timeout=10)
    assert "سند اجاره خوانا نیست" in notice["text"]


async def test_another_regions_address_answers_404(browser: Any, served: Served) -> None:
    shiraz = await file_declaration(served.world, SHIRAZ)
    page = await _page(browser)
    await page.goto(await served.link(REVIEWER_4))
    for path in (f"/d/{shiraz.declaration_id}", f"/f/{shiraz.evidence_ids[0]}"):
        response = await page.goto(served.base + path)
        assert response is not None and response.status == 404
        assert "شیراز" not in await page.content()


async def test_a_form_without_its_csrf_token_is_refused(browser: Any, served: Served) -> None:
    filed = await file_declaration(served.world, SARI)
    page = await _page(browser)
    await page.goto(await served.link(REVIEWER_4))
    await page.goto(f"{served.base}/d/{filed.declaration_id}")
    await page.evaluate("document.querySelectorAll('input[name=csrf]')"
                        ".forEach(e => e.remove())")
    await page.keyboard.press("c")
    async with page.expect_response(lambda r: r.request.method == "POST") as posted:
        await page.click("#confirm-yes")
    assert (await posted.value).status == 403
    assert "این فرم منقضی شده است" in await page.content()
    assert await status_of(served.world, filed.declaration_id) == "submitted"


async def test_used_and_expired_links_are_refused(browser: Any, served: Served) -> None:
    page = await _page(browser)
    link = await served.link(REVIEWER_4)
    await page.goto(link)
    other = await _page(browser)
    response = await other.goto(link)
    assert response is not None and response.status == 410
    assert "پیش‌تر به کار رفته" in await other.content()
    await _shot(other, "link-used")
    late = await served.link(REVIEWER_4)
    served.world.clock.advance(timedelta(minutes=10, seconds=1))
    response = await other.goto(late)
    assert response is not None and response.status == 410
    assert "زمان این پیوند ورود" in await other.content()


async def test_rejecting_one_of_ten_files_then_confirming(browser: Any, served: Served) -> None:
    filed = await file_declaration(served.world, SARI, files=TEN)
    page = await _page(browser)
    actions = 1  # opening the link
    await page.goto(await served.link(REVIEWER_4))
    actions += 1
    await page.keyboard.press("n")
    await page.wait_for_url(f"**/d/{filed.declaration_id}")
    blurry = page.locator("figure.file").nth(3)
    actions += 1
    await blurry.locator("summary").click()
    actions += 1  # the reason, typed in one go
    await blurry.locator("input[name=reason]").fill("ناخوانا")
    actions += 1
    await blurry.locator("details button").click()
    await page.wait_for_url("**done=x")
    assert await page.locator("figure.file.rejected").count() == 1
    actions += 2
    await page.keyboard.press("c")
    await page.keyboard.press("Enter")
    await page.wait_for_url("**done=c")
    assert actions == 7 and actions <= 15
    assert await status_of(served.world, filed.declaration_id) == "confirmed"
