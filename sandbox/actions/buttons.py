"""Buttons: what a user can see and press now, pressing by visible text, and callback queries
(including forged data).

How the bot's keyboards are validated is in :mod:`sandbox.botapi.keyboards`.
"""

from __future__ import annotations

import random
import unicodedata
from typing import Any

from sandbox.actions.contacts import share_contact
from sandbox.actions.messages import send_location, send_text
from sandbox.state import BotWorld, Chat, ControlError, new_entry


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
    qid = _callback_id(bot, old_app or (bot.flavour == "bale" and bot.quirks.old_clients))
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


# Direction marks and isolates a label may carry: a tap never types them.
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200e\u200f\u2066\u2067\u2068\u2069"))


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\u200c", " ").translate(_BIDI_CONTROLS)
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
                    entry = share_contact(bot, user_id, via_button=True)
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
