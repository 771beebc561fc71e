"""A user's files: photos, documents, albums (one update per item), stickers and voice notes."""

from __future__ import annotations

from typing import Any

from sandbox.actions.incoming import append_in
from sandbox.state import BotWorld, ControlError

#: A tiny valid WebP (sticker) and Ogg (voice) payload, so downloads return plausible bytes.
STICKER_BYTES = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"  # noqa: E501
VOICE_BYTES = (
    b"OggS\x00\x02" + bytes(22) + b"\x01\x13OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00\x00\x00\x00"
)


def send_photo(
    bot: BotWorld,
    user_id: int,
    data: bytes,
    profile: dict[str, Any] | None = None,
    *,
    caption: str | None = None,
    media_group_id: str | None = None,
) -> dict[str, Any]:
    chat = bot.ensure_user(user_id, profile)
    sizes = bot.store_photo(data, "user")
    main = sizes[-1]
    content: dict[str, Any] = {"photo": [s.api_object() for s in sizes]}
    if caption:
        content["caption"] = caption
    if media_group_id:
        content["media_group_id"] = media_group_id
    fields = {
        "caption": caption,
        "raw_caption": caption,
        "file_id": main.file_id,
        "file_ids": [s.file_id for s in sizes],
        "file_unique_id": main.file_unique_id,
        "file_size": main.size,
        "sha256": main.sha256,
        "media_group_id": media_group_id,
    }
    return append_in(bot, chat, "photo", content, fields)


def send_document(
    bot: BotWorld,
    user_id: int,
    data: bytes,
    filename: str,
    profile: dict[str, Any] | None = None,
    *,
    mime_type: str | None = None,
    caption: str | None = None,
    media_group_id: str | None = None,
) -> dict[str, Any]:
    chat = bot.ensure_user(user_id, profile)
    stored = bot.store_file(data, "document", "user", file_name=filename, mime_type=mime_type)
    content: dict[str, Any] = {"document": stored.api_object()}
    if caption:
        content["caption"] = caption
    if media_group_id:
        content["media_group_id"] = media_group_id
    fields = {
        "caption": caption,
        "raw_caption": caption,
        "file_id": stored.file_id,
        "file_ids": [stored.file_id],
        "file_unique_id": stored.file_unique_id,
        "file_name": stored.file_name,
        "mime_type": stored.mime_type,
        "file_size": stored.size,
        "sha256": stored.sha256,
        "media_group_id": media_group_id,
    }
    return append_in(bot, chat, "document", content, fields)


def send_album(
    bot: BotWorld,
    user_id: int,
    items: list[dict[str, Any]],
    profile: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Several photos/documents sharing one ``media_group_id``: one update per item, as on
    Telegram, which is why bots must collect an album before acting on it."""
    if not 2 <= len(items) <= 10:
        raise ControlError(400, "an album has 2 to 10 items")
    group_id = bot.new_media_group_id()
    entries = []
    for item in items:
        data = item["data"]
        if item.get("type", "photo") == "photo":
            entries.append(
                send_photo(
                    bot,
                    user_id,
                    data,
                    profile,
                    caption=item.get("caption"),
                    media_group_id=group_id,
                )
            )
        else:
            entries.append(
                send_document(
                    bot,
                    user_id,
                    data,
                    item.get("filename") or "file.bin",
                    profile,
                    mime_type=item.get("mime_type"),
                    caption=item.get("caption"),
                    media_group_id=group_id,
                )
            )
    return entries


def send_sticker(
    bot: BotWorld, user_id: int, profile: dict[str, Any] | None = None, *, emoji: str = "👍"
) -> dict[str, Any]:
    chat = bot.ensure_user(user_id, profile)
    stored = bot.store_file(
        STICKER_BYTES,
        "sticker",
        "user",
        width=512,
        height=512,
        extra={"type": "regular", "is_animated": False, "is_video": False, "emoji": emoji},
    )
    fields = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
    return append_in(bot, chat, "sticker", {"sticker": stored.api_object()}, fields)


def send_voice(
    bot: BotWorld,
    user_id: int,
    profile: dict[str, Any] | None = None,
    *,
    data: bytes | None = None,
    duration: int = 2,
) -> dict[str, Any]:
    chat = bot.ensure_user(user_id, profile)
    stored = bot.store_file(
        data or VOICE_BYTES, "voice", "user", mime_type="audio/ogg", extra={"duration": duration}
    )
    fields = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id}
    return append_in(bot, chat, "voice", {"voice": stored.api_object()}, fields)
