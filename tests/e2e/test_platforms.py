"""The platform adapters against the sandbox's Telegram and Bale flavours, over real HTTP:
polling and webhook mode, faults, malformed and re-delivered updates, overlapping user ids."""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path

import aiohttp
import pytest

from bot.webhook import serve_webhook
from demo.local import World, local_world
from tests.e2e.conftest import FIXED_NOW

PLATFORMS = ["bale", "telegram"]
WELCOME = "خوش آمدید"


async def start_and_greet(world: World, platform: str, user_id: int = 9001) -> list[dict]:
    user = world.user(platform, user_id, "کاربر")
    await user.send_command("/start")
    return await user.wait_messages(2, timeout=10)


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_start_greets_in_persian(world: World, platform: str) -> None:
    welcome, ask = await start_and_greet(world, platform)
    assert WELCOME in welcome["text"]
    assert ask["reply_markup"]["keyboard"][0][0]["request_contact"] is True
    if platform == "bale":  # only `keyboard` is documented for Bale's reply keyboards
        assert set(ask["reply_markup"]) == {"keyboard"}
        assert ask["parse_mode"] is None


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_a_contact_that_is_not_the_senders_is_refused(world: World, platform: str) -> None:
    user = world.user(platform, 9002, "کاربر", phone="+989382413657")
    await user.share_contact("+989382413657", own=False, user_id=12345)
    refusal = await user.wait_message()
    assert "متعلق به حساب شما نیست" in refusal["text"]
    await user.share_contact(omit_user_id=True)  # no user_id: not proven to be theirs
    assert "متعلق به حساب شما نیست" in (await user.wait_message())["text"]
    async with world.session() as session:
        from sqlalchemy import func, select

        from storage.models import AccountOffice

        assert await session.scalar(select(func.count()).select_from(AccountOffice)) == 0


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_429_with_retry_after_is_retried_after_the_delay(world: World,
                                                               platform: str) -> None:
    world.sandbox.set_fault(world.tokens[platform], "sendMessage", "429", chat_id=9004,
                            times=1, retry_after=1)
    started = time.monotonic()
    welcome, _ = await start_and_greet(world, platform, 9004)
    assert WELCOME in welcome["text"]
    assert time.monotonic() - started >= 1.0


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_429_without_retry_after_is_retried_with_backoff(world: World,
                                                              platform: str) -> None:
    world.sandbox.set_fault(world.tokens[platform], "sendMessage", "429_no_retry",
                            chat_id=9005, times=2)
    started = time.monotonic()
    welcome, _ = await start_and_greet(world, platform, 9005)
    assert WELCOME in welcome["text"]
    assert time.monotonic() - started >= 0.5 + 1.0  # two backoff steps: 0.5 s, then 1 s


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_an_unparseable_update_is_skipped_and_the_next_handled(world: World,
                                                                     platform: str) -> None:
    world.sandbox.inject_raw_update(world.tokens[platform], {
        "update_id": 0, "message": {"message_id": "not a number", "chat": "nowhere"}})
    welcome, _ = await start_and_greet(world, platform, 9006)
    assert WELCOME in welcome["text"]
    welcome, _ = await start_and_greet(world, platform, 9007)  # and polling still runs
    assert WELCOME in welcome["text"]


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_a_redelivered_update_is_handled_once(world: World, platform: str) -> None:
    world.sandbox.set_redeliver(world.tokens[platform], True)
    user = world.user(platform, 9008, "کاربر")
    await user.send_command("/start")
    await user.wait_messages(2)
    await user.send_command("/start")
    await user.wait_messages(2)
    await asyncio.sleep(0.5)  # time for any re-delivered copy to be (wrongly) answered
    welcomes = [e for e in await user.transcript()
                if e["direction"] == "out" and WELCOME in (e.get("text") or "")]
    assert len(welcomes) == 2


async def test_same_numeric_id_on_both_platforms_is_two_people(world: World) -> None:
    bale = world.user("bale", 4242, "زهرا", phone="+989382413657")
    telegram = world.user("telegram", 4242, "Someone", phone="+989121230001")
    await asyncio.gather(bale.send_command("/start"), telegram.send_command("/start"))
    await asyncio.gather(bale.wait_messages(2), telegram.wait_messages(2))
    await asyncio.gather(bale.share_contact(), telegram.share_contact())
    bale_linked = await bale.wait_text("متصل شد")
    telegram_linked = await telegram.wait_text("متصل شد")
    assert "ساری" in bale_linked["text"] and "تهران" not in bale_linked["text"]
    assert "تهران" in telegram_linked["text"] and "ساری" not in telegram_linked["text"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_webhook_mode_serves_both_and_refuses_a_wrong_secret(tmp_path: Path) -> None:
    secret = "s3cret-for-tests-only-0123"
    port = free_port()
    async with local_world(tmp_path, now=FIXED_NOW, polling=False) as world:
        ready, stop = asyncio.Event(), asyncio.Event()
        server = asyncio.create_task(serve_webhook(
            world.app, "127.0.0.1", port, f"http://127.0.0.1:{port}", secret,
            ready=ready, stop=stop))
        await asyncio.wait_for(ready.wait(), 10)
        try:
            for platform in PLATFORMS:
                welcome, _ = await start_and_greet(world, platform, 9100)
                assert WELCOME in welcome["text"]
            update = {"update_id": 999, "message": {
                "message_id": 1, "date": 0, "text": "/start",
                "chat": {"id": 9200, "type": "private"},
                "from": {"id": 9200, "is_bot": False, "first_name": "x"}}}
            async with aiohttp.ClientSession() as http:
                base = f"http://127.0.0.1:{port}"
                wrong = await http.post(f"{base}/webhook/telegram", json=update,
                                        headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"})
                missing = await http.post(f"{base}/webhook/telegram", json=update)
                bale = await http.post(f"{base}/webhook/bale/wrong-secret", json=update)
            assert (wrong.status, missing.status, bale.status) == (403, 403, 403)
            await asyncio.sleep(0.3)
            for platform in PLATFORMS:
                assert world.sandbox.transcript(world.tokens[platform], 9200) == []
        finally:
            stop.set()
            await server


@pytest.mark.parametrize("style", ["bare", "plus", "zero", "number"])
async def test_own_contact_links_whatever_form_the_number_takes(world: World, style: str) -> None:
    user = world.user("bale", 9300, "زهرا", phone="+989382413657")
    await user.share_contact(phone_style=style)
    assert "متصل شد" in (await user.wait_message())["text"]


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_groups_and_strangers_get_a_clear_answer(world: World, platform: str) -> None:
    user = world.user(platform, 9400, "غریبه")
    await user.send_raw({"chat": {"id": 9400, "type": "group", "title": "گروه دفاتر"},
                         "text": "/start"})
    assert "فقط در گفت‌وگوی خصوصی" in (await user.wait_message())["text"]
    for command in ("/review", "/publish", "/inbox", "/scores"):
        await user.send_text(command)  # an account nobody linked or gave a role
        assert "تعریف نشده" in (await user.wait_message())["text"], command
