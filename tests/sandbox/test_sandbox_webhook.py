"""Webhooks: pushing updates, the secret header, retries, replies, Bale's restrictions."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web


class Receiver:
    """A local webhook endpoint recording what the sandbox pushes; scriptable answers."""

    def __init__(self) -> None:
        self.requests: list[tuple[dict[str, str], dict[str, Any]]] = []
        self.statuses: list[int] = []  # answers to give first, then 200
        self.reply: dict[str, Any] | None = None
        self.arrived = asyncio.Event()
        self.url = ""

    async def handle(self, request: web.Request) -> web.Response:
        self.requests.append((dict(request.headers), await request.json()))
        self.arrived.set()
        if self.statuses:
            return web.Response(status=self.statuses.pop(0))
        if self.reply is not None:
            return web.json_response(self.reply)
        return web.json_response({})

    async def wait(self, count: int, within: float = 3.0) -> None:
        async with asyncio.timeout(within):
            while len(self.requests) < count:
                self.arrived.clear()
                await self.arrived.wait()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    app = web.Application()
    app.router.add_post("/hook/{secret}", rec.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    rec.url = f"http://127.0.0.1:{port}/hook/path-secret"
    yield rec
    await runner.cleanup()


async def test_telegram_webhook_push_with_secret_header(sb, tg, tg_token, users, receiver):
    assert await tg.ok("setWebhook", url=receiver.url, secret_token="s3cret_Token-1") is True
    ali = users(tg_token, 42, "Ali")
    await ali.send_text("hello webhook")
    await receiver.wait(1)
    headers, update = receiver.requests[0]
    assert headers["X-Telegram-Bot-Api-Secret-Token"] == "s3cret_Token-1"
    assert update["message"]["text"] == "hello webhook"
    status, body = await tg.call("getUpdates")
    assert status == 409 and "webhook is active" in body["description"]
    info = await tg.ok("getWebhookInfo")
    assert info["url"] == receiver.url and info["pending_update_count"] == 0
    assert await tg.ok("deleteWebhook") is True
    await ali.send_text("polling again")
    assert [u["message"]["text"] for u in await tg.ok("getUpdates")] == ["polling again"]
    assert (await tg.ok("getWebhookInfo"))["url"] == ""


async def test_bad_secret_token_is_refused(tg, receiver) -> None:
    status, body = await tg.call("setWebhook", url=receiver.url, secret_token="no spaces!")
    assert status == 400


async def test_failed_webhook_is_retried_in_order(sb, tg, tg_token, users, receiver) -> None:
    receiver.statuses = [500, 502]
    await tg.ok("setWebhook", url=receiver.url)
    ali = users(tg_token, 42)
    await ali.send_text("first")
    await ali.send_text("second")
    await receiver.wait(4)
    texts = [u["message"]["text"] for _, u in receiver.requests]
    assert texts == ["first", "first", "first", "second"]
    info = await tg.ok("getWebhookInfo")
    assert info["pending_update_count"] == 0
    assert "last_error_message" not in info  # cleared by the successful delivery


async def test_unreachable_webhook_reports_an_error(sb, tg, tg_token, users) -> None:
    await tg.ok("setWebhook", url="http://127.0.0.1:9/nothing-listens-here")
    await users(tg_token, 42).send_text("stuck")
    await asyncio.sleep(0.3)
    info = await tg.ok("getWebhookInfo")
    assert info["pending_update_count"] == 1
    assert info["last_error_message"].startswith("Connection failed")


async def test_webhook_answer_may_carry_a_method(sb, tg, tg_token, users, receiver) -> None:
    receiver.reply = {"method": "sendMessage", "chat_id": 42, "text": "answered in the reply"}
    await tg.ok("setWebhook", url=receiver.url)
    await users(tg_token, 42).send_text("hi")
    await receiver.wait(1)
    await sb.wait_sent(tg_token, 1, timeout=2)
    assert sb.transcript(tg_token, 42)[-1]["text"] == "answered in the reply"


async def test_bale_set_webhook_takes_only_url(sb, bale, bale_token, users, receiver) -> None:
    status, body = await bale.call("setWebhook", url=receiver.url, secret_token="abc")
    assert status == 400 and "secret_token" in body["description"]
    status, _ = await bale.call("setWebhook", url=receiver.url, drop_pending_updates=True)
    assert status == 400
    assert await bale.ok("setWebhook", url=receiver.url) is True
    await users(bale_token, 42).send_text("hi bale")
    await receiver.wait(1)
    headers, update = receiver.requests[0]
    assert "X-Telegram-Bot-Api-Secret-Token" not in headers
    assert update["message"]["text"] == "hi bale"


async def test_drop_pending_updates(sb, tg, bale, tg_token, bale_token, users) -> None:
    for bot, token in ((tg, tg_token), (bale, bale_token)):
        await bot.ok("setWebhook", url="http://127.0.0.1:9/down")
        await users(token, 42).send_text("backlog")
        await bot.ok("deleteWebhook", drop_pending_updates=True)
    assert await tg.ok("getUpdates") == []
    # Bale has been seen keeping the backlog despite drop_pending_updates.
    assert [u["message"]["text"] for u in await bale.ok("getUpdates")] == ["backlog"]


async def test_bale_redelivers_through_the_webhook(sb, bale, bale_token, users, receiver):
    sb.set_redeliver(bale_token, True)
    await bale.ok("setWebhook", url=receiver.url)
    await users(bale_token, 42).send_text("once")
    await receiver.wait(2)
    await asyncio.sleep(0.1)
    ids = [u["update_id"] for _, u in receiver.requests]
    assert ids == [1, 1]


async def test_webhook_body_is_json(sb, tg, tg_token, users, receiver) -> None:
    await tg.ok("setWebhook", url=receiver.url)
    await users(tg_token, 42, "علی").send_text("سلام")
    await receiver.wait(1)
    headers, update = receiver.requests[0]
    assert headers["Content-Type"] == "application/json"
    assert json.dumps(update, ensure_ascii=False).count("سلام") == 1
