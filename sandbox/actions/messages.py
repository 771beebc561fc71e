"""A user's plain messages: text and commands, a location, a raw (possibly forged) message, and
editing their own text."""

from __future__ import annotations

import time
from typing import Any

from sandbox.actions.incoming import append_in
from sandbox.state import BotWorld, ControlError


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2



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
    return append_in(bot, chat, "text", content, {"text": text, "raw_text": text})


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
    return append_in(bot, chat, "location", {"location": location}, {"location": location})


def send_raw(
    bot: BotWorld, user_id: int, fields: dict[str, Any], profile: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A message with arbitrary fields merged over the usual ``message_id/from/chat/date``."""
    if not isinstance(fields, dict):
        raise ControlError(400, "fields must be an object")
    chat = bot.ensure_user(user_id, profile)
    kind = "text" if set(fields) <= {"text", "entities"} and "text" in fields else "raw"
    entry_fields = {"text": fields.get("text"), "caption": fields.get("caption")}
    return append_in(bot, chat, kind, fields, entry_fields)


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
