"""Sending, editing, deleting; validation like the real servers; flavour differences."""

from __future__ import annotations

import asyncio

import pytest

from sandbox import Sandbox

KB = {"inline_keyboard": [[{"text": "Yes", "callback_data": "y"}]]}


@pytest.fixture
async def ali_tg(tg_token, users):
    user = users(tg_token, 42, "Ali")
    await user.send_command("start")
    return user


@pytest.fixture
async def ali_bale(bale_token, users):
    user = users(bale_token, 42, "Ali")
    await user.send_command("start")
    return user


async def test_send_edit_delete_are_reflected_in_the_transcript(
    sb: Sandbox, tg, tg_token, ali_tg
) -> None:
    sent = await tg.ok(
        "sendMessage", chat_id=42, text="<b>Salam</b> &amp; hi", parse_mode="HTML", reply_markup=KB
    )
    assert sent["message_id"] == 2  # ids are per chat, shared with the user's /start
    assert sent["text"] == "Salam & hi"
    assert sent["reply_markup"] == KB
    assert sent["from"]["is_bot"] is True
    entry = sb.transcript(tg_token, 42)[-1]
    assert entry["direction"] == "out" and entry["kind"] == "text"
    assert entry["text"] == "Salam & hi"
    assert entry["raw_text"] == "<b>Salam</b> &amp; hi"
    assert entry["parse_mode"] == "HTML" and entry["reply_markup"] == KB

    edited = await tg.ok("editMessageText", chat_id=42, message_id=2, text="Bye")
    assert edited["text"] == "Bye" and "reply_markup" not in edited and edited["edit_date"]
    entry = sb.transcript(tg_token, 42)[-1]
    assert entry["edited"] and entry["text"] == "Bye" and entry["reply_markup"] is None
    assert entry["edits"][0]["text"] == "Salam & hi"

    await tg.ok("editMessageReplyMarkup", chat_id=42, message_id=2, reply_markup=KB)
    assert sb.transcript(tg_token, 42)[-1]["reply_markup"] == KB

    assert await tg.ok("deleteMessage", chat_id=42, message_id=2) is True
    assert sb.transcript(tg_token, 42)[-1]["deleted"] is True
    status, body = await tg.call("deleteMessage", chat_id=42, message_id=2)
    assert status == 400 and body["description"] == "Bad Request: message to delete not found"
    assert sb.sent_count(tg_token, 42) == 1


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"chat_id": 42, "text": ""}, "Bad Request: message text is empty"),
        ({"chat_id": 42, "text": "   "}, "Bad Request: message text is empty"),
        ({"chat_id": 42, "text": "x" * 4097}, "Bad Request: message is too long"),
        ({"chat_id": 999, "text": "hi"}, "Bad Request: chat not found"),
        ({"chat_id": "@someone", "text": "hi"}, "Bad Request: chat not found"),
        (
            {
                "chat_id": 42,
                "text": "hi",
                "reply_markup": {"inline_keyboard": [[{"text": "b", "callback_data": "x" * 65}]]},
            },
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            {"chat_id": 42, "text": "hi", "reply_to_message_id": 77},
            "Bad Request: message to be replied not found",
        ),
    ],
)
async def test_send_message_validation(tg, ali_tg, params, description) -> None:
    status, body = await tg.call("sendMessage", **params)
    assert (status, body["description"]) == (400, description)
    assert body["error_code"] == 400 and body["ok"] is False


@pytest.mark.parametrize(
    "text",
    ["a < b", "Tom & Jerry", "<b>bold", "<b>x</i>", "</b>", "<br>", "<div>x</div>", "<b>x</b"],
)
async def test_malformed_html_is_rejected_on_telegram(tg, ali_tg, text) -> None:
    status, body = await tg.call("sendMessage", chat_id=42, text=text, parse_mode="HTML")
    assert status == 400
    assert body["description"].startswith("Bad Request: can't parse entities")


@pytest.mark.parametrize(
    "text",
    [
        "a &lt; b &amp; c &#1587; &quot;",
        '<a href="https://x.ir/?a=1&amp;b=2">link</a>',
        '<b>b <i>i</i></b> <code>x</code> <pre><code class="language-py">p</code></pre>',
        "<tg-spoiler>s</tg-spoiler> <blockquote expandable>q</blockquote> <s>x</s> <u>y</u>",
        "a > b",
    ],
)
async def test_well_formed_html_is_accepted(tg, ali_tg, text) -> None:
    status, body = await tg.call("sendMessage", chat_id=42, text=text, parse_mode="HTML")
    assert status == 200, body


async def test_plain_text_without_parse_mode_is_not_parsed_on_telegram(tg, ali_tg) -> None:
    assert (await tg.ok("sendMessage", chat_id=42, text="a < b & *c_"))["text"] == "a < b & *c_"


async def test_markdown_v2_reserved_characters(tg, ali_tg) -> None:
    status, body = await tg.call("sendMessage", chat_id=42, text="1.5", parse_mode="MarkdownV2")
    assert status == 400 and "reserved" in body["description"]
    ok = await tg.ok("sendMessage", chat_id=42, text="*b* 1\\.5 _i_", parse_mode="MarkdownV2")
    assert ok["text"] == "b 1.5 i"


async def test_message_not_modified_on_telegram_only(tg, bale, ali_tg, ali_bale) -> None:
    await tg.ok("sendMessage", chat_id=42, text="same")
    status, body = await tg.call("editMessageText", chat_id=42, message_id=2, text="same")
    assert status == 400 and body["description"].startswith("Bad Request: message is not modified")
    await bale.ok("sendMessage", chat_id=42, text="same")
    await bale.ok("editMessageText", chat_id=42, message_id=2, text="same")


async def test_edit_errors(tg, ali_tg) -> None:
    status, body = await tg.call("editMessageText", chat_id=42, message_id=99, text="x")
    assert (status, body["description"]) == (400, "Bad Request: message to edit not found")
    # The user's own message cannot be edited by the bot.
    status, body = await tg.call("editMessageText", chat_id=42, message_id=1, text="x")
    assert (status, body["description"]) == (400, "Bad Request: message can't be edited")


async def test_bale_rejects_parse_mode_and_other_unsupported_parameters(bale, ali_bale) -> None:
    for extra in (
        {"parse_mode": "HTML"},
        {"disable_notification": True},
        {"reply_parameters": {"message_id": 1}},
        {"link_preview_options": {"is_disabled": True}},
        {"entities": []},
    ):
        status, body = await bale.call("sendMessage", chat_id=42, text="x", **extra)
        assert status == 400, extra
        assert next(iter(extra)) in body["description"]
    # The documented parameters work, by JSON and by form.
    await bale.ok("sendMessage", chat_id=42, text="x", reply_to_message_id=1, reply_markup=KB)
    status, _ = await bale.form("sendMessage", chat_id="42", text="y")
    assert status == 200


async def test_bale_text_is_bale_markdown(sb, bale, bale_token, ali_bale) -> None:
    sent = await bale.ok("sendMessage", chat_id=42, text="*Salam* _Ali_ [site](https://x.ir)")
    assert sent["text"] == "Salam Ali site"
    assert sb.transcript(bale_token, 42)[-1]["raw_text"] == "*Salam* _Ali_ [site](https://x.ir)"
    for text in ("2 * 3", "my_file.pdf", "see [a](https://x.ir", "a](b)"):
        status, body = await bale.call("sendMessage", chat_id=42, text=text)
        assert status == 400, text
        assert body["description"].startswith("Bad Request: can't parse entities")
    # HTML means nothing on Bale: angle brackets are plain text.
    assert (await bale.ok("sendMessage", chat_id=42, text="a < b"))["text"] == "a < b"


async def test_bale_edit_message_text_returns_a_stub(sb, bale, bale_token, ali_bale) -> None:
    sent = await bale.ok("sendMessage", chat_id=42, text="v1", reply_markup=KB)
    result = await bale.ok(
        "editMessageText", chat_id=42, message_id=sent["message_id"], text="v2", reply_markup=KB
    )
    assert result == {"message_id": 0}
    entry = sb.transcript(bale_token, 42)[-1]
    assert entry["text"] == "v2" and entry["edited"] and entry["reply_markup"] == KB


async def test_set_my_commands_exists_only_on_telegram(tg, bale) -> None:
    commands = [{"command": "start", "description": "شروع"}]
    assert await tg.ok("setMyCommands", commands=commands) is True
    assert await tg.ok("getMyCommands") == commands
    status, body = await tg.call(
        "setMyCommands", commands=[{"command": "Bad!", "description": "x"}]
    )
    assert status == 400
    status, body = await bale.call("setMyCommands", commands=commands)
    assert (status, body["description"]) == (404, "Not Found")


async def test_bale_keyboards_only_documented_fields(bale, ali_bale) -> None:
    status, _ = await bale.call(
        "sendMessage",
        chat_id=42,
        text="x",
        reply_markup={"keyboard": [["a"]], "resize_keyboard": True},
    )
    assert status == 400
    status, _ = await bale.call(
        "sendMessage",
        chat_id=42,
        text="x",
        reply_markup={"inline_keyboard": [[{"text": "s", "switch_inline_query": "q"}]]},
    )
    assert status == 400
    await bale.ok(
        "sendMessage",
        chat_id=42,
        text="x",
        reply_markup={"keyboard": [[{"text": "phone", "request_contact": True}]]},
    )


async def test_callback_query_shape_per_flavour(tg, bale, ali_tg, ali_bale) -> None:
    for bot, user in ((tg, ali_tg), (bale, ali_bale)):
        await bot.ok("sendMessage", chat_id=42, text="q", reply_markup=KB)
        await user.press("Yes")
    tg_updates = await tg.ok("getUpdates")
    bale_updates = await bale.ok("getUpdates")
    tg_query = tg_updates[-1]["callback_query"]
    bale_query = bale_updates[-1]["callback_query"]
    assert tg_query["data"] == bale_query["data"] == "y"
    assert isinstance(tg_query["chat_instance"], str)
    assert "chat_instance" not in bale_query
    assert isinstance(bale_query["id"], str) and bale_query["id"].isdigit()
    assert not bale_query["id"].startswith("1")  # "1…" marks an app too old for answers
    assert tg_query["message"]["message_id"] == 2
    assert await ali_bale.press_callback("y", old_app=True)
    old = (await bale.ok("getUpdates", offset=bale_updates[-1]["update_id"] + 1))[-1]
    assert old["callback_query"]["id"].startswith("1")


async def test_answer_callback_query_is_recorded(sb, tg, tg_token, ali_tg) -> None:
    await tg.ok("sendMessage", chat_id=42, text="q", reply_markup=KB)
    await ali_tg.press("Yes")
    [record] = sb.callbacks(tg_token, 42)
    assert record["answered"] is False
    assert await tg.ok(
        "answerCallbackQuery", callback_query_id=record["callback_query_id"], text="ثبت شد"
    )
    assert record["answered"] and record["answer"]["text"] == "ثبت شد"
    status, body = await tg.call(
        "answerCallbackQuery", callback_query_id=record["callback_query_id"]
    )
    assert status == 400 and "query is too old" in body["description"]


async def test_a_callback_answered_after_its_expiry_is_refused_as_too_old(
        sb, tg, tg_token, ali_tg) -> None:
    """`set_callback_expiry`: as the platforms do (Telegram after about 15 s), an answer to a
    press older than the expiry is refused; younger ones are answered as before."""
    sb.set_callback_expiry(tg_token, 0.2)
    await tg.ok("sendMessage", chat_id=42, text="q", reply_markup=KB)
    await ali_tg.press("Yes")
    await ali_tg.press("Yes")
    early, late = sb.callbacks(tg_token, 42)
    assert await tg.ok("answerCallbackQuery", callback_query_id=early["callback_query_id"])
    await asyncio.sleep(0.3)
    status, body = await tg.call("answerCallbackQuery",
                                 callback_query_id=late["callback_query_id"], text="دیر")
    assert status == 400 and "query is too old" in body["description"]
    assert late["answered"] is False


async def test_copy_and_forward(sb, tg, tg_token, users) -> None:
    ali = users(tg_token, 1, "Ali")
    sb.add_user(tg_token, 2, "Reviewer")
    entry = await ali.send_text("evidence text")
    copied = await tg.ok("copyMessage", chat_id=2, from_chat_id=1, message_id=entry["message_id"])
    forwarded = await tg.ok("forwardMessage", chat_id=2, from_chat_id=1, message_id=1)
    assert forwarded["forward_origin"]["sender_user"]["id"] == 1
    out = sb.transcript(tg_token, 2)
    assert [e["message_id"] for e in out] == [copied["message_id"], forwarded["message_id"]]
    assert all(e["text"] == "evidence text" for e in out)
    status, body = await tg.call("copyMessage", chat_id=2, from_chat_id=1, message_id=50)
    assert (status, body["description"]) == (400, "Bad Request: message to copy not found")


async def test_chat_action(sb, tg, bale, ali_tg, ali_bale) -> None:
    assert await tg.ok("sendChatAction", chat_id=42, action="upload_document") is True
    status, _ = await bale.call("sendChatAction", chat_id=42, action="upload_document")
    assert status == 400
    assert await bale.ok("sendChatAction", chat_id=42, action="typing") is True
