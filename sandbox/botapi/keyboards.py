"""Keyboards and their callbacks: ``reply_markup`` validation (inline and reply keyboards, per
flavour) and answerCallbackQuery.

What a user can see and press is in :mod:`sandbox.actions.buttons`.
"""

from __future__ import annotations

import re
import time
from typing import Any

from sandbox.botapi.outgoing import MethodBase
from sandbox.botapi.params import Params
from sandbox.state import ApiError, BotWorld

_INLINE_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
_BALE_INLINE_ACTIONS = frozenset({"url", "callback_data", "web_app", "copy_text"})
_REPLY_MARKUP_KEYS = frozenset(
    {
        "keyboard",
        "resize_keyboard",
        "one_time_keyboard",
        "input_field_placeholder",
        "selective",
        "is_persistent",
    }
)
_REPLY_BUTTON_KEYS = frozenset(
    {
        "text",
        "request_contact",
        "request_location",
        "request_poll",
        "request_users",
        "request_chat",
        "web_app",
    }
)
_BALE_REPLY_BUTTON_KEYS = frozenset({"text", "request_contact", "request_location"})


class KeyboardMethods(MethodBase):
    """``reply_markup`` checks shared by the sending methods, and answerCallbackQuery."""

    def markup(self, bot: BotWorld, params: Params, *, inline_only: bool = False) -> Any:
        """Validate ``reply_markup`` like the servers do; returns the parsed object or None."""
        markup = params.json("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        bale = bot.flavour == "bale"
        if "inline_keyboard" in markup:
            self._check_inline(bot, markup)
        elif inline_only:
            raise ApiError(400, "Bad Request: inline keyboard expected")
        elif "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise ApiError(400, "Bad Request: keyboard must be an array of arrays")
            extra = set(markup) - ({"keyboard"} if bale else _REPLY_MARKUP_KEYS)
            if extra and (bale and self.sandbox.bale_strict_keyboards or not bale):
                raise ApiError(
                    400, f"Bad Request: reply keyboard field {sorted(extra)[0]!r} is not supported"
                )
            allowed = _BALE_REPLY_BUTTON_KEYS if bale else _REPLY_BUTTON_KEYS
            for row in rows:
                for button in row:
                    if isinstance(button, str):
                        if not button:
                            raise ApiError(400, "Bad Request: keyboard button text is empty")
                        continue
                    if not isinstance(button, dict) or not button.get("text"):
                        raise ApiError(400, "Bad Request: can't parse keyboard button")
                    unknown = set(button) - allowed
                    if unknown:
                        raise ApiError(
                            400,
                            "Bad Request: keyboard button field "
                            f"{sorted(unknown)[0]!r} is not supported",
                        )
        elif "remove_keyboard" in markup or "force_reply" in markup:
            pass
        else:
            raise ApiError(400, 'Bad Request: can\'t find field "inline_keyboard"')
        return markup

    def _check_inline(self, bot: BotWorld, markup: dict[str, Any]) -> None:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise ApiError(400, "Bad Request: inline keyboard must be an array of arrays")
        allowed = _BALE_INLINE_ACTIONS if bot.flavour == "bale" else _INLINE_ACTIONS
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise ApiError(400, "Bad Request: can't parse inline keyboard button")
                if not button["text"]:
                    raise ApiError(400, "Bad Request: inline keyboard button text is empty")
                actions = [k for k, v in button.items() if k in _INLINE_ACTIONS and v is not None]
                unknown = [k for k in actions if k not in allowed]
                if unknown:
                    raise ApiError(
                        400, f"Bad Request: inline button field {unknown[0]!r} is not supported"
                    )
                if len(actions) != 1:
                    raise ApiError(
                        400,
                        "Bad Request: can't parse inline keyboard button: Text buttons are "
                        "unallowed in the inline keyboard",
                    )
                if "callback_data" in button:
                    data = button["callback_data"]
                    if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                if "url" in button:
                    url = button["url"]
                    if not isinstance(url, str) or not re.match(r"^(https?|tg)://\S+$", url):
                        raise ApiError(400, "Bad Request: BUTTON_URL_INVALID")

    async def m_answercallbackquery(self, bot: BotWorld, params: Params) -> Any:
        qid = params.text("callback_query_id")
        if not qid:
            raise ApiError(400, "Bad Request: callback_query_id is empty")
        record = bot.callbacks.get(qid)
        stale = "Bad Request: query is too old and response timeout expired or query ID is invalid"
        if record is None or record["answered"]:
            raise ApiError(400, stale)
        expiry = bot.callback_expiry
        if expiry is not None and time.time() - record["time"] > expiry:
            raise ApiError(400, stale)  # the platform stopped waiting for this answer
        text = params.text("text")
        if text is not None and len(text) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        record["answered"] = True
        # An old Bale app (its query ids start with "1") cannot show the answer's text.
        old_app = bot.flavour == "bale" and qid.startswith("1")
        record["answer"] = {
            "shown": bool(text) and not old_app,
            "text": text,
            "show_alert": params.flag("show_alert"),
            "url": params.text("url"),
            "time": time.time(),
        }
        chat = bot.chats.get(record["chat_id"])
        if chat is not None:
            chat.touch(record)
        return True
