"""A button answered after the platform stopped waiting for it (both refuse
`answerCallbackQuery` for a press older than about 15 s: "query is too old"): the alert cannot
be shown, so its text goes to the chat, whether it is the error handler's or a handler's own
refusal; the person is never left without an answer, and a refusal is not turned into a
failure (no "try again", no retry)."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from delivery import inbox as delivery_inbox
from demo.local import World
from services.declaration import wizard as flow
from services.errors import Invalid
from storage.models_inbox import InboxUpdate

OWNER_PHONE = "+989382413657"  # holder of office 16598444 in the demo registry


@pytest.mark.parametrize("platform", ["bale", "telegram"])
async def test_a_failure_after_the_button_expired_is_told_in_the_chat(
        world: World, platform: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delivery_inbox, "RETRY_AFTER", (timedelta(seconds=60),) * 3)
    token = world.tokens[platform]
    user = world.user(platform, 9801, "زهرا", phone=OWNER_PHONE)
    await user.send_command("/start")
    await user.wait_text("شمارهٔ همراه")
    await user.press("📱 ارسال شمارهٔ همراه من")
    await user.wait_text("مهلت خوداظهاری")

    async def slow_then_broken(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(0.6)  # past the button's expiry below
        raise RuntimeError("the database went away")

    monkeypatch.setattr(flow, "resume", slow_then_broken)
    world.sandbox.set_callback_expiry(token, 0.3)
    await user.press("✍️ ادامهٔ خوداظهاری")
    told = await user.wait_text("یک دقیقهٔ دیگر دوباره تلاش کنید", timeout=10)
    assert told["direction"] == "out" and told["kind"] == "text"  # a message, not an alert
    pressed = world.sandbox.callbacks(token, 9801)[-1]
    assert pressed["answered"] is False  # the alert itself was refused as too old


async def test_a_refusal_after_the_button_expired_is_told_in_the_chat_once(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(delivery_inbox, "RETRY_AFTER", (timedelta(seconds=0.3),) * 3)
    token = world.tokens["telegram"]
    user = world.user("telegram", 9802, "زهرا", phone=OWNER_PHONE)
    await user.send_command("/start")
    await user.wait_text("شمارهٔ همراه")
    await user.press("📱 ارسال شمارهٔ همراه من")
    await user.wait_text("مهلت خوداظهاری")

    async def slow_then_refused(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(0.6)
        raise Invalid("link-code-wrong")  # any refusal the handler shows as an alert

    monkeypatch.setattr(flow, "resume", slow_then_refused)
    world.sandbox.set_callback_expiry(token, 0.3)
    await user.press("✍️ ادامهٔ خوداظهاری")
    told = await user.wait_text("این کد درست نیست", timeout=10)
    assert told["direction"] == "out" and told["kind"] == "text"
    await asyncio.sleep(1.5)  # past the retry delay: a failure would have been tried again
    said = [e["text"] for e in await user.transcript()
            if e["direction"] == "out" and e["kind"] == "text"]
    assert sum("این کد درست نیست" in t for t in said) == 1, said
    assert not any("دوباره تلاش کنید" in t for t in said), said
    async with world.session() as session:
        states = (await session.scalars(select(InboxUpdate.state))).all()
    assert set(states) == {"done"}
