"""ScriptedUser: pressing buttons, contacts, waiting for replies, callback answers."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from sandbox import ButtonNotFound

INLINE = {
    "inline_keyboard": [
        [{"text": "✅ تایید", "callback_data": "ok:1"}, {"text": "Site", "url": "https://x.ir"}],
        [{"text": "Back", "callback_data": "back"}],
    ]
}
REPLY = {
    "keyboard": [["وضعیت", "Help"], [{"text": "ارسال شماره", "request_contact": True}]],
    "one_time_keyboard": False,
}


@contextlib.asynccontextmanager
async def running_bot(
    bot, handler: Callable[[dict[str, Any]], Awaitable[None]]
) -> AsyncIterator[None]:
    """A minimal polling loop standing in for the real application."""

    async def loop() -> None:
        offset = 0
        while True:
            for update in await bot.ok("getUpdates", offset=offset, timeout=5):
                offset = update["update_id"] + 1
                await handler(update)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_press_inline_sends_callback_and_reply_button_sends_text(
    sb, tg, tg_token, users
) -> None:
    ali = users(tg_token, 42, "Ali")
    await ali.send_command("start")
    await tg.ok("sendMessage", chat_id=42, text="menu", reply_markup=REPLY)
    await tg.ok("sendMessage", chat_id=42, text="confirm?", reply_markup=INLINE)
    assert await ali.buttons() == ["✅ تایید", "Site", "Back", "وضعیت", "Help", "ارسال شماره"]

    pressed = await ali.press("✅ تایید")
    assert pressed["action"] == "callback" and pressed["entry"]["data"] == "ok:1"
    pressed = await ali.press("وضعیت")
    assert pressed["action"] == "text"
    pressed = await ali.press("Site")
    assert pressed["action"] == "none"  # a URL button sends nothing to the bot
    pressed = await ali.press("ارسال شماره")
    assert pressed["action"] == "contact"
    updates = await tg.ok("getUpdates", offset=2)
    assert updates[0]["callback_query"]["data"] == "ok:1"
    assert updates[0]["callback_query"]["message"]["text"] == "confirm?"
    assert updates[1]["message"]["text"] == "وضعیت"
    assert updates[2]["message"]["contact"]["user_id"] == 42
    assert len(updates) == 3


async def test_press_unknown_button_lists_the_visible_ones(sb, tg, tg_token, users) -> None:
    ali = users(tg_token, 42)
    await ali.send_text("hi")
    await tg.ok("sendMessage", chat_id=42, text="q", reply_markup=INLINE)
    with pytest.raises(ButtonNotFound) as info:
        await ali.press("Nope")
    assert info.value.buttons == ["✅ تایید", "Site", "Back"]
    assert "Back" in str(info.value)


async def test_keyboards_follow_edits_and_removal(sb, tg, tg_token, users) -> None:
    ali = users(tg_token, 42)
    await ali.send_text("hi")
    sent = await tg.ok("sendMessage", chat_id=42, text="q", reply_markup=INLINE)
    await tg.ok("sendMessage", chat_id=42, text="kb", reply_markup=REPLY)
    await tg.ok(
        "editMessageReplyMarkup",
        chat_id=42,
        message_id=sent["message_id"],
        reply_markup={"inline_keyboard": [[{"text": "New", "callback_data": "n"}]]},
    )
    assert await ali.buttons() == ["New", "وضعیت", "Help", "ارسال شماره"]
    await tg.ok("sendMessage", chat_id=42, text="bye", reply_markup={"remove_keyboard": True})
    await tg.ok("editMessageText", chat_id=42, message_id=sent["message_id"], text="done")
    assert await ali.buttons() == []
    # An old keyboard can still be pressed on purpose by naming its message.
    await tg.ok(
        "editMessageReplyMarkup", chat_id=42, message_id=sent["message_id"], reply_markup=INLINE
    )
    await tg.ok(
        "sendMessage",
        chat_id=42,
        text="newer",
        reply_markup={"inline_keyboard": [[{"text": "Other", "callback_data": "o"}]]},
    )
    pressed = await ali.press("Back", message_id=sent["message_id"])
    assert pressed["entry"]["message_id"] == sent["message_id"]


async def test_one_time_keyboard_hides_after_use(sb, tg, tg_token, users) -> None:
    ali = users(tg_token, 42)
    await ali.send_text("hi")
    await tg.ok(
        "sendMessage",
        chat_id=42,
        text="pick",
        reply_markup={"keyboard": [["A", "B"]], "one_time_keyboard": True},
    )
    await ali.press("A")
    assert await ali.buttons() == []


async def test_wait_messages_cursor_semantics(sb, tg, tg_token, users) -> None:
    ali = users(tg_token, 42)

    async def echo(update: dict[str, Any]) -> None:
        text = update["message"]["text"]
        await tg.ok("sendMessage", chat_id=42, text=f"1:{text}")
        await tg.ok("sendMessage", chat_id=42, text=f"2:{text}")

    async with running_bot(tg, echo):
        await ali.send_text("a")
        assert [m["text"] for m in await ali.wait_messages(1)] == ["1:a"]
        assert [m["text"] for m in await ali.wait_messages(1)] == ["2:a"]
        await ali.send_text("b")
        assert [m["text"] for m in await ali.wait_messages(2)] == ["1:b", "2:b"]
        await ali.send_text("c")
        assert (await ali.wait_text("2:c"))["text"] == "2:c"
        with pytest.raises(TimeoutError) as info:
            await ali.wait_messages(1, timeout=0.3)
        assert "got 0" in str(info.value)
        await ali.assert_no_messages(0.1)
    last = await ali.last_message()
    assert last is not None and last["text"] == "2:c"


async def test_wait_timeout_says_what_arrived(sb, tg, tg_token, users) -> None:
    ali = users(tg_token, 42)
    await ali.send_text("x")
    await tg.ok("sendMessage", chat_id=42, text="only one")
    with pytest.raises(TimeoutError, match="only one"):
        await ali.wait_messages(2, timeout=0.2)


async def test_press_answered_by_edit_and_callback_answer(sb, tg, tg_token, users) -> None:
    ali = users(tg_token, 42)

    async def on_update(update: dict[str, Any]) -> None:
        if "message" in update:
            await tg.ok("sendMessage", chat_id=42, text="approve?", reply_markup=INLINE)
            return
        query = update["callback_query"]
        if query["data"] == "ok:1":
            await tg.ok("answerCallbackQuery", callback_query_id=query["id"], text="ثبت شد")
            await tg.ok(
                "editMessageText",
                chat_id=42,
                message_id=query["message"]["message_id"],
                text="approved ✅",
            )
        # "back" is deliberately never answered

    async with running_bot(tg, on_update):
        await ali.send_command("start")
        question = await ali.wait_message()
        await ali.press("✅ تایید")
        edited = await ali.wait_edit(question["message_id"])
        assert edited["text"] == "approved ✅" and edited["reply_markup"] is None
        assert (await ali.wait_callback_answer())["text"] == "ثبت شد"
        transcript = await ali.transcript()
        assert [e["kind"] for e in transcript] == ["text", "text", "callback"]
        assert transcript[1]["edited"] and transcript[1]["edits"][0]["text"] == "approve?"

        await tg.ok("sendMessage", chat_id=42, text="again", reply_markup=INLINE)
        await ali.press("Back")
        with pytest.raises(TimeoutError, match="not answered"):
            await ali.wait_callback_answer(timeout=0.3)
    answers = await ali.callback_answers()
    assert [(a["data"], a["answered"]) for a in answers] == [("ok:1", True), ("back", False)]


async def test_wait_text_sees_edits_after_the_action(sb, tg, tg_token, users) -> None:
    ali = users(tg_token, 42)
    await ali.send_text("hi")
    sent = await tg.ok("sendMessage", chat_id=42, text="working…")
    await ali.wait_message()
    await ali.send_text("status?")

    async def later() -> None:
        await asyncio.sleep(0.1)
        await tg.ok("editMessageText", chat_id=42, message_id=sent["message_id"], text="done!")

    task = asyncio.create_task(later())
    assert (await ali.wait_text("done"))["message_id"] == sent["message_id"]
    await task


async def test_contacts_own_and_others(sb, tg, bale, tg_token, bale_token, users) -> None:
    tg_ali = users(tg_token, 42, "Ali", phone="09121234567", last_name="Ahmadi")
    bale_ali = users(bale_token, 42, "Ali", phone="+98 912 123 4567")
    await tg_ali.share_contact()
    await bale_ali.share_contact()
    await tg_ali.share_contact("+989350000000", own=False, user_id=77, first_name="Sara")
    await bale_ali.share_contact("09350000000", own=False)
    await tg_ali.share_contact(omit_user_id=True, phone_style="bare")
    await bale_ali.share_contact(phone_style="number")
    tg_contacts = [u["message"]["contact"] for u in await tg.ok("getUpdates")]
    bale_contacts = [u["message"]["contact"] for u in await bale.ok("getUpdates")]
    assert tg_contacts[0] == {
        "phone_number": "+989121234567",
        "first_name": "Ali",
        "last_name": "Ahmadi",
        "user_id": 42,
    }
    assert bale_contacts[0] == {"phone_number": "989121234567", "first_name": "Ali", "user_id": 42}
    assert tg_contacts[1] == {"phone_number": "+989350000000", "first_name": "Sara", "user_id": 77}
    assert "user_id" not in bale_contacts[1] and bale_contacts[1]["phone_number"] == "09350000000"
    assert tg_contacts[2]["phone_number"] == "989121234567" and "user_id" not in tg_contacts[2]
    assert bale_contacts[2]["phone_number"] == 989121234567


async def test_download_a_file_the_bot_sent(sb, tg, tg_token, users) -> None:
    ali = users(tg_token, 42)
    await ali.send_text("report please")
    status, body = await tg.multipart(
        "sendDocument", {"document": ("r.csv", b"a,b\n1,2\n")}, chat_id="42"
    )
    assert status == 200
    message = await ali.wait_message()
    assert message["kind"] == "document" and message["file_name"] == "r.csv"
    assert await ali.download(message["file_id"]) == b"a,b\n1,2\n"


async def test_raw_message_forged_callback_and_user_edit(sb, tg, tg_token, users) -> None:
    ali = users(tg_token, 42)
    await ali.send_raw({"text": "/admin", "from": {"id": 1, "is_bot": False, "first_name": "x"}})
    await ali.press_callback("hq:delete:all")  # no message yet: a forged callback
    entry = await ali.send_text("typo")
    await ali.edit_text(entry["message_id"], "fixed")
    updates = await tg.ok("getUpdates")
    assert updates[0]["message"]["from"]["id"] == 1
    assert updates[1]["callback_query"]["data"] == "hq:delete:all"
    assert "message" not in updates[1]["callback_query"]
    assert updates[3]["edited_message"]["text"] == "fixed"


async def test_user_against_a_separately_started_sandbox(tmp_path) -> None:
    """The scripted user needs only the base URL and a token: it works across processes."""
    import sys

    from sandbox.user import ScriptedUser

    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sandbox",
        "--port",
        "0",
        "--json",
        "--bale-token",
        "111222:AAtesttokentesttokentesttokentest1",
        stdout=asyncio.subprocess.PIPE,
        cwd=str(__import__("pathlib").Path(__file__).resolve().parents[2]),
    )
    try:
        ready = None
        lines = []
        async with asyncio.timeout(15):
            while ready is None:
                line = (await proc.stdout.readline()).decode()  # type: ignore[union-attr]
                assert line, "sandbox exited: " + "".join(lines)
                lines.append(line)
                if line.startswith("SANDBOX_READY "):
                    import json

                    ready = json.loads(line.split(" ", 1)[1])
        text = "".join(lines)
        assert "PISHKHAN_BALE_TOKEN=111222:AAtesttokentesttokentesttokentest1" in text
        assert "PISHKHAN_TELEGRAM_API_BASE=" in text
        token = ready["bots"]["bale"]["token"]
        async with ScriptedUser(ready["base_url"], token, 5, "Remote") as user:
            entry = await user.send_text("over the wire")
            assert entry["update_id"] == 1
            assert (await user.transcript())[0]["text"] == "over the wire"
    finally:
        proc.terminate()
        await proc.wait()
