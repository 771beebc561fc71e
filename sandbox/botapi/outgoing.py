"""What every sending method shares: text rendering per parse mode, captions, replies, and
creating the bot's message (the Bot API object and its transcript entry).

:class:`MethodBase` is the root of the method families that make up
:class:`~sandbox.botapi.api.BotApi`.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from sandbox.botapi.params import Params
from sandbox.formatting import (
    EntityParseError,
    render_bale_markdown,
    render_html,
    render_markdown,
    render_markdown_v2,
)
from sandbox.state import ApiError, BotWorld, Chat, new_entry

if TYPE_CHECKING:
    from sandbox.server import Sandbox

MAX_TEXT = 4096
MAX_CAPTION = 1024


class MethodBase:
    """Helpers of the Bot API methods (``sandbox`` is set by
    :class:`~sandbox.botapi.api.BotApi`)."""

    sandbox: Sandbox

    def render(self, bot: BotWorld, text: str, parse_mode: str | None) -> str:
        """Validate text like the platform does and return what the reader sees."""
        try:
            if bot.flavour == "bale":
                return render_bale_markdown(text)
            if not parse_mode:
                return text
            mode = parse_mode.lower()
            if mode == "html":
                return render_html(text)
            if mode == "markdownv2":
                return render_markdown_v2(text)
            if mode == "markdown":
                return render_markdown(text)
        except EntityParseError as exc:
            raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        raise ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode!r}")

    def reply_to(self, bot: BotWorld, chat: Chat, params: Params) -> int | None:
        mid = params.integer("reply_to_message_id")
        allow_missing = params.flag("allow_sending_without_reply")
        if mid is None and bot.flavour == "telegram":
            rp = params.json("reply_parameters")
            if isinstance(rp, dict) and rp.get("message_id") is not None:
                mid = int(rp["message_id"])
                allow_missing = bool(rp.get("allow_sending_without_reply"))
        if mid is None:
            return None
        target = chat.by_id.get(mid)
        if target is None or target["deleted"]:
            if allow_missing:
                return None
            raise ApiError(400, "Bad Request: message to be replied not found")
        return mid

    def new_out(
        self,
        bot: BotWorld,
        chat: Chat,
        kind: str,
        method: str,
        content: dict[str, Any],
        entry_fields: dict[str, Any],
        markup: dict[str, Any] | None,
        reply_to: int | None,
    ) -> dict[str, Any]:
        """Create a bot message: the Bot API object, its transcript entry, keyboard state."""
        mid = chat.new_message_id()
        message: dict[str, Any] = {
            "message_id": mid,
            "from": bot.user_obj,
            "chat": chat.info,
            "date": int(time.time()),
        }
        if reply_to is not None:
            replied = chat.by_id[reply_to]["message"]
            message["reply_to_message"] = replied
        message.update(content)
        if markup is not None and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        entry = new_entry(
            "out",
            kind,
            mid,
            method=method,
            reply_markup=markup,
            reply_to_message_id=reply_to,
            message=message,
            **entry_fields,
        )
        chat.append(entry)
        if markup is not None:
            if "keyboard" in markup:
                chat.reply_keyboard = {"markup": markup, "message_id": mid}
            elif markup.get("remove_keyboard"):
                chat.reply_keyboard = None
        bot.count_sent()
        return message

    def caption(self, bot: BotWorld, params: Params) -> tuple[str | None, str | None]:
        raw = params.text("caption")
        if not raw:
            return None, None
        plain = self.render(bot, raw, params.text("parse_mode"))
        limit = bot.quirks.caption_limit if bot.flavour == "bale" else MAX_CAPTION
        if len(plain) > limit:
            raise ApiError(400, "Bad Request: message caption is too long")
        return raw, plain
