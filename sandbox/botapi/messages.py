"""Message methods: sendMessage, editMessageText / Caption / ReplyMarkup, deleteMessage,
copyMessage, forwardMessage, sendChatAction and getChat.

Sending files is in :mod:`sandbox.botapi.files`.
"""

from __future__ import annotations

import copy
import time
from typing import Any

from sandbox.botapi.keyboards import KeyboardMethods
from sandbox.botapi.outgoing import MAX_TEXT
from sandbox.botapi.params import Params
from sandbox.state import ApiError, BotWorld, Chat

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


class MessageMethods(KeyboardMethods):
    """The message methods of :class:`~sandbox.botapi.api.BotApi`."""

    async def m_sendmessage(self, bot: BotWorld, params: Params) -> Any:
        chat = bot.chat(params.chat_id())
        raw = params.text("text")
        if not raw or not raw.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        parse_mode = params.text("parse_mode") or None
        plain = self.render(bot, raw, parse_mode)
        if not plain.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(plain) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        markup = self.markup(bot, params)
        reply_to = self.reply_to(bot, chat, params)
        return self.new_out(
            bot,
            chat,
            "text",
            "sendMessage",
            {"text": plain},
            {"text": plain, "raw_text": raw, "parse_mode": parse_mode},
            markup,
            reply_to,
        )

    def _editable(self, bot: BotWorld, params: Params) -> tuple[Chat, dict[str, Any]]:
        if params.raw("inline_message_id") is not None:
            raise ApiError(400, "Bad Request: inline messages are not supported by the sandbox")
        chat = bot.chat(params.chat_id())
        mid = params.integer("message_id", required=True)
        entry = chat.by_id.get(mid)  # type: ignore[arg-type]
        if entry is None or entry["deleted"]:
            raise ApiError(400, "Bad Request: message to edit not found")
        if entry["direction"] != "out":
            raise ApiError(400, "Bad Request: message can't be edited")
        return chat, entry

    @staticmethod
    def _snapshot(entry: dict[str, Any]) -> dict[str, Any]:
        return {
            k: entry[k]
            for k in ("text", "raw_text", "caption", "raw_caption", "parse_mode", "reply_markup")
        } | {"time": time.time()}

    def _finish_edit(
        self, bot: BotWorld, chat: Chat, entry: dict[str, Any], markup: Any
    ) -> dict[str, Any]:
        message = dict(entry["message"])
        if markup is not None:
            message["reply_markup"] = markup
        else:
            message.pop("reply_markup", None)
        message["edit_date"] = int(time.time())
        if entry["text"] is not None:
            message["text"] = entry["text"]
        if entry["caption"] is not None:
            message["caption"] = entry["caption"]
        entry["message"] = message
        entry["reply_markup"] = markup
        entry["edited"] = True
        entry["edit_count"] = entry.get("edit_count", 0) + 1
        entry["edit_time"] = time.time()
        chat.touch(entry)
        entry["edit_version"] = entry["version"]
        return message

    async def m_editmessagetext(self, bot: BotWorld, params: Params) -> Any:
        chat, entry = self._editable(bot, params)
        raw = params.text("text")
        if not raw or not raw.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if entry["kind"] != "text":
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        parse_mode = params.text("parse_mode") or None
        plain = self.render(bot, raw, parse_mode)
        if len(plain) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        # Without reply_markup the inline keyboard is removed, as on Telegram.
        markup = self.markup(bot, params, inline_only=True)
        if (
            bot.flavour == "telegram"
            and plain == entry["text"]
            and markup == entry.get("reply_markup")
        ):
            raise ApiError(400, NOT_MODIFIED)
        entry.setdefault("edits", []).append(self._snapshot(entry))
        entry.update(text=plain, raw_text=raw, parse_mode=parse_mode)
        message = self._finish_edit(bot, chat, entry, markup)
        return self._edit_answer(bot, "editmessagetext", message)

    def _edit_answer(self, bot: BotWorld, method: str, message: dict[str, Any]) -> Any:
        """The edited Message, or Bale's stub for the edit methods that answer with one."""
        if bot.flavour == "bale" and method in bot.quirks.edit_stubs:
            return copy.deepcopy(self.sandbox.bale_edit_stub)
        return message

    async def m_editmessagecaption(self, bot: BotWorld, params: Params) -> Any:
        chat, entry = self._editable(bot, params)
        if entry["kind"] not in ("photo", "document"):
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        raw, plain = self.caption(bot, params)
        markup = self.markup(bot, params, inline_only=True)
        if (
            bot.flavour == "telegram"
            and plain == entry["caption"]
            and markup == entry.get("reply_markup")
        ):
            raise ApiError(400, NOT_MODIFIED)
        entry.setdefault("edits", []).append(self._snapshot(entry))
        entry.update(caption=plain, raw_caption=raw, parse_mode=params.text("parse_mode"))
        message = self._finish_edit(bot, chat, entry, markup)
        if plain is None:
            message.pop("caption", None)
        return self._edit_answer(bot, "editmessagecaption", message)

    async def m_editmessagereplymarkup(self, bot: BotWorld, params: Params) -> Any:
        chat, entry = self._editable(bot, params)
        markup = self.markup(bot, params, inline_only=True)
        if bot.flavour == "telegram" and markup == entry.get("reply_markup"):
            raise ApiError(400, NOT_MODIFIED)
        entry.setdefault("edits", []).append(self._snapshot(entry))
        message = self._finish_edit(bot, chat, entry, markup)
        return self._edit_answer(bot, "editmessagereplymarkup", message)

    async def m_deletemessage(self, bot: BotWorld, params: Params) -> Any:
        chat = bot.chat(params.chat_id())
        mid = params.integer("message_id", required=True)
        entry = chat.by_id.get(mid)  # type: ignore[arg-type]
        if entry is None or entry["deleted"]:
            raise ApiError(400, "Bad Request: message to delete not found")
        if time.time() - entry["time"] > 48 * 3600:
            raise ApiError(400, "Bad Request: message can't be deleted")
        # A reply keyboard stays on the client after its message is deleted: keep it.
        entry["deleted"] = True
        entry["delete_time"] = time.time()
        chat.touch(entry)
        return True

    def _source(self, bot: BotWorld, params: Params) -> dict[str, Any]:
        from_chat = bot.chats.get(params.chat_id("from_chat_id"))  # type: ignore[arg-type]
        if from_chat is None:
            raise ApiError(400, "Bad Request: chat not found")
        mid = params.integer("message_id", required=True)
        source = from_chat.by_id.get(mid)  # type: ignore[arg-type]
        if source is None or source["deleted"]:
            raise ApiError(400, "Bad Request: message to copy not found")
        if source["kind"] in ("callback", "service"):
            raise ApiError(400, "Bad Request: message can't be copied")
        return source

    @staticmethod
    def _copied_content(source: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        keep = (
            "text",
            "photo",
            "document",
            "caption",
            "contact",
            "sticker",
            "voice",
            "location",
        )
        content = {k: v for k, v in source["message"].items() if k in keep}
        fields = {
            k: source.get(k)
            for k in (
                "text",
                "raw_text",
                "caption",
                "raw_caption",
                "file_id",
                "file_ids",
                "file_unique_id",
                "file_name",
                "mime_type",
                "file_size",
                "sha256",
                "contact",
            )
            if source.get(k) is not None
        }
        return content, fields

    async def m_copymessage(self, bot: BotWorld, params: Params) -> Any:
        chat = bot.chat(params.chat_id())
        source = self._source(bot, params)
        content, fields = self._copied_content(source)
        if params.raw("caption") is not None and "text" not in content:
            raw, plain = self.caption(bot, params)
            content.pop("caption", None)
            if plain is not None:
                content["caption"] = plain
            fields.update(caption=plain, raw_caption=raw, parse_mode=params.text("parse_mode"))
        markup = self.markup(bot, params)
        reply_to = self.reply_to(bot, chat, params)
        fields["copied_from"] = {
            "chat_id": source["message"]["chat"]["id"],
            "message_id": source["message_id"],
        }
        message = self.new_out(
            bot, chat, source["kind"], "copyMessage", content, fields, markup, reply_to
        )
        return {"message_id": message["message_id"]}

    async def m_forwardmessage(self, bot: BotWorld, params: Params) -> Any:
        chat = bot.chat(params.chat_id())
        source = self._source(bot, params)
        content, fields = self._copied_content(source)
        original = source["message"]
        sender = original.get("from", {})
        content["forward_origin"] = {
            "type": "user",
            "sender_user": sender,
            "date": original.get("date", 0),
        }
        content["forward_from"] = sender
        content["forward_date"] = original.get("date", 0)
        fields["forwarded_from"] = {
            "chat_id": original["chat"]["id"],
            "message_id": source["message_id"],
        }
        return self.new_out(
            bot, chat, source["kind"], "forwardMessage", content, fields, None, None
        )

    async def m_sendchataction(self, bot: BotWorld, params: Params) -> Any:
        chat = bot.chat(params.chat_id())
        action = params.text("action") or ""
        allowed = _CHAT_ACTIONS - ({"upload_document"} if bot.flavour == "bale" else set())
        if action not in allowed:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        chat.actions.append((time.time(), action))
        return True

    async def m_getchat(self, bot: BotWorld, params: Params) -> Any:
        chat = bot.chat(params.chat_id())
        return dict(chat.info)
