"""Webhooks: pushing updates, the secret header, retries, replies, Bale's restrictions."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web

from tests.waiting import until


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


@contextlib.asynccontextmanager
async def serving(rec: Receiver) -> AsyncIterator[Receiver]:
    """`rec` as a local webhook endpoint (its `url` set) for the block's duration."""
    app = web.Application()
    app.router.add_post("/hook/{secret}", rec.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    rec.url = f"http://127.0.0.1:{port}/hook/path-secret"
    try:
        yield rec
    finally:
        await runner.cleanup()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with serving(Receiver()) as rec:
        yield rec


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


class HeldReceiver(Receiver):
    """A webhook that keeps every request open until the test lets it go (``release``), and
    counts how many were open at once; ``failing`` texts are answered 500 that many times."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.open = 0
        self.peak = 0
        self.failing: dict[str, int] = {}

    async def handle(self, request: web.Request) -> web.Response:
        update = await request.json()
        self.requests.append((dict(request.headers), update))
        self.open += 1
        self.peak = max(self.peak, self.open)
        self.arrived.set()
        try:
            await self.gate.wait()
        finally:
            self.open -= 1
        text = (update.get("message") or {}).get("text")
        if self.failing.get(text, 0) > 0:
            self.failing[text] -= 1
            return web.Response(status=500)
        return web.json_response({})

    def release(self) -> None:
        self.gate.set()

    def texts(self) -> list[str]:
        return [u["message"]["text"] for _, u in self.requests]


@pytest.fixture
async def held() -> AsyncIterator[HeldReceiver]:
    rec = HeldReceiver()
    async with serving(rec):
        yield rec
        rec.release()


async def _warm_up(bot: Any, token: str, users: Any, held: HeldReceiver, **webhook: Any) -> None:
    """Set the webhook and have one update answered: Telegram uses one connection until the
    webhook has answered 2xx (and again after 10 quiet seconds)."""
    await bot.ok("setWebhook", url=held.url, **webhook)
    await users(token, 1).send_text("warm-up")
    held.release()
    await held.wait(1)

    async def delivered() -> bool:
        return (await bot.ok("getWebhookInfo"))["pending_update_count"] == 0

    await until(delivered, 3, "the warm-up update to be answered", every=0.01)
    held.gate.clear()
    held.requests.clear()
    held.peak = 0


async def test_telegram_delivers_to_several_chats_at_once_up_to_max_connections(
        sb, tg, tg_token, users, held) -> None:
    await _warm_up(tg, tg_token, users, held, max_connections=3)
    for chat in range(10, 16):
        await users(tg_token, chat).send_text(f"from {chat}")
    await held.wait(3)
    await asyncio.sleep(0.1)
    assert held.open == 3 and len(held.requests) == 3  # three at once, no more
    held.release()
    await held.wait(6)
    assert held.peak == 3
    assert sorted(held.texts()) == [f"from {chat}" for chat in range(10, 16)]
    assert (await tg.ok("getWebhookInfo"))["max_connections"] == 3


async def test_one_chats_updates_go_one_at_a_time_in_order(sb, tg, tg_token, users, held) -> None:
    await _warm_up(tg, tg_token, users, held)  # the default: 40 connections
    ali = users(tg_token, 42)
    for text in ("one", "two", "three"):
        await ali.send_text(text)
    await users(tg_token, 43).send_text("other chat")
    await held.wait(2)
    await asyncio.sleep(0.1)
    assert held.open == 2 and sorted(held.texts()) == ["one", "other chat"]
    held.release()
    await held.wait(4)
    assert [t for t in held.texts() if t != "other chat"] == ["one", "two", "three"]


async def test_a_failing_update_holds_back_its_own_chat_only(sb, tg, tg_token, users, held):
    await _warm_up(tg, tg_token, users, held)
    held.failing = {"stuck": 2}
    held.release()
    ali, reza = users(tg_token, 42), users(tg_token, 43)
    await ali.send_text("stuck")
    await ali.send_text("after it")
    for i in range(3):
        await reza.send_text(f"reza {i}")
    await held.wait(7)
    texts = held.texts()
    assert [t for t in texts if t in ("stuck", "after it")] == ["stuck"] * 3 + ["after it"]
    assert [t for t in texts if t.startswith("reza")] == ["reza 0", "reza 1", "reza 2"]
    assert texts.index("reza 2") < texts.index("after it")  # not held back by Ali's retries


async def test_a_button_press_has_a_queue_apart_from_the_same_persons_messages(
        sb, tg, tg_token, users, held) -> None:
    await _warm_up(tg, tg_token, users, held)
    sb.inject_raw_update(tg_token, {"message": {
        "message_id": 1, "date": 0, "chat": {"id": 42, "type": "private"},
        "from": {"id": 42, "is_bot": False, "first_name": "Ali"}, "text": "typed"}})
    sb.inject_raw_update(tg_token, {"callback_query": {
        "id": "7", "chat_instance": "1", "data": "x",
        "from": {"id": 42, "is_bot": False, "first_name": "Ali"}}})
    await held.wait(2)  # both in flight at once, as Telegram's queue ids make them
    assert held.open == 2
    held.release()


async def test_max_connections_is_clamped_like_telegram(sb, tg, receiver) -> None:
    for given, kept in ((0, 1), (500, 100), (None, 40)):
        params = {} if given is None else {"max_connections": given}
        assert await tg.ok("setWebhook", url=receiver.url, **params) is True
        assert (await tg.ok("getWebhookInfo"))["max_connections"] == kept


async def test_a_webhook_that_never_answered_gets_one_connection(sb, tg, tg_token, users, held):
    for chat in range(10, 14):
        await users(tg_token, chat).send_text(f"from {chat}")
    await tg.ok("setWebhook", url=held.url)
    await held.wait(1)
    await asyncio.sleep(0.2)
    assert held.open == 1  # probed, not flooded
    held.release()
    await held.wait(4)


async def test_bale_delivers_one_at_a_time_unless_switched(sb, bale, bale_token, users, held):
    await _warm_up(bale, bale_token, users, held)

    async def three_chats_at_once(first: int, expected: int) -> int:
        """How many deliveries are open at once when three people write together."""
        for chat in range(first, first + 3):
            await users(bale_token, chat).send_text(f"from {chat}")
        await held.wait(expected)
        await asyncio.sleep(0.2)
        return held.open

    assert await three_chats_at_once(10, 1) == 1
    held.release()
    await held.wait(3)
    held.gate.clear()
    held.requests.clear()
    sb.set_quirks(bale_token, webhook_connections=2)
    assert await three_chats_at_once(20, 2) == 2
    held.release()
    await held.wait(3)
    assert "max_connections" not in await bale.ok("getWebhookInfo")


async def test_delete_webhook_in_an_answer_is_ignored_like_telegram(sb, tg, tg_token, users,
                                                                   receiver) -> None:
    receiver.reply = {"method": "deleteWebhook"}
    await tg.ok("setWebhook", url=receiver.url)
    await users(tg_token, 42).send_text("hi")
    await receiver.wait(1)
    await asyncio.sleep(0.1)
    assert (await tg.ok("getWebhookInfo"))["url"] == receiver.url


async def test_the_harness_can_cap_every_webhooks_connections(sb, tg, tg_token, users, held):
    sb.webhook_connections = 1  # Sandbox(webhook_connections=1): bench --webhook-connections 1
    await _warm_up(tg, tg_token, users, held)  # the bot asked for Telegram's default, 40
    for chat in range(10, 13):
        await users(tg_token, chat).send_text(f"from {chat}")
    await held.wait(1)
    await asyncio.sleep(0.2)
    assert held.open == 1  # one at a time, as the sandbox delivered before
    held.release()
    await held.wait(3)
