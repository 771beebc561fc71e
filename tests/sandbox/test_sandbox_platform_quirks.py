"""Each Bale behaviour the sources report (switchable where they disagree), and Telegram's
documented limits, as the sandbox's flavours reproduce them (docs/PLATFORMS.md)."""

from __future__ import annotations

import pytest

from sandbox import Sandbox
from sandbox.samples import png
from sandbox.state import BaleQuirks

PNG = png()
KB = {"inline_keyboard": [[{"text": "Yes", "callback_data": "y"}]]}
CONTACT_KB = {"keyboard": [[{"text": "Share", "request_contact": True}]]}


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


# ------------------------------------------------------------------------------- edits


async def test_bale_edit_text_answers_a_stub_and_markup_edits_do_when_switched_on(
    sb: Sandbox, bale, bale_token, ali_bale
) -> None:
    sent = await bale.ok("sendMessage", chat_id=42, text="q", reply_markup=KB)
    mid = sent["message_id"]
    assert await bale.ok("editMessageText", chat_id=42, message_id=mid, text="e",
                         reply_markup=KB) == {"message_id": 0}
    edited = await bale.ok("editMessageReplyMarkup", chat_id=42, message_id=mid)
    assert edited["message_id"] == mid and "chat" in edited  # documented default: a Message
    sb.set_quirks(bale_token, edit_stubs={"editMessageText", "editMessageReplyMarkup"})
    assert await bale.ok("editMessageReplyMarkup", chat_id=42, message_id=mid,
                         reply_markup=KB) == {"message_id": 0}
    assert sb.transcript(bale_token, 42)[-1]["reply_markup"] == KB  # the edit took effect


# ---------------------------------------------------------------------- old clients


async def test_an_old_bale_app_cannot_show_a_callback_answer(
    sb: Sandbox, bale, bale_token, ali_bale
) -> None:
    await bale.ok("sendMessage", chat_id=42, text="q", reply_markup=KB)
    await ali_bale.press("Yes")
    sb.set_quirks(bale_token, old_clients=True)
    await ali_bale.press("Yes")
    new, old = sb.callbacks(bale_token, 42)
    assert not new["callback_query_id"].startswith("1")
    assert old["callback_query_id"].startswith("1")
    for record in (new, old):
        assert await bale.ok("answerCallbackQuery", callback_query_id=record["callback_query_id"],
                             text="done")
    assert new["answer"]["shown"] is True
    assert old["answer"]["shown"] is False and old["answer"]["text"] == "done"


# -------------------------------------------------------------------------- contacts


@pytest.mark.parametrize(
    ("mode", "button_has_id", "card_has_id"),
    [("always", True, True), ("button", True, False), ("never", False, False)],
)
async def test_bale_contact_user_id_by_how_it_was_shared(
    sb: Sandbox, bale, bale_token, ali_bale, mode, button_has_id, card_has_id
) -> None:
    sb.set_quirks(bale_token, contact_user_ids=mode)
    await bale.ok("sendMessage", chat_id=42, text="your number?", reply_markup=CONTACT_KB)
    await ali_bale.press("Share")
    by_button = sb.transcript(bale_token, 42)[-1]["contact"]
    await ali_bale.share_contact()  # the user's own card, shared by hand (or forwarded)
    by_hand = sb.transcript(bale_token, 42)[-1]["contact"]
    assert ("user_id" in by_button, "user_id" in by_hand) == (button_has_id, card_has_id)
    assert by_button["phone_number"].startswith("98")  # Bale writes no "+"


# ------------------------------------------------------------------- errors and tokens


@pytest.mark.parametrize("status", [429, 400])
async def test_bale_rate_limit_says_bot_limit_exceed_with_any_status(
    sb: Sandbox, bale, bale_token, ali_bale, status
) -> None:
    sb.set_quirks(bale_token, rate_limit_status=status)
    sb.set_rate_limit(bale_token, 1, burst=1)
    results = [await bale.call("sendMessage", chat_id=42, text=str(i)) for i in range(3)]
    refused = [body for code, body in results if code != 200]
    assert refused and all(body["description"] == "bot limit exceed" for body in refused)
    assert {code for code, _ in results} == {200, status}
    assert all("parameters" not in body for body in refused)  # no retry_after


@pytest.mark.parametrize(
    ("status", "description"), [(403, "Bad Request: Token not found"), (404, "Not Found")]
)
async def test_a_revoked_bale_token_is_refused_403_or_404(
    sb: Sandbox, bale, bale_token, ali_bale, status, description
) -> None:
    sb.set_quirks(bale_token, bad_token_status=status)
    sb.revoke_token(bale_token)
    code, body = await bale.call("sendMessage", chat_id=42, text="x")
    assert (code, body["description"]) == (status, description)
    sb.revoke_token(bale_token, False)
    assert (await bale.call("sendMessage", chat_id=42, text="x"))[0] == 200


async def test_a_revoked_telegram_token_is_unauthorized(sb: Sandbox, tg, tg_token, ali_tg) -> None:
    sb.revoke_token(tg_token)
    code, body = await tg.call("getMe")
    assert (code, body["description"]) == (401, "Unauthorized")


@pytest.mark.parametrize("status", [400, 404])
async def test_bale_says_no_such_group_or_user_for_an_unknown_chat(
    sb: Sandbox, bale, bale_token, status
) -> None:
    code, body = await bale.call("sendMessage", chat_id=999, text="x")
    assert (code, body["description"]) == (400, "Bad Request: chat not found")
    sb.set_quirks(bale_token, unreachable_text="no such group or user", unreachable_status=status)
    code, body = await bale.call("sendMessage", chat_id=999, text="x")
    assert (code, body["description"]) == (status, "no such group or user")


async def test_reported_turns_every_switch_on() -> None:
    quirks = BaleQuirks.reported()
    assert "editmessagereplymarkup" in quirks.edit_stubs and quirks.old_clients
    assert quirks.rate_limit_status != 429 and quirks.bad_token_status == 404
    assert quirks.contact_user_ids == "button" and quirks.caption_limit < 1024
    with pytest.raises(ValueError, match="unknown"):
        quirks.changed(nonsense=True)


# ---------------------------------------------------------------------------- limits


async def test_bale_caption_limit_is_switchable(
    sb: Sandbox, bale, bale_token, ali_bale
) -> None:
    sb.set_quirks(bale_token, caption_limit=500)
    files = {"photo": ("p.png", PNG)}
    code, body = await bale.multipart("sendPhoto", files, chat_id="42", caption="x" * 501)
    assert (code, body["description"]) == (400, "Bad Request: message caption is too long")
    code, _ = await bale.multipart("sendPhoto", files, chat_id="42", caption="x" * 500)
    assert code == 200


@pytest.mark.parametrize("flavour", ["telegram", "bale"])
async def test_text_and_photo_limits_on_both_flavours(
    sb: Sandbox, tg, bale, ali_tg, ali_bale, flavour
) -> None:
    bot = tg if flavour == "telegram" else bale
    code, body = await bot.call("sendMessage", chat_id=42, text="x" * 4097)
    assert (code, body["description"]) == (400, "Bad Request: message is too long")
    assert (await bot.call("sendMessage", chat_id=42, text="x" * 4096))[0] == 200
    big = PNG + b"\0" * (10 * 1024 * 1024)
    code, body = await bot.multipart("sendPhoto", {"photo": ("p.png", big)}, chat_id="42")
    assert code in (400, 413), body


async def test_telegram_caption_and_callback_data_limits(
    sb: Sandbox, tg, ali_tg
) -> None:
    files = {"photo": ("p.png", PNG)}
    code, body = await tg.multipart("sendPhoto", files, chat_id="42", caption="x" * 1025)
    assert (code, body["description"]) == (400, "Bad Request: message caption is too long")
    assert (await tg.multipart("sendPhoto", files, chat_id="42", caption="x" * 1024))[0] == 200
    for data, ok in (("x" * 64, True), ("x" * 65, False), ("ی" * 33, False)):
        markup = {"inline_keyboard": [[{"text": "b", "callback_data": data}]]}
        code, _ = await tg.call("sendMessage", chat_id=42, text="t", reply_markup=markup)
        assert (code == 200) is ok, (len(data.encode()), code)


@pytest.mark.parametrize(
    ("secret", "ok"),
    [("Abc_09-z", True), ("x" * 256, True), ("x" * 257, False), ("bad secret", False),
     ("bad/secret", False), ("سلام", False)],
)
async def test_telegram_webhook_secret_charset(sb: Sandbox, tg, secret, ok) -> None:
    code, body = await tg.call("setWebhook", url="http://127.0.0.1:9/hook", secret_token=secret)
    assert (code == 200) is ok, body
    await tg.call("deleteWebhook")


async def test_bale_set_webhook_takes_only_the_url(sb: Sandbox, bale) -> None:
    code, body = await bale.call("setWebhook", url="http://127.0.0.1:9/hook", secret_token="abc")
    assert code == 400 and "secret_token" in body["description"]
    assert (await bale.call("setWebhook", url="http://127.0.0.1:9/hook"))[0] == 200
    await bale.call("deleteWebhook")


async def test_quirks_and_revoking_through_the_control_api(sb: Sandbox, http, bale_token, bale
                                                           ) -> None:
    base = f"{sb.base_url}/sandbox/bots/{bale_token}"
    async with http.post(base + "/quirks", json={"reported": True, "caption_limit": 700}) as r:
        body = await r.json()
    assert body["quirks"]["caption_limit"] == 700 and body["quirks"]["old_clients"] is True
    async with http.post(base + "/quirks", json={"nonsense": 1}) as r:
        assert r.status == 400
    async with http.post(base + "/revoke", json={"revoked": True}) as r:
        assert (await r.json())["revoked"] is True
    assert (await bale.call("getMe"))[0] == 404  # reported: a bare 404
