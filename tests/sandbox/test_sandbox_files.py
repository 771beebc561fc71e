"""Files: user uploads downloadable byte for byte; bot uploads stored; Bale upload rules."""

from __future__ import annotations

import hashlib

import pytest

from sandbox import Sandbox
from sandbox.samples import pdf, png

PNG = png(2, 1)


async def _download(http, sb: Sandbox, token: str, file_id: str, bot) -> bytes:
    info = await bot.ok("getFile", file_id=file_id)
    async with http.get(f"{sb.base_url}/file/bot{token}/{info['file_path']}") as resp:
        assert resp.status == 200
        return await resp.read()


async def test_user_photo_is_downloadable_with_equal_bytes(sb, http, tg, tg_token, users) -> None:
    ali = users(tg_token, 42)
    big_png = png(1000, 500)
    entry = await ali.send_photo(big_png, caption="مدرک")
    [update] = await tg.ok("getUpdates")
    sizes = update["message"]["photo"]
    assert len(sizes) == 2 and sizes[-1]["width"] == 1000 and sizes[0]["width"] == 320
    assert update["message"]["caption"] == "مدرک"
    assert entry["file_id"] == sizes[-1]["file_id"]
    assert await _download(http, sb, tg_token, sizes[-1]["file_id"], tg) == big_png
    assert sb.file_bytes(tg_token, sizes[0]["file_id"]) == big_png


async def test_user_document_is_downloadable(sb, http, bale, bale_token, users) -> None:
    ali = users(bale_token, 42)
    data = pdf("certificate")
    await ali.send_document(data, "گواهی.pdf", "application/pdf", caption="c")
    [update] = await bale.ok("getUpdates")
    doc = update["message"]["document"]
    assert doc["file_name"] == "گواهی.pdf" and doc["mime_type"] == "application/pdf"
    assert doc["file_size"] == len(data)
    assert await _download(http, sb, bale_token, doc["file_id"], bale) == data
    # file ids are per bot: the Telegram bot cannot use a Bale file id
    tg_token = sb.add_bot("telegram")
    assert doc["file_id"] not in sb.bots[tg_token].files


async def test_bot_multipart_upload_is_stored(sb, tg, tg_token, users) -> None:
    ali = users(tg_token, 42)
    await ali.send_text("hi")
    # aiogram's way: field=attach://<key> plus a part named <key>
    status, body = await tg.multipart(
        "sendDocument",
        {"k3y": ("report.xlsx", b"PK\x03\x04data")},
        chat_id="42",
        document="attach://k3y",
        caption="گزارش",
    )
    assert status == 200, body
    doc = body["result"]["document"]
    assert doc["file_name"] == "report.xlsx"
    entry = sb.transcript(tg_token, 42)[-1]
    assert entry["kind"] == "document" and entry["file_id"] == doc["file_id"]
    assert entry["caption"] == "گزارش"
    assert entry["sha256"] == hashlib.sha256(b"PK\x03\x04data").hexdigest()
    assert await ali.download(doc["file_id"]) == b"PK\x03\x04data"
    # Re-sending by file id reuses the stored file.
    again = await tg.ok("sendDocument", chat_id=42, document=doc["file_id"])
    assert again["document"]["file_unique_id"] == doc["file_unique_id"]
    status, body = await tg.call("sendPhoto", chat_id=42, photo=doc["file_id"])
    assert (status, body["description"]) == (400, "Bad Request: type of file mismatch")


async def test_telegram_photo_upload_both_ways_and_image_check(sb, tg, tg_token, users) -> None:
    await users(tg_token, 42).send_text("hi")
    status, body = await tg.multipart("sendPhoto", {"photo": ("a.png", PNG)}, chat_id="42")
    assert status == 200 and body["result"]["photo"][-1]["width"] == 2
    status, body = await tg.multipart(
        "sendPhoto", {"xyz": ("a.png", PNG)}, chat_id="42", photo="attach://xyz"
    )
    assert status == 200
    status, body = await tg.multipart(
        "sendPhoto", {"photo": ("a.png", b"not an image")}, chat_id="42"
    )
    assert (status, body["description"]) == (400, "Bad Request: IMAGE_PROCESS_FAILED")
    status, body = await tg.call("sendPhoto", chat_id=42)
    assert (status, body["description"]) == (400, "Bad Request: there is no photo in the request")


async def test_bale_top_level_upload_only_as_a_plain_field(sb, bale, bale_token, users) -> None:
    await users(bale_token, 42).send_text("hi")
    status, body = await bale.multipart(
        "sendPhoto", {"k3y": ("a.png", PNG)}, chat_id="42", photo="attach://k3y"
    )
    assert status == 400 and "attach://" in body["description"]
    status, body = await bale.multipart(
        "sendPhoto", {"photo": ("a.png", PNG)}, chat_id="42", caption="ok"
    )
    assert status == 200 and body["result"]["caption"] == "ok"
    assert sb.transcript(bale_token, 42)[-1]["kind"] == "photo"


async def test_bale_media_group_accepts_attach(sb, bale, bale_token, users) -> None:
    await users(bale_token, 42).send_text("hi")
    media = [{"type": "photo", "media": "attach://a"}, {"type": "photo", "media": "attach://b"}]
    status, body = await bale.multipart(
        "sendMediaGroup", {"a": ("a.png", PNG), "b": ("b.png", PNG)}, chat_id="42", media=media
    )
    assert status == 200, body
    group = {m["media_group_id"] for m in body["result"]}
    assert len(group) == 1 and len(body["result"]) == 2
    assert sb.sent_count(bale_token, 42) == 2


async def test_bale_upload_cap_is_20_mb(sb, bale, bale_token, users) -> None:
    await users(bale_token, 42).send_text("hi")
    big = pdf(pad_to=20 * 1024 * 1024 + 1)
    status, body = await bale.multipart(
        "sendDocument", {"document": ("big.pdf", big)}, chat_id="42"
    )
    assert status == 413
    status, _ = await bale.multipart(
        "sendDocument", {"document": ("ok.pdf", pdf(pad_to=19 * 1024 * 1024))}, chat_id="42"
    )
    assert status == 200


async def test_user_album_shares_a_media_group(sb, tg, tg_token, users) -> None:
    ali = users(tg_token, 42)
    entries = await ali.send_album([PNG, {"type": "photo", "data": PNG, "caption": "second"}])
    assert len(entries) == 2
    updates = await tg.ok("getUpdates")
    groups = {u["message"]["media_group_id"] for u in updates}
    assert len(updates) == 2 and len(groups) == 1
    assert updates[1]["message"]["caption"] == "second"


@pytest.mark.parametrize("kind", ["sticker", "voice"])
async def test_sticker_and_voice(sb, tg, tg_token, users, kind) -> None:
    ali = users(tg_token, 42)
    await getattr(ali, f"send_{kind}")()
    [update] = await tg.ok("getUpdates")
    assert update["message"][kind]["file_id"]
    assert sb.file_bytes(tg_token, update["message"][kind]["file_id"])
