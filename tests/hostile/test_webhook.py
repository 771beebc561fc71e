"""A webhook that fails closed: whatever an outsider who knows the URL sends, the answer is a
4xx and nothing is stored; a good update is stored before its 200. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select

from bot.webhook import MAX_BODY, RouteAccessLogger, SourceLimit, build_webhook_app
from bot.webhook_secrets import WebhookSecrets
from delivery.platforms import PlatformBot
from services.clock import Clock
from storage.models_inbox import InboxUpdate

SECRETS = WebhookSecrets(path="bale-path-secret-0123456789", telegram="tg_secret-token-1")
HEADER = "X-Telegram-Bot-Api-Secret-Token"
TOKENS = {"telegram": "7000000001:AAtelegram-token-for-webhook-tests01",
          "bale": "7000000002:AAbale-token-for-webhook-tests-00001"}


def update(update_id: int = 1, text: str = "/start") -> dict[str, Any]:
    return {"update_id": update_id, "message": {
        "message_id": 1, "date": 0, "text": text, "chat": {"id": 9200, "type": "private"},
        "from": {"id": 9200, "is_bot": False, "first_name": "x"}}}


GOOD = json.dumps(update()).encode()


def nested(depth: int) -> bytes:
    inner = "[" * depth + "]" * depth
    return (json.dumps(update())[:-1] + f', "extra": {inner}}}').encode()


@pytest.fixture
async def client(sessionmaker: Any) -> AsyncIterator[TestClient]:
    bots = [PlatformBot(name, token, "http://127.0.0.1:9") for name, token in TOKENS.items()]
    app = SimpleNamespace(bots=bots, sessionmaker=sessionmaker, clock=Clock(),
                          settings=SimpleNamespace(webhook_rate_per_minute=600))
    web_app = build_webhook_app(app, SECRETS, asyncio.Event())  # type: ignore[arg-type]
    async with TestClient(TestServer(web_app)) as test_client:
        test_client.app_state = app  # type: ignore[attr-defined]
        yield test_client
    for bot in bots:
        await bot.session.close()


async def kept(client: TestClient) -> int:
    async with client.app_state.sessionmaker() as session:  # type: ignore[attr-defined]
        return await session.scalar(select(func.count()).select_from(InboxUpdate))


TG = "/webhook/telegram"
BALE = f"/webhook/bale/{SECRETS.path}"
OK_HEADERS = {HEADER: SECRETS.telegram}
# name, path, headers, body, expected status
CASES: list[tuple[str, str, dict[str, str], bytes, int]] = [
    ("telegram, right secret", TG, OK_HEADERS, GOOD, 200),
    ("bale, right path", BALE, {}, GOOD, 200),
    ("telegram, no secret", TG, {}, GOOD, 403),
    ("telegram, wrong secret", TG, {HEADER: "wrong"}, GOOD, 403),
    ("telegram, empty secret", TG, {HEADER: ""}, GOOD, 403),
    ("telegram, the bale path secret", TG, {HEADER: SECRETS.path}, GOOD, 403),
    ("telegram, secret with a suffix", TG, {HEADER: SECRETS.telegram + "x"}, GOOD, 403),
    ("telegram, non-ascii secret", TG, {HEADER: "رمز"}, GOOD, 403),
    ("telegram, latin-1 secret", TG, {HEADER: "s\xe9cret"}, GOOD, 403),
    ("bale, wrong path", "/webhook/bale/wrong-secret-0123456789", {}, GOOD, 403),
    ("bale, the telegram secret as path", f"/webhook/bale/{SECRETS.telegram}", {}, GOOD, 403),
    ("bale, non-ascii path", "/webhook/bale/%D8%B1%D9%85%D8%B2", {}, GOOD, 403),
    ("bale, lone surrogate path", "/webhook/bale/%ED%A0%80", {}, GOOD, 403),
    ("bale, path secret plus one", f"{BALE}x", {}, GOOD, 403),
    ("body over 1 MB", TG, OK_HEADERS, b" " * (MAX_BODY + 1), 413),
    ("body of 5 MB", TG, OK_HEADERS, b"{" + b" " * (5 * MAX_BODY) + b"}", 413),
    ("not JSON", TG, OK_HEADERS, b"update please", 400),
    ("truncated JSON", TG, OK_HEADERS, GOOD[:-3], 400),
    ("invalid UTF-8", TG, OK_HEADERS, b'{"update_id": 1, "x": "\xff\xfe"}', 400),
    ("JSON array", TG, OK_HEADERS, b"[1, 2]", 400),
    ("JSON string", TG, OK_HEADERS, b'"hello"', 400),
    ("JSON null", TG, OK_HEADERS, b"null", 400),
    ("empty body", TG, OK_HEADERS, b"", 400),
    ("nested 100 000 deep", TG, OK_HEADERS, b"[" * 100_000 + b"]" * 100_000, 400),
    ("nested 5000 deep in an update", TG, OK_HEADERS, nested(5000), 400),
    ("nested 40 deep in an update", TG, OK_HEADERS, nested(40), 400),
    ("NaN where a number goes", TG, OK_HEADERS, b'{"update_id": NaN}', 200),
    ("an update that is not one", TG, OK_HEADERS, b'{"update_id": "x"}', 200),
    ("lone surrogate in the text", TG, OK_HEADERS,
     json.dumps(update(text="\ud800۸۵")).encode(), 200),
    ("lone low surrogate in a name", TG, OK_HEADERS,
     json.dumps(update() | {"message": update()["message"] | {
         "from": {"id": 9200, "is_bot": False, "first_name": "\udfff"}}}).encode(), 200),
    ("nul in the text", TG, OK_HEADERS, json.dumps(update(text="8\x005")).encode(), 200),
    ("user id above 64 bits", TG, OK_HEADERS,
     json.dumps(update() | {"message": update()["message"] | {
         "from": {"id": 2**80, "is_bot": False, "first_name": "x"}}}).encode(), 200),
]
STORES = {"telegram, right secret", "bale, right path", "lone surrogate in the text",
          "lone low surrogate in a name", "nul in the text"}


@pytest.mark.parametrize(("path", "headers", "body", "status"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
async def test_webhook_answers_hostile_requests(client: TestClient, path: str,
                                                headers: dict[str, str], body: bytes,
                                                status: int, request: Any) -> None:
    response = await client.post(path, data=body, headers=headers)
    assert response.status == status, await response.text()
    name = request.node.callspec.id
    assert await kept(client) == (1 if any(name.endswith(s) for s in STORES) else 0)


async def test_a_body_of_exactly_1_mb_is_read(client: TestClient) -> None:
    body = GOOD[:-1] + b" " * (MAX_BODY - len(GOOD)) + b"}"
    assert len(body) == MAX_BODY
    response = await client.post(TG, data=body, headers=OK_HEADERS)
    assert response.status == 200 and await kept(client) == 1


async def test_a_chunked_body_over_1_mb_is_refused(client: TestClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b" " * 100_000

    response = await client.post(TG, data=chunks(), headers=OK_HEADERS)
    assert response.status == 413 and await kept(client) == 0


async def test_one_source_is_limited(client: TestClient) -> None:
    """Wrong secrets spend the source's budget fast: then even the right one waits."""
    statuses = [(await client.post(TG, data=GOOD, headers={HEADER: "guess"})).status
                for _ in range(40)]
    assert statuses[0] == 403 and statuses[-1] == 429
    assert (await client.post(TG, data=GOOD, headers=OK_HEADERS)).status == 429
    assert await kept(client) == 0


async def test_behind_the_proxy_each_source_has_its_own_budget(client: TestClient) -> None:
    """nginx forwards every request from 127.0.0.1: the address it appended to
    X-Forwarded-For is the source, so one guesser does not lock the platform out."""
    guesser = {HEADER: "guess", "X-Forwarded-For": "203.0.113.5"}
    statuses = [(await client.post(TG, data=GOOD, headers=guesser)).status for _ in range(40)]
    assert statuses[-1] == 429
    platform = {**OK_HEADERS, "X-Forwarded-For": "10.0.0.1, 149.154.167.1"}
    assert (await client.post(TG, data=GOOD, headers=platform)).status == 200


async def test_an_untrusted_peer_cannot_choose_its_source(sessionmaker: Any) -> None:
    bots = [PlatformBot("telegram", TOKENS["telegram"], "http://127.0.0.1:9")]
    app = SimpleNamespace(bots=bots, sessionmaker=sessionmaker, clock=Clock(),
                          settings=SimpleNamespace(webhook_rate_per_minute=600,
                                                   webhook_trusted_proxies="10.9.9.9"))
    web_app = build_webhook_app(app, SECRETS, asyncio.Event())  # type: ignore[arg-type]
    async with TestClient(TestServer(web_app)) as test_client:
        for n in range(40):  # a new "source" each time: ignored, the peer's own address counts
            headers = {HEADER: "guess", "X-Forwarded-For": f"198.51.100.{n}"}
            status = (await test_client.post(TG, data=GOOD, headers=headers)).status
        assert status == 429
    for bot in bots:
        await bot.session.close()


def test_the_bucket_refills() -> None:
    now = [0.0]
    limit = SourceLimit(60, clock=lambda: now[0])
    assert all(limit.allow("a") for _ in range(60))
    assert not limit.allow("a") and limit.allow("b")
    now[0] += 2.0
    assert limit.allow("a") and limit.allow("a") and not limit.allow("a")


async def test_the_access_log_shows_the_route_not_the_secret(
        sessionmaker: Any, caplog: pytest.LogCaptureFixture) -> None:
    """aiohttp's default access log prints the request line: the Bale path secret."""
    bots = [PlatformBot("bale", TOKENS["bale"], "http://127.0.0.1:9")]
    app = SimpleNamespace(bots=bots, sessionmaker=sessionmaker, clock=Clock(),
                          settings=SimpleNamespace(webhook_rate_per_minute=600))
    web_app = build_webhook_app(app, SECRETS, asyncio.Event())  # type: ignore[arg-type]
    caplog.set_level(logging.INFO, logger="aiohttp.access")
    server = TestServer(web_app)
    await server.start_server(access_log_class=RouteAccessLogger)  # as serve_webhook's runner
    async with TestClient(server) as test_client:
        assert (await test_client.post(BALE, data=GOOD)).status == 200
        assert (await test_client.post(f"{BALE}/more", data=GOOD)).status == 404
        assert (await test_client.post(f"{BALE}?q={SECRETS.telegram}", data=GOOD)).status == 200
    await bots[0].session.close()
    lines = [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]
    assert len(lines) == 3
    assert "/webhook/bale/{secret}" in lines[0]
    assert not any(SECRETS.path in line or SECRETS.telegram in line for line in lines)


async def test_telegram_secret_is_checked_at_start(sessionmaker: Any) -> None:
    app = SimpleNamespace(bots=[], sessionmaker=sessionmaker, clock=Clock(),
                          settings=SimpleNamespace(webhook_rate_per_minute=600))
    for bad in ("", "has space", "ä" * 3, "a" * 257):
        with pytest.raises(ValueError):
            build_webhook_app(app, WebhookSecrets(SECRETS.path, bad),  # type: ignore[arg-type]
                              asyncio.Event())
