"""A user's message in the sandbox: its transcript entry (``"in"``) and the update queued for
the bot. Every action that sends a message goes through :func:`append_in`."""

from __future__ import annotations

import time
from typing import Any

from sandbox.state import BotWorld, Chat, new_entry


def append_in(
    bot: BotWorld,
    chat: Chat,
    kind: str,
    content: dict[str, Any],
    fields: dict[str, Any] | None = None,
    *,
    update_key: str = "message",
) -> dict[str, Any]:
    """Append the user's message to the transcript and queue its update; returns the entry.

    ``content`` may override ``message_id``, ``from``, ``chat`` and ``date`` (forged messages).
    """
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
