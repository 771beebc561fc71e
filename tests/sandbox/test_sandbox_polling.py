"""Updates: long polling, offsets, conflicts, raw injection, Bale redelivery, separate worlds."""

from __future__ import annotations

import asyncio
import time

import aiohttp

from sandbox import Sandbox


async def test_get_me_and_token_shape(sb: Sandbox, tg, tg_token: str) -> None:
    me = await tg.ok("getMe")
    assert me["is_bot"] is True
    assert me["id"] == int(tg_token.split(":")[0])
    assert me["username"] == "tg_test_bot"
    assert len(tg_token.split(":")[1]) == 35


async def test_long_poll_returns_as_soon_as_an_update_arrives(sb, tg, tg_token, users) -> None:
    ali = users(tg_token, 42, "Ali")
    started = time.monotonic()
    poll = asyncio.create_task(tg.ok("getUpdates", timeout=10))
    await asyncio.sleep(0.2)
    assert not poll.done()
    await ali.send_text("salam")
    updates = await asyncio.wait_for(poll, 2)
    assert time.monotonic() - started < 1.5
    assert [u["message"]["text"] for u in updates] == ["salam"]
    message = updates[0]["message"]
    assert message["chat"] == {"id": 42, "type": "private", "first_name": "Ali"}
    assert message["from"]["id"] == 42 and message["from"]["is_bot"] is False
    assert message["message_id"] == 1 and message["date"] > 0


async def test_long_poll_times_out_empty(tg) -> None:
    started = time.monotonic()
    assert await tg.ok("getUpdates", timeout=0.3) == []
    assert 0.25 < time.monotonic() - started < 2


async def test_offset_confirms_and_limit_caps(sb, tg, tg_token, users) -> None:
    ali = users(tg_token, 7)
    for i in range(5):
        await ali.send_text(f"m{i}")
    first = await tg.ok("getUpdates", limit=2)
    assert [u["message"]["text"] for u in first] == ["m0", "m1"]
    # Without an offset nothing is confirmed: the same updates come again.
    assert [u["update_id"] for u in await tg.ok("getUpdates", limit=2)] == [
        u["update_id"] for u in first
    ]
    rest = await tg.ok("getUpdates", offset=first[-1]["update_id"] + 1)
    assert [u["message"]["text"] for u in rest] == ["m2", "m3", "m4"]
    # Negative offset: the last N only, the earlier ones forgotten.
    assert [u["message"]["text"] for u in await tg.ok("getUpdates", offset=-1)] == ["m4"]
    assert [u["message"]["text"] for u in await tg.ok("getUpdates")] == ["m4"]
    assert await tg.ok("getUpdates", offset=rest[-1]["update_id"] + 1) == []
    assert sb.pending_updates(tg_token) == []


async def test_form_and_query_string_parameters(sb, tg, tg_token, users, http) -> None:
    ali = users(tg_token, 8)
    await ali.send_text("a")
    await ali.send_text("b")
    async with http.get(tg.url("getUpdates") + "?limit=1") as resp:
        assert [u["message"]["text"] for u in (await resp.json())["result"]] == ["a"]
    status, body = await tg.form("getUpdates", offset="2", limit="5")
    assert status == 200 and [u["message"]["text"] for u in body["result"]] == ["b"]


async def test_a_newer_poll_terminates_the_older_one(tg) -> None:
    older = asyncio.create_task(tg.call("getUpdates", timeout=5))
    await asyncio.sleep(0.1)
    newer = asyncio.create_task(tg.call("getUpdates", timeout=0.2))
    status, body = await asyncio.wait_for(older, 2)
    assert status == 409 and "terminated by other getUpdates" in body["description"]
    assert (await newer)[0] == 200


async def test_unknown_token_and_unknown_method(sb, http, tg, bale_token) -> None:
    fake = "123456:AAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
    async with http.post(f"{sb.base_url}/bot{fake}/getMe") as resp:
        assert resp.status == 401 and (await resp.json())["description"] == "Unauthorized"
    async with http.post(f"{sb.base_url}/bale/bot{fake}/getMe") as resp:
        body = await resp.json()
        assert resp.status == 403 and body["description"] == "Bad Request: Token not found"
    # A Bale token is unknown to the Telegram-flavoured base, like on the real servers.
    async with http.post(f"{sb.api_base('telegram')}/bot{bale_token}/getMe") as resp:
        assert resp.status == 401
    async with http.post(f"{sb.api_base('bale')}/bot{bale_token}/getMe") as resp:
        assert resp.status == 200
    status, body = await tg.call("sendPoll", chat_id=1)
    assert status == 404 and body["description"] == "Not Found"


async def test_injected_raw_update_is_delivered_verbatim(sb, tg, tg_token, users) -> None:
    ali = users(tg_token, 9)
    await ali.send_text("before")
    bad_id = sb.inject_raw_update(tg_token, {"update_id": 50, "callback_query": {"id": "x"}})
    assert bad_id == 50
    await ali.send_text("after")
    updates = await tg.ok("getUpdates")
    assert [u["update_id"] for u in updates] == [1, 50, 51]
    assert updates[1] == {"update_id": 50, "callback_query": {"id": "x"}}
    # Moving the offset past the bad one keeps polling going.
    assert [u["update_id"] for u in await tg.ok("getUpdates", offset=51)] == [51]


async def test_inject_through_control_api_without_update_id(sb, http, tg, tg_token) -> None:
    url = f"{sb.control_url}/bots/{tg_token}/updates"
    async with http.post(url, json={"update": {"weird": True}}) as resp:
        assert (await resp.json())["ok"]
    assert await tg.ok("getUpdates") == [{"weird": True}]


async def test_bale_redelivers_an_already_delivered_update(sb, bale, bale_token, users) -> None:
    sb.set_redeliver(bale_token, True)
    ali = users(bale_token, 5)
    await ali.send_text("one")
    await ali.send_text("two")
    first = await bale.ok("getUpdates", timeout=1)
    assert [u["update_id"] for u in first] == [1, 2]
    again = await bale.ok("getUpdates", offset=3, timeout=1)
    assert [u["update_id"] for u in again] == [2]  # a duplicate of an old update
    again = await bale.ok("getUpdates", offset=3, timeout=1)
    assert [u["update_id"] for u in again] == [1]
    assert await bale.ok("getUpdates", offset=3, timeout=0.2) == []  # each only once
    sb.set_redeliver(bale_token, False)
    await ali.send_text("three")
    assert [u["update_id"] for u in await bale.ok("getUpdates", offset=3)] == [3]
    assert await bale.ok("getUpdates", offset=4) == []


async def test_same_user_id_on_both_flavours_is_two_people(
    sb, tg, bale, tg_token, bale_token, users
) -> None:
    tg_ali = users(tg_token, 1000, "Ali")
    bale_reza = users(bale_token, 1000, "Reza")
    await tg_ali.send_text("from telegram")
    await bale_reza.send_text("from bale")
    [tg_update] = await tg.ok("getUpdates")
    [bale_update] = await bale.ok("getUpdates")
    assert tg_update["message"]["from"]["first_name"] == "Ali"
    assert bale_update["message"]["from"]["first_name"] == "Reza"
    await tg.ok("sendMessage", chat_id=1000, text="only telegram")
    assert [e["text"] for e in sb.transcript(bale_token, 1000)] == ["from bale"]
    assert [e["text"] for e in sb.transcript(tg_token, 1000)] == [
        "from telegram",
        "only telegram",
    ]
    assert sb.sent_count(tg_token) == 1 and sb.sent_count(bale_token) == 0


async def test_control_api_lists_and_adds_bots(sb, http) -> None:
    async with http.post(f"{sb.control_url}/bots", json={"flavour": "bale"}) as resp:
        body = await resp.json()
    assert body["ok"] and body["flavour"] == "bale"
    async with http.get(sb.control_url) as resp:
        overview = await resp.json()
    assert [b["flavour"] for b in overview["bots"]] == ["bale"]
    # A bot can be named by username or id instead of its token.
    async with http.get(f"{sb.control_url}/bots/@{body['username']}") as resp:
        assert (await resp.json())["token"] == body["token"]
    async with http.get(f"{sb.control_url}/bots/nope") as resp:
        assert resp.status == 404


async def test_stop_is_fast_with_a_poll_in_flight() -> None:
    sandbox = Sandbox()
    token = sandbox.add_bot("telegram")
    await sandbox.start()
    async with aiohttp.ClientSession() as session:
        poll = asyncio.create_task(
            session.post(f"{sandbox.base_url}/bot{token}/getUpdates", json={"timeout": 30})
        )
        await asyncio.sleep(0.1)
        started = time.monotonic()
        await sandbox.stop()
        assert time.monotonic() - started < 1.5
        poll.cancel()
