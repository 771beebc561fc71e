"""The bot's delivery side against Bale as third parties report it (the sandbox's BaleQuirks):
edits answered with a stub, «bot limit exceed» with any status, «no such group or user», a
revoked token, and texts and captions over the platform's limits (docs/PLATFORMS.md)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy import select, update

from delivery.limits import BALE_CAPTION, expand, split_text, units
from delivery.outbox import OutboxSender, build_method
from delivery.platforms import PlatformBot, TokenRefused
from demo.local import World, local_world
from sandbox import Sandbox
from sandbox.samples import png
from sandbox.state import BaleQuirks
from storage.models import Outbox
from storage.outbox import enqueue

KB = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="ok", callback_data="k")]])


@pytest.fixture
async def world(tmp_path: Path, db_url: str) -> AsyncIterator[World]:
    from storage.db import create_engine, upgrade

    engine = create_engine(db_url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    async with local_world(tmp_path, database_url=db_url, polling=False) as w:
        w.sandbox.set_quirks(w.tokens["bale"], BaleQuirks.reported())
        yield w


@pytest.fixture
async def sandbox_bot() -> AsyncIterator[tuple[Sandbox, str, PlatformBot]]:
    async with Sandbox(bale_quirks=BaleQuirks.reported()) as sb:
        token = sb.add_bot("bale")
        sb.add_user(token, 7)
        bot = PlatformBot("bale", token, sb.api_base("bale"))
        try:
            yield sb, token, bot
        finally:
            await bot.session.close()


async def put(w: World, chat_id: int, text: str | None = "سلام", **kw: object) -> None:
    async with w.session() as session:
        await enqueue(session, platform="bale", chat_id=chat_id, text=text, kind="test", **kw)
        await session.commit()


async def rows(w: World) -> list[Outbox]:
    async with w.session() as session:
        return list((await session.scalars(select(Outbox).order_by(Outbox.id))).all())


async def due_now(w: World) -> None:
    async with w.session() as session:
        await session.execute(update(Outbox).where(Outbox.status == "queued")
                              .values(not_before=datetime.now(UTC) - timedelta(seconds=1)))
        await session.commit()


def bale_sender(w: World) -> OutboxSender:
    return OutboxSender(w.app.sessionmaker, [b for b in w.app.bots if b.platform == "bale"],
                        w.settings, w.clock)


# ------------------------------------------------------------------- the session itself


async def test_edits_answered_with_a_stub_are_success(sandbox_bot) -> None:
    sb, token, bot = sandbox_bot
    sent = await bot.send_message(7, "question", reply_markup=KB)
    assert await bot.edit_message_text("answered", chat_id=7, message_id=sent.message_id,
                                       reply_markup=KB) is True
    assert await bot.edit_message_reply_markup(chat_id=7, message_id=sent.message_id) is True
    entry = sb.transcript(token, 7)[-1]
    assert entry["text"] == "answered" and entry["reply_markup"] is None


async def test_a_reply_limited_with_status_400_is_retried(sandbox_bot) -> None:
    sb, token, bot = sandbox_bot
    sb.set_fault(token, "sendMessage", "429_no_retry", times=2)  # "bot limit exceed", 400
    assert (await bot.send_message(7, "hi")).text == "hi"
    assert sb.calls(token)["sendmessage"] == 3


@pytest.mark.parametrize("status", [403, 404])
async def test_a_revoked_token_raises_token_refused(sandbox_bot, status) -> None:
    sb, token, bot = sandbox_bot
    sb.set_quirks(token, bad_token_status=status)
    sb.revoke_token(token)
    with pytest.raises(TokenRefused):
        await bot.send_message(7, "hi")


async def test_an_old_app_gets_the_callback_answer_as_a_message(sandbox_bot) -> None:
    sb, token, bot = sandbox_bot
    sb.set_quirks(token, old_clients=False)
    await bot.send_message(7, "question", reply_markup=KB)
    user = sb.user(token, 7)
    try:
        await user.press("ok")  # a current app
        sb.set_quirks(token, old_clients=True)
        await user.press("ok")  # an old one
    finally:
        await user.close()
    updates = await bot.get_updates()
    new, old = (u.callback_query for u in updates if u.callback_query is not None)
    assert old.id.startswith("1") and not new.id.startswith("1")
    assert await bot.answer_callback_query(new.id, text="saved")
    assert await bot.answer_callback_query(old.id, text="saved")
    texts = [e.get("text") for e in sb.transcript(token, 7) if e["direction"] == "out"]
    assert texts == ["question", "saved"]  # once, for the old app only
    assert all(r["answered"] for r in sb.callbacks(token, 7))


# -------------------------------------------------------------------------- the outbox


async def test_bot_limit_exceed_with_status_400_is_retried_not_failed(world: World) -> None:
    w = world
    w.sandbox.add_user(w.tokens["bale"], 31)
    w.sandbox.set_fault(w.tokens["bale"], "sendMessage", "429_no_retry", times=1)
    await put(w, 31)
    s = bale_sender(w)
    assert await s.drain_once() == 0
    [row] = await rows(w)
    assert row.status == "queued" and "bot limit exceed" in row.last_error
    await due_now(w)
    assert await s.drain_once() == 1
    assert w.sandbox.sent_count(w.tokens["bale"], 31) == 1


async def test_no_such_group_or_user_is_unreachable_whatever_the_status(world: World) -> None:
    w = world
    await put(w, 987654)  # never started the bot: 404 "no such group or user"
    assert await bale_sender(w).drain_once() == 0
    [row] = await rows(w)
    assert row.status == "unreachable" and "no such group or user" in row.last_error


async def test_a_revoked_token_stops_the_sender_with_one_log_line(
        world: World, caplog: pytest.LogCaptureFixture) -> None:
    w = world
    for chat in range(41, 47):
        w.sandbox.add_user(w.tokens["bale"], chat)
        await put(w, chat)
    w.sandbox.revoke_token(w.tokens["bale"])  # 404 Not Found, as reported
    s = bale_sender(w)
    with caplog.at_level(logging.ERROR, logger="delivery.outbox"):
        assert await s.drain_once(within=20) == 0
    refusals = [r for r in caplog.records if "refuses the bot's token" in r.getMessage()]
    assert len(refusals) == 1
    assert s.lanes["bale"].refused is not None
    statuses = {(r.status, r.attempts) for r in await rows(w)}
    assert statuses == {("queued", 0)}  # nothing failed, no attempt counted
    calls = w.sandbox.calls(w.tokens["bale"]).get("sendmessage", 0)
    assert calls <= s.lanes["bale"].max_in_flight  # it stopped instead of trying every row


async def test_a_long_text_is_split_at_paragraphs(world: World) -> None:
    w = world
    w.sandbox.add_user(w.tokens["bale"], 51)
    paragraphs = [f"بند {i}: " + " ".join(["متن"] * 300) for i in range(8)]  # ~1,200 each
    await put(w, 51, "\n\n".join(paragraphs), reply_markup=KB)
    assert await bale_sender(w).drain_once() == 1
    out = [e for e in w.sandbox.transcript(w.tokens["bale"], 51) if e["direction"] == "out"]
    assert len(out) == 3
    assert all(units(e["text"]) <= 4096 for e in out)
    assert "\n\n".join(e["text"] for e in out) == "\n\n".join(paragraphs)
    assert [e["reply_markup"] is not None for e in out] == [False, False, True]


async def test_a_long_caption_moves_into_a_following_message(world: World) -> None:
    w = world
    token = w.tokens["bale"]
    w.sandbox.add_user(token, 61)
    bot = next(b for b in w.app.bots if b.platform == "bale")
    photo = await bot.send_photo(61, BufferedInputFile(png(), "p.png"))
    caption = " ".join(["شرح"] * 300)  # 1,199 characters: over Bale's caption limit
    await put(w, 61, caption, extra={"method": "sendPhoto", "file_id": photo.photo[-1].file_id})
    assert await bale_sender(w).drain_once() == 1
    out = w.sandbox.transcript(token, 61)[-2:]
    assert out[0]["kind"] == "photo" and not out[0].get("caption")
    assert out[1]["kind"] == "text" and out[1]["text"] == caption


# ------------------------------------------------------------------------- the helpers


def test_split_text_prefers_paragraphs_then_lines_then_words() -> None:
    assert split_text("short", 10) == ["short"]
    assert split_text("aaaa\n\nbbbb\ncccc", 11) == ["aaaa", "bbbb\ncccc"]
    assert split_text("aaaa bbbb\ncccc", 9) == ["aaaa bbbb", "cccc"]
    assert split_text("aaaa bbbb cccc", 9) == ["aaaa bbbb", "cccc"]
    assert split_text("x" * 25, 10) == ["x" * 10, "x" * 10, "x" * 5]
    emoji = "😀" * 6  # two UTF-16 units each
    assert split_text(emoji, 4) == ["😀😀", "😀😀", "😀😀"]


def test_expand_leaves_what_fits_alone() -> None:
    method = build_method(1, {"text": "hi"})
    assert expand(method, "bale") == [method]
    photo = build_method(1, {"method": "sendPhoto", "file_id": "f", "text": "x" * BALE_CAPTION})
    assert expand(photo, "bale") == [photo]
    assert len(expand(build_method(1, {"method": "sendPhoto", "file_id": "f",
                                       "text": "x" * (BALE_CAPTION + 1)}), "bale")) == 2
