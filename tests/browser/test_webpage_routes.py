"""The chat page's routes, without a browser: what the sandbox serves under /chat."""

from __future__ import annotations

import aiohttp

from sandbox import Sandbox
from sandbox.main import describe
from sandbox.webpage import chat_url


async def test_the_sandbox_serves_the_chat_page_and_only_its_assets() -> None:
    async with Sandbox() as sandbox, aiohttp.ClientSession() as http:
        url = chat_url(sandbox.base_url)
        assert url == sandbox.base_url + "/chat"
        async with http.get(url) as resp:
            assert resp.status == 200
            assert resp.content_type == "text/html"
            page = await resp.text()
        assert '<html lang="fa" dir="rtl">' in page
        assert "/chat/chat.js" in page and "/chat/chat.css" in page
        assert "http" not in page.replace('content="width=device-width', "")  # no CDN
        for name, kind in (("chat.js", "application/javascript"), ("chat.css", "text/css")):
            async with http.get(f"{url}/{name}") as resp:
                assert (resp.status, resp.content_type) == (200, kind)
                text = await resp.text()
                for markup_sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "write("):
                    assert markup_sink not in text  # message text is only ever textContent
        for bad in ("nothing.js", "..%2Fserver.py", "index.html%00"):
            async with http.get(f"{url}/{bad}") as resp:
                assert resp.status == 404, bad
        async with http.get(f"{url}/vazirmatn.ttf") as resp:
            assert resp.status in (200, 404)  # the font is optional
        async with http.get(sandbox.base_url + "/") as resp:  # the control API's overview stays
            assert (await resp.json())["ok"] is True


async def test_the_banner_names_the_chat_page() -> None:
    async with Sandbox() as sandbox:
        tokens = {"bale": sandbox.add_bot("bale")}
        banner = describe(sandbox, tokens)
        assert f"chat page: {sandbox.base_url}/chat" in banner
