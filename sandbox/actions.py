"""What users do: the updates a person's actions produce, and what they can see and press.

These functions are the single implementation behind the control API, :class:`ScriptedUser`
and (later) the web chat page, so all three agree on what "press the button 'Yes'" means.

Each action appends an ``"in"`` entry to the chat transcript and queues one update for the bot.
The returned entry's ``index`` is the *cursor* a scripted user waits from: the bot's replies to
this action are the ``"out"`` entries after it.
"""

from __future__ import annotations

import random
import re
import time
import unicodedata
from typing import Any

from sandbox.state import BotWorld, Chat, ControlError, Fault, new_entry

#: A tiny valid WebP (sticker) and Ogg (voice) payload, so downloads return plausible bytes.
STICKER_BYTES = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00/\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"  # noqa: E501
VOICE_BYTES = (
    b"OggS\x00\x02" + bytes(22) + b"\x01\x13OpusHead\x01\x01\x38\x01\x80\xbb\x00\x00\x00\x00\x00"
)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _append_in(
    bot: BotWorld,
    chat: Chat,
    kind: str,
    content: dict[str, Any],
    fields: dict[str, Any] | None = None,
    *,
    update_key: str = "message",
) -> dict[str, Any]:
    mid = chat.new_message_id()
    message: dict[str, Any] = {
        "message_id": mid,
        "from": chat.user,
        "chat": chat.info,
        "date": int(time.time()),
    }
    message.update(content)  # may override the defaults above (forged messages)
    if isinstance(message.get("message_id"), int) and message["message_id"] != mid:
        mid = message["message_id"]
    entry = new_entry("in", kind, mid, message=message, **(fields or {}))
    chat.append(entry)
    entry["update_id"] = bot.push_update(update_key, message)
    return entry


def send_text(
    bot: BotWorld,
    user_id: int,
    text: str,
    profile: dict[str, Any] | None = None,
    *,
    reply_to_message_id: int | None = None,
) -> dict[str, Any]:
    """A text message; a leading ``/command`` gets its ``bot_command`` entity like on Telegram."""
    if not isinstance(text, str) or not text:
        raise ControlError(400, "text must be a non-empty string")
    chat = bot.ensure_user(user_id, profile)
    content: dict[str, Any] = {"text": text}
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": _utf16_len(command)}]
    if reply_to_message_id is not None:
        target = chat.by_id.get(reply_to_message_id)
        if target is None:
            raise ControlError(404, f"message {reply_to_message_id} not found in this chat")
        content["reply_to_message"] = target["message"]
    return _append_in(bot, chat, "text", content, {"text": text, "raw_text": text})


def send_command(
    bot: BotWorld,
    user_id: int,
    command: str,
    payload: str | None = None,
    profile: dict[str, Any] | None = None,
) -> dict[str, Any]:
    command = command if command.startswith("/") else "/" + command
    text = f"{command} {payload}" if payload else command
    return send_text(bot, user_id, text, profile)


def _national(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("0098"):
        digits = digits[4:]
    elif digits.startswith("98"):
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = digits[1:]
    return digits


def format_phone(phone: str, style: str) -> Any:
    """Render an Iranian number the way a platform sends it.

    ``plus`` -> ``+989121234567`` (Telegram), ``bare`` -> ``989121234567`` (Bale, and some
    Telegram clients), ``zero`` -> ``09121234567``, ``number`` -> the int ``989121234567`` (BALE.md
    warns the number might even arrive as a JSON number), ``raw`` -> unchanged.
    """
    if style == "raw":
        return phone
    national = _national(phone)
    if style == "plus":
        return "+98" + national
    if style == "bare":
        return "98" + national
    if style == "zero":
        return "0" + national
    if style == "number":
        return int("98" + national)
    raise ControlError(400, f"unknown phone style {style!r}")


def default_phone(user_id: int) -> str:
    return f"0912{abs(user_id) % 10_000_000:07d}"


def share_contact(
    bot: BotWorld,
    user_id: int,
    profile: dict[str, Any] | None = None,
    *,
    phone: str | None = None,
    own: bool = True,
    contact_user_id: int | None = None,
    omit_user_id: bool = False,
    first_name: str | None = None,
    last_name: str | None = None,
    phone_style: str | None = None,
) -> dict[str, Any]:
    """Share a contact card.

    Own contact: ``user_id`` is the sender and the phone is the user's (formatted per platform
    unless ``phone`` is given verbatim). Someone else's: ``user_id`` is ``contact_user_id`` or
    absent - which is exactly the case the bot must not accept as proof of identity.
    """
    chat = bot.ensure_user(user_id, profile)
    style = phone_style or ("plus" if bot.flavour == "telegram" else "bare")
    contact: dict[str, Any] = {}
    if own:
        number = (
            phone
            if phone is not None
            else format_phone(bot.phones.get(user_id) or default_phone(user_id), style)
        )
        contact["phone_number"] = number
        contact["first_name"] = first_name or chat.user.get("first_name", "")
        last = last_name or chat.user.get("last_name")
        if last:
            contact["last_name"] = last
        if not omit_user_id:
            contact["user_id"] = user_id
    else:
        if phone is None:
            raise ControlError(400, "sharing someone else's contact needs a phone")
        contact["phone_number"] = phone if phone_style is None else format_phone(phone, style)
        contact["first_name"] = first_name or "مخاطب"
        if last_name:
            contact["last_name"] = last_name
        if contact_user_id is not None and not omit_user_id:
            contact["user_id"] = contact_user_id
    return _append_in(bot, chat, "contact", {"contact": contact}, {"contact": contact})


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
    return _append_in(bot, chat, "photo", content, fields)


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
    return _append_in(bot, chat, "document", content, fields)


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
    return _append_in(bot, chat, "sticker", {"sticker": stored.api_object()}, fields)


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
    return _append_in(bot, chat, "voice", {"voice": stored.api_object()}, fields)


def send_location(
    bot: BotWorld,
    user_id: int,
    profile: dict[str, Any] | None = None,
    *,
    latitude: float = 35.6892,
    longitude: float = 51.3890,
) -> dict[str, Any]:
    chat = bot.ensure_user(user_id, profile)
    location = {"latitude": latitude, "longitude": longitude}
    return _append_in(bot, chat, "location", {"location": location}, {"location": location})


def send_raw(
    bot: BotWorld, user_id: int, fields: dict[str, Any], profile: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A message with arbitrary fields merged over the usual ``message_id/from/chat/date``."""
    if not isinstance(fields, dict):
        raise ControlError(400, "fields must be an object")
    chat = bot.ensure_user(user_id, profile)
    kind = "text" if set(fields) <= {"text", "entities"} and "text" in fields else "raw"
    entry_fields = {"text": fields.get("text"), "caption": fields.get("caption")}
    return _append_in(bot, chat, kind, fields, entry_fields)


def edit_text(
    bot: BotWorld, user_id: int, message_id: int, text: str, profile: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The user edits one of their own text messages: an ``edited_message`` update."""
    chat = bot.ensure_user(user_id, profile)
    entry = chat.by_id.get(message_id)
    if entry is None or entry["direction"] != "in" or entry["kind"] != "text":
        raise ControlError(404, f"no text message {message_id} of this user to edit")
    entry.setdefault("edits", []).append({"text": entry["text"], "time": time.time()})
    message = dict(entry["message"], text=text, edit_date=int(time.time()))
    entry.update(text=text, raw_text=text, edited=True, message=message)
    chat.touch(entry)
    entry["edit_update_id"] = bot.push_update("edited_message", message)
    return entry


# ------------------------------------------------------------------------------ callbacks


def _callback_id(bot: BotWorld, old_app: bool) -> str:
    """Telegram ids are long digit strings; on Bale an id starting with 1 marks an old app
    that cannot show the answer (BALE.md), so ordinary Bale ids start with 2-9."""
    digits = str(random.getrandbits(62)).rjust(19, "0")[-18:]
    if bot.flavour == "bale":
        first = "1" if old_app else str(random.randint(2, 9))
        return first + digits
    return str(random.randint(1, 9)) + digits


def latest_out(chat: Chat, *, with_inline: bool = False) -> dict[str, Any] | None:
    for entry in reversed(chat.entries):
        if entry["direction"] != "out" or entry["deleted"]:
            continue
        if with_inline:
            markup = entry.get("reply_markup")
            if not (isinstance(markup, dict) and markup.get("inline_keyboard")):
                continue
        return entry
    return None


def press_callback(
    bot: BotWorld,
    user_id: int,
    data: str,
    profile: dict[str, Any] | None = None,
    *,
    message_id: int | None = None,
    old_app: bool = False,
) -> dict[str, Any]:
    """A callback query with any data (forged data included: the bot must not trust it).

    The query is attached to ``message_id`` (default: the latest bot message with an inline
    keyboard, else the latest bot message). The transcript entry records whether and how the
    bot answered it (``answered``, ``answer``).
    """
    if not isinstance(data, str):
        raise ControlError(400, "callback data must be a string")
    chat = bot.ensure_user(user_id, profile)
    if message_id is not None:
        target = chat.by_id.get(message_id)
        if target is None:
            raise ControlError(404, f"message {message_id} not found in this chat")
    else:
        target = latest_out(chat, with_inline=True) or latest_out(chat)
    qid = _callback_id(bot, old_app)
    query: dict[str, Any] = {"id": qid, "from": chat.user}
    if target is not None:
        query["message"] = target["message"]
    if bot.flavour == "telegram":
        query["chat_instance"] = chat.instance
    query["data"] = data
    entry = new_entry(
        "in",
        "callback",
        target["message_id"] if target is not None else None,
        data=data,
        callback_query_id=qid,
        chat_id=chat.id,
        answered=False,
        answer=None,
        callback_query=query,
    )
    chat.append(entry)
    bot.callbacks[qid] = entry
    entry["update_id"] = bot.push_update("callback_query", query)
    return entry


# -------------------------------------------------------------------------------- buttons


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u200c", " ")
    return " ".join(text.split())


def visible_buttons(chat: Chat) -> dict[str, Any]:
    """What the user can press now.

    ``inline``: the keyboard of the newest (not deleted) bot message that carries one - older
    keyboards are still on screen in a real client but tests should not press stale buttons by
    accident (pass ``message_id`` to do so on purpose). ``reply``: the current reply keyboard
    (the last one the bot sent, until a ``remove_keyboard`` or a one-time keyboard is used).
    """
    inline_entry = latest_out(chat, with_inline=True)
    inline: list[dict[str, Any]] = []
    if inline_entry is not None:
        for row in inline_entry["reply_markup"]["inline_keyboard"]:
            inline.extend(row)
    reply: list[dict[str, Any]] = []
    if chat.reply_keyboard is not None:
        for row in chat.reply_keyboard["markup"]["keyboard"]:
            for button in row:
                reply.append({"text": button} if isinstance(button, str) else button)
    return {
        "inline_message_id": inline_entry["message_id"] if inline_entry else None,
        "inline": inline,
        "reply": reply,
        "all": [b["text"] for b in inline] + [b["text"] for b in reply],
    }


def press(
    bot: BotWorld,
    user_id: int,
    text: str,
    profile: dict[str, Any] | None = None,
    *,
    message_id: int | None = None,
) -> dict[str, Any]:
    """Press a button by its visible text: inline first, then the reply keyboard.

    Inline ``callback_data`` -> a callback query; inline ``url`` -> nothing is sent (the result
    says so); reply button -> a text message with its text, or the user's own contact for
    ``request_contact``, or a location for ``request_location``.
    """
    chat = bot.ensure_user(user_id, profile)
    if message_id is not None:
        entry = chat.by_id.get(message_id)
        markup = entry.get("reply_markup") if entry else None
        if not (isinstance(markup, dict) and markup.get("inline_keyboard")):
            raise ControlError(404, f"message {message_id} has no inline keyboard")
        inline = [b for row in markup["inline_keyboard"] for b in row]
        reply: list[dict[str, Any]] = []
        seen = [b["text"] for b in inline]
        inline_mid = message_id
    else:
        visible = visible_buttons(chat)
        inline, reply, seen = visible["inline"], visible["reply"], visible["all"]
        inline_mid = visible["inline_message_id"]
    for matcher in (lambda b: b["text"] == text, lambda b: _norm(b["text"]) == _norm(text)):
        for button in inline:
            if matcher(button):
                if "callback_data" in button:
                    entry = press_callback(
                        bot, user_id, button["callback_data"], message_id=inline_mid
                    )
                    return {"action": "callback", "button": button, "entry": entry}
                return {"action": "none", "button": button, "entry": None}
        for button in reply:
            if matcher(button):
                keyboard = chat.reply_keyboard
                if keyboard is not None and keyboard["markup"].get("one_time_keyboard"):
                    chat.reply_keyboard = None
                if button.get("request_contact"):
                    entry = share_contact(bot, user_id)
                    return {"action": "contact", "button": button, "entry": entry}
                if button.get("request_location"):
                    entry = send_location(bot, user_id)
                    return {"action": "location", "button": button, "entry": entry}
                entry = send_text(bot, user_id, button["text"])
                return {"action": "text", "button": button, "entry": entry}
    raise ControlError(
        404,
        f"no visible button {text!r}; visible buttons: {seen!r}",
        buttons=seen,
    )


# ------------------------------------------------------------------------------- blocking


def block(bot: BotWorld, user_id: int) -> None:
    """The user blocks the bot: every call about this chat fails with 403 until unblocked.

    Telegram also tells the bot with a ``my_chat_member`` update; Bale has no such update.
    """
    chat = bot.ensure_user(user_id)
    if any(isinstance(f, _BlockFault) and f.chat_id == user_id for f in bot.faults):
        return
    bot.faults.insert(0, _BlockFault(method="*", kind="403", chat_id=user_id, times=None))
    if bot.flavour == "telegram":
        _member_update(bot, chat, "member", "kicked")


def unblock(bot: BotWorld, user_id: int) -> None:
    chat = bot.ensure_user(user_id)
    before = len(bot.faults)
    bot.faults = [
        f for f in bot.faults if not (isinstance(f, _BlockFault) and f.chat_id == user_id)
    ]
    if bot.flavour == "telegram" and len(bot.faults) != before:
        _member_update(bot, chat, "kicked", "member")


class _BlockFault(Fault):
    """A 403 fault that :func:`unblock` knows it may remove."""

    __slots__ = ()


def _member_update(bot: BotWorld, chat: Chat, old: str, new: str) -> None:
    now = int(time.time())
    member_user = bot.user_obj
    bot.push_update(
        "my_chat_member",
        {
            "chat": chat.info,
            "from": chat.user,
            "date": now,
            "old_chat_member": {"status": old, "user": member_user},
            "new_chat_member": (
                {"status": new, "user": member_user, "until_date": 0}
                if new == "kicked"
                else {"status": new, "user": member_user}
            ),
        },
    )
