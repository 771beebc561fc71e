"""Faults on demand (per method, per chat, counted) and the per-bot messages-per-second ceiling."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from sandbox import Sandbox


@pytest.fixture
async def chats(tg_token, bale_token, users) -> None:
    for token in (tg_token, bale_token):
        for user_id in (1, 2):
            await users(token, user_id).send_text("hi")


@pytest.mark.parametrize(
    ("kind", "retry_after", "status", "description", "parameters"),
    [
        ("429", 3, 429, "Too Many Requests: retry after 3", {"retry_after": 3}),
        ("429", None, 429, "Too Many Requests: retry after 1", {"retry_after": 1}),
        ("429_no_retry", None, 429, "Too Many Requests", None),
        ("500", None, 500, "Internal Server Error", None),
        ("403", None, 403, "Forbidden: bot was blocked by the user", None),
        ("400", None, 400, "Bad Request: message can't be edited", None),
    ],
)
async def test_fault_kinds_on_telegram(
    sb, tg, tg_token, chats, kind, retry_after, status, description, parameters
) -> None:
    sb.set_fault(tg_token, "sendMessage", kind, retry_after=retry_after)
    got_status, body = await tg.call("sendMessage", chat_id=1, text="x")
    assert (got_status, body["description"]) == (status, description)
    assert body["error_code"] == status
    assert body.get("parameters") == parameters
    assert sb.sent_count(tg_token) == 0
    await tg.ok("sendMessage", chat_id=1, text="x")  # times=1: the next call works


async def test_bale_429_says_bot_limit_exceed(sb, bale, bale_token, chats) -> None:
    sb.set_fault(bale_token, "sendMessage", "429_no_retry")
    sb.set_fault(bale_token, "sendMessage", "429", retry_after=2)
    status, body = await bale.call("sendMessage", chat_id=1, text="x")
    assert (status, body["description"]) == (429, "bot limit exceed")
    assert "parameters" not in body
    status, body = await bale.call("sendMessage", chat_id=1, text="x")
    assert (status, body["description"], body["parameters"]) == (
        429,
        "bot limit exceed",
        {"retry_after": 2},
    )


async def test_fault_per_chat_and_times(sb, tg, tg_token, chats) -> None:
    sb.set_fault(tg_token, "sendmessage", "403", chat_id=2, times=2)
    assert (await tg.call("sendMessage", chat_id=2, text="x"))[0] == 403
    assert (await tg.call("sendMessage", chat_id=1, text="x"))[0] == 200
    assert (await tg.call("sendMessage", chat_id=2, text="x"))[0] == 403
    assert (await tg.call("sendMessage", chat_id=2, text="x"))[0] == 200
    assert sb.sent_count(tg_token, 1) == 1 and sb.sent_count(tg_token, 2) == 1


async def test_fault_globs_and_until_cleared(sb, tg, tg_token, chats) -> None:
    sb.set_fault(tg_token, "send*", "500", times=None)
    assert (await tg.call("sendMessage", chat_id=1, text="x"))[0] == 500
    assert (await tg.call("sendChatAction", chat_id=1, action="typing"))[0] == 500
    assert (await tg.call("getMe"))[0] == 200
    assert (await tg.call("sendMessage", chat_id=1, text="x"))[0] == 500
    sb.clear_faults(tg_token)
    assert (await tg.call("sendMessage", chat_id=1, text="x"))[0] == 200


async def test_hang_until_the_client_times_out(sb, tg, tg_token, chats, http) -> None:
    sb.set_fault(tg_token, "sendMessage", "hang")
    with pytest.raises(asyncio.TimeoutError):
        async with http.post(
            tg.url("sendMessage"),
            json={"chat_id": 1, "text": "lost"},
            timeout=aiohttp.ClientTimeout(total=0.3),
        ):
            pass
    assert sb.sent_count(tg_token) == 0  # never executed
    await tg.ok("sendMessage", chat_id=1, text="x")


async def test_bounded_hang_then_served(sb, tg, tg_token, chats) -> None:
    sb.set_fault(tg_token, "sendMessage", "hang", hang_seconds=0.2)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await tg.ok("sendMessage", chat_id=1, text="slow")
    assert loop.time() - started >= 0.19


async def test_hang_after_executes_but_answers_too_late(sb, tg, tg_token, chats, http) -> None:
    sb.set_fault(tg_token, "sendMessage", "hang_after")
    with pytest.raises(asyncio.TimeoutError):
        async with http.post(
            tg.url("sendMessage"),
            json={"chat_id": 1, "text": "sent twice?"},
            timeout=aiohttp.ClientTimeout(total=0.3),
        ):
            pass
    assert sb.sent_count(tg_token) == 1
    assert sb.transcript(tg_token, 1)[-1]["text"] == "sent twice?"


async def test_fault_on_file_download(sb, http, tg, tg_token, users) -> None:
    from sandbox.samples import png

    entry = await users(tg_token, 5).send_photo(png())
    info = await tg.ok("getFile", file_id=entry["file_id"])
    sb.set_fault(tg_token, "file", "500")
    url = f"{sb.base_url}/file/bot{tg_token}/{info['file_path']}"
    async with http.get(url) as resp:
        assert resp.status == 500
    async with http.get(url) as resp:
        assert resp.status == 200


async def test_faults_through_the_control_api(sb, http, tg, tg_token, chats) -> None:
    url = f"{sb.control_url}/bots/{tg_token}/faults"
    async with http.post(
        url,
        json={
            "method": "sendMessage",
            "kind": "429",
            "retry_after": 7,
            "chat_id": 1,
            "times": None,
        },
    ) as resp:
        assert (await resp.json())["faults"][0]["retry_after"] == 7
    async with http.post(url, json={"method": "x", "kind": "boom"}) as resp:
        assert resp.status == 400
    status, body = await tg.call("sendMessage", chat_id=1, text="x")
    assert status == 429 and body["parameters"] == {"retry_after": 7}
    async with http.delete(url) as resp:
        assert (await resp.json())["ok"]
    assert (await tg.call("sendMessage", chat_id=1, text="x"))[0] == 200


async def test_rate_ceiling_telegram(sb: Sandbox, tg, tg_token, chats) -> None:
    sb.set_rate_limit(tg_token, 5)
    results = await asyncio.gather(
        *(tg.call("sendMessage", chat_id=1 + i % 2, text=str(i)) for i in range(20))
    )
    ok = [r for r in results if r[0] == 200]
    limited = [r for r in results if r[0] == 429]
    assert 5 <= len(ok) <= 7 and len(ok) + len(limited) == 20
    assert limited[0][1]["parameters"] == {"retry_after": 1}
    assert limited[0][1]["description"] == "Too Many Requests: retry after 1"
    # Reads and edits are not counted.
    assert (await tg.call("getMe"))[0] == 200
    await asyncio.sleep(0.45)
    assert (await tg.call("sendMessage", chat_id=1, text="later"))[0] == 200
    assert sb.info(tg_token)["rate_limited"] >= 13
    sb.set_rate_limit(tg_token, None)
    results = await asyncio.gather(
        *(tg.call("sendMessage", chat_id=1, text="x") for _ in range(20))
    )
    assert all(r[0] == 200 for r in results)


async def test_rate_ceiling_bale_has_no_retry_after(sb, http, bale, bale_token, chats) -> None:
    async with http.post(
        f"{sb.control_url}/bots/{bale_token}/rate_limit", json={"per_second": 2}
    ) as resp:
        assert (await resp.json())["per_second"] == 2
    results = [await bale.call("sendMessage", chat_id=1, text="x") for _ in range(4)]
    assert [r[0] for r in results] == [200, 200, 429, 429]
    assert results[2][1]["description"] == "bot limit exceed"
    assert "parameters" not in results[2][1]


async def test_a_media_group_costs_one_token_per_item(sb, tg, tg_token, chats) -> None:
    from sandbox.samples import png

    sb.set_rate_limit(tg_token, 3)
    photo = await tg.multipart("sendPhoto", {"photo": ("a.png", png())}, chat_id="1")
    file_id = photo[1]["result"]["photo"][-1]["file_id"]
    media = [{"type": "photo", "media": file_id}] * 2
    status, _ = await tg.call("sendMediaGroup", chat_id=1, media=media)
    assert status == 200
    status, _ = await tg.call("sendMessage", chat_id=1, text="over")
    assert status == 429


async def test_user_blocks_and_unblocks_the_bot(sb, tg, tg_token, bale, bale_token, users) -> None:
    ali = users(tg_token, 9)
    await ali.send_text("hi")
    await ali.block()
    status, body = await tg.call("sendMessage", chat_id=9, text="x")
    assert (status, body["description"]) == (403, "Forbidden: bot was blocked by the user")
    updates = await tg.ok("getUpdates")
    assert updates[-1]["my_chat_member"]["new_chat_member"]["status"] == "kicked"
    await ali.unblock()
    await tg.ok("sendMessage", chat_id=9, text="x")
    # Bale has no my_chat_member: the block is noticed only when a send fails.
    reza = users(bale_token, 9)
    await reza.send_text("hi")
    await reza.block()
    assert (await bale.call("sendMessage", chat_id=9, text="x"))[0] == 403
    assert [list(u)[1] for u in await bale.ok("getUpdates")] == ["message"]
