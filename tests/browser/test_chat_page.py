"""The sandbox's web chat page, driven in headless Chromium.

The first test is the demo a person would do by hand: the real application polls the sandbox, the
page is opened as the owner of a demo office, and the owner starts the bot, shares their contact
with the reply keyboard's button, presses an inline button, answers a question and uploads a
photo and a PDF through the page. The second pins the page's own mechanics against a bare sandbox
(no application): text from a bot is never markup, edits and callback answers arrive live.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
import pytest

from demo.local import local_world
from sandbox import Sandbox
from sandbox.webpage import chat_url
from tests.e2e.conftest import make_jpeg, make_pdf

pytestmark = pytest.mark.browser

OWNER_PHONE = "+989382413657"  # holder of office 16598444 in the demo registry
OWNER_ID = 5_550_001
WAIT_MS = 15_000


async def open_chat(browser: Any, base_url: str, username: str, user_id: int, name: str,
                    phone: str = "") -> tuple[Any, list[str]]:
    """A page on the chat, connected as ``user_id``; also returns the page's JS errors."""
    from playwright.async_api import expect

    page = await browser.new_page(viewport={"width": 540, "height": 1200}, locale="fa-IR")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    await page.goto(chat_url(base_url))
    await page.select_option("#bot", value=username)
    await page.fill("#user-id", str(user_id))
    await page.fill("#first-name", name)
    await page.fill("#phone", phone)
    await page.click("#connect")
    await expect(page.locator("#text")).to_be_enabled(timeout=WAIT_MS)
    await expect(page.locator("#status")).to_have_class("status on", timeout=WAIT_MS)
    return page, errors


async def send(page: Any, text: str) -> None:
    await page.fill("#text", text)
    await page.press("#text", "Enter")


async def test_owner_chats_with_the_bale_bot(browser: Any, tmp_path: Path) -> None:
    from playwright.async_api import expect

    async with local_world(tmp_path / "world") as world:
        token = world.tokens["bale"]
        username = world.sandbox.bots[token].username
        page, errors = await open_chat(browser, world.sandbox.base_url, username, OWNER_ID,
                                       "زهرا رضایی", OWNER_PHONE)
        messages = page.locator("#messages")

        assert await page.evaluate("document.documentElement.dir") == "rtl"
        assert await page.evaluate("getComputedStyle(document.body).direction") == "rtl"

        await send(page, "/start")
        await expect(messages).to_contain_text("خوش آمدید", timeout=WAIT_MS)

        contact_button = page.locator("#reply-keyboard").get_by_role(
            "button", name="📱 ارسال شمارهٔ همراه من")
        await expect(contact_button).to_be_visible(timeout=WAIT_MS)
        await contact_button.click()
        await expect(messages).to_contain_text("متصل شد", timeout=WAIT_MS)
        await expect(messages).to_contain_text("مهلت خوداظهاری", timeout=WAIT_MS)

        await messages.get_by_role("button", name="✍️ ادامهٔ خوداظهاری").last.click()
        await expect(messages).to_contain_text("مساحت مفید دفتر", timeout=WAIT_MS)

        await send(page, "۸۵")
        await expect(messages).to_contain_text("تاکنون ۰ فایل", timeout=WAIT_MS)

        await page.set_input_files("#file", files=[
            {"name": "sanad.jpg", "mimeType": "image/jpeg", "buffer": make_jpeg(320, 240)}])
        await expect(messages).to_contain_text("فایل دریافت شد", timeout=WAIT_MS)
        await page.set_input_files("#file", files=[
            {"name": "lease.pdf", "mimeType": "application/pdf", "buffer": make_pdf()}])
        await expect(messages).to_contain_text("۲ فایل", timeout=WAIT_MS)

        # The photo is shown from the sandbox's file store; the PDF is a link to it.
        photo = messages.locator("img.photo").first
        await expect(photo).to_be_visible()
        assert await photo.evaluate("img => img.complete && img.naturalWidth") == 320
        await expect(messages.locator("a.file", has_text="lease.pdf")).to_be_visible()

        # What the page sent is what a real client sends: the user's own contact card, a
        # photo, a PDF document.
        entries = world.sandbox.transcript(token, OWNER_ID)
        contact = next(e["contact"] for e in entries if e["kind"] == "contact")
        assert contact["user_id"] == OWNER_ID
        assert contact["phone_number"] == "989382413657"  # Bale's own style
        assert [e["kind"] for e in entries if e["direction"] == "in"][-2:] == ["photo", "document"]
        document = entries[[e["kind"] for e in entries].index("document")]
        assert (document["file_name"], document["mime_type"]) == ("lease.pdf", "application/pdf")

        # Right to left like a messenger: the bot speaks from the right, the person from the
        # left.
        bot_box = await messages.locator(".msg.bot .bubble").first.bounding_box()
        me_box = await messages.locator(".msg.me .bubble").first.bounding_box()
        assert bot_box and me_box
        assert bot_box["x"] + bot_box["width"] > me_box["x"] + me_box["width"] + 50

        await expect(messages.locator(".msg").last).to_be_in_viewport()
        await expect(messages.locator(".msg.bot").last).to_contain_text("۲ فایل")
        shot = tmp_path / "chat.png"
        await page.screenshot(path=str(shot))
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert shot.stat().st_size > 20_000
        # The whole conversation on one tall page, for a person to look at.
        await page.add_style_tag(content="#app { height: auto } #messages { overflow: visible }")
        await page.screenshot(path=str(tmp_path / "chat-full.png"), full_page=True)
        visible = await messages.inner_text()
        for expected in ("/start", "خوش آمدید", "متصل شد", "ادامهٔ خوداظهاری",
                         "مساحت مفید دفتر", "۸۵", "فایل دریافت شد", "lease.pdf"):
            assert expected in visible, expected
        assert errors == []
        await page.close()


async def test_page_shows_bot_text_literally_and_follows_edits_and_answers(
        browser: Any, tmp_path: Path) -> None:
    from playwright.async_api import expect

    async with Sandbox() as sandbox, aiohttp.ClientSession() as http:
        token = sandbox.add_bot("telegram", username="page_test_bot")

        async def call(method: str, **params: Any) -> Any:
            async with http.post(f"{sandbox.base_url}/bot{token}/{method}", json=params) as resp:
                body = await resp.json()
                assert body["ok"], body
                return body["result"]

        page, errors = await open_chat(browser, sandbox.base_url, "page_test_bot", 42, "Ali")
        messages = page.locator("#messages")
        await send(page, "سلام")
        await expect(messages.locator(".msg.me")).to_contain_text("سلام", timeout=WAIT_MS)

        hostile = '<img src=x onerror="document.title=\'owned\'"> & <b>bold</b>'
        sent = await call("sendMessage", chat_id=42, text=hostile, reply_markup={
            "inline_keyboard": [[{"text": "گزینهٔ یک", "callback_data": "one"}],
                                [{"text": "راهنما", "url": "https://example.org/help"}]]})
        await expect(messages).to_contain_text(hostile, timeout=WAIT_MS)
        assert await messages.locator(".msg.bot img").count() == 0
        assert await messages.locator(".msg.bot b").count() == 0
        assert await page.title() != "owned"
        link = messages.locator("a.kb-button", has_text="راهنما")
        assert await link.get_attribute("href") == "https://example.org/help"

        await call("sendMessage", chat_id=42, text="کیبورد", reply_markup={
            "keyboard": [[{"text": "بله"}, {"text": "خیر"}], [{"text": "📱 شماره",
                                                           "request_contact": True}]],
            "resize_keyboard": True})
        keyboard = page.locator("#reply-keyboard")
        await expect(keyboard.get_by_role("button", name="خیر")).to_be_visible(timeout=WAIT_MS)
        assert await keyboard.locator(".row").count() == 2
        await keyboard.get_by_role("button", name="خیر").click()
        await expect(messages.locator(".msg.me").last).to_contain_text("خیر", timeout=WAIT_MS)

        await messages.get_by_role("button", name="گزینهٔ یک").click()
        await expect(messages.locator(".msg.pressed")).to_contain_text("گزینهٔ یک",
                                                                       timeout=WAIT_MS)
        query = sandbox.callbacks(token, 42)[-1]
        assert query["data"] == "one"
        await call("answerCallbackQuery", callback_query_id=query["callback_query_id"],
                   text="ثبت شد")
        await expect(page.locator("#toast")).to_contain_text("ثبت شد", timeout=WAIT_MS)

        await call("editMessageText", chat_id=42, message_id=sent["message_id"],
                   text="ویرایش شد")
        await expect(messages).to_contain_text("ویرایش شد", timeout=WAIT_MS)
        await expect(messages).not_to_contain_text("onerror")
        # the press still names the button, though the edit removed the keyboard
        await expect(messages.locator(".msg.pressed")).to_have_text("🔘 گزینهٔ یک")

        await page.click("#share-contact")
        await expect(messages.locator(".msg.me .contact")).to_contain_text("+98",
                                                                           timeout=WAIT_MS)
        await page.screenshot(path=str(tmp_path / "telegram.png"))
        assert errors == []
        await page.close()


# Where a character of the newest bot message is drawn: the left edge of its box.
_X_OF = """([needle]) => {
    const nodes = document.querySelectorAll('#messages .msg.bot .text');
    const node = nodes[nodes.length - 1].firstChild;
    const range = document.createRange();
    const at = node.textContent.indexOf(needle);
    range.setStart(node, at);
    range.setEnd(node, at + needle.length);
    return range.getBoundingClientRect().left;
}"""


async def test_each_message_takes_one_direction_from_its_text(browser: Any) -> None:
    """A Persian message is right to left on every line, even a line that begins with a
    command; an English message is left to right, even with a Persian name in it."""
    from playwright.async_api import expect

    async with Sandbox() as sandbox, aiohttp.ClientSession() as http:
        token = sandbox.add_bot("bale", username="bidi_test_bot")
        page, errors = await open_chat(browser, sandbox.base_url, "bidi_test_bot", 43, "زهرا")
        messages = page.locator("#messages")
        persian = "خوش آمدید. کارهای شما:\n• /review — صف بررسی"
        english = "Welcome, \u2067زهرا\u2069.\nزهرا: your tasks"
        for text in (persian, english):
            async with http.post(f"{sandbox.base_url}/bot{token}/sendMessage",
                                 json={"chat_id": 43, "text": text}) as resp:
                assert (await resp.json())["ok"]
            await expect(messages.locator(".msg.bot .text").last).to_have_text(
                text, timeout=WAIT_MS)
            if text is persian:  # the bullet opens the line: at its right, as in Persian
                assert await page.evaluate(_X_OF, ["•"]) > await page.evaluate(_X_OF, ["/review"])
            else:  # the line opens with a Persian name: still left to right, as in English
                assert await page.evaluate(_X_OF, ["your"]) > \
                    await page.evaluate(_X_OF, ["زهرا:"])
        assert errors == []
        await page.close()
