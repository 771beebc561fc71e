"""The control endpoint of user actions: ``POST /sandbox/bots/{bot}/chats/{chat}/{action}``
(text, command, contact, photo, document, album, ...), with files as multipart parts or base64.

The actions themselves are in :mod:`sandbox.actions`.
"""

from __future__ import annotations

import base64
from typing import Any

from aiohttp import web

from sandbox import actions
from sandbox.botapi import Upload
from sandbox.server.control.base import ControlBase
from sandbox.state import BotWorld, ControlError


def _b64(value: Any) -> bytes:
    if not isinstance(value, str):
        raise ControlError(400, "file data must be base64 text (data_b64)")
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:
        raise ControlError(400, "data_b64 is not valid base64") from None


class ActionEndpoints(ControlBase):
    """A user acts in their private chat."""

    ACTIONS = frozenset(
        {
            "text",
            "command",
            "contact",
            "photo",
            "document",
            "album",
            "sticker",
            "voice",
            "location",
            "raw",
            "edit",
            "callback",
            "press",
            "block",
            "unblock",
        }
    )

    async def action(self, request: web.Request) -> web.Response:
        """A user acts in their private chat. Body: ``{"user": {first_name, last_name,
        username, phone, language_code}, ...action fields}`` (or multipart with ``meta`` and
        file parts). Answers ``{entry(s), cursor, version}``: ``cursor`` is the transcript
        index of the user's message, from which the bot's replies are awaited."""

        async def work(req: web.Request) -> Any:
            bot = self._bot(req)
            user_id = self._int(req.match_info["chat"], "chat")
            name = req.match_info["action"]
            if name not in self.ACTIONS:
                raise ControlError(404, f"unknown action {name!r}; one of {sorted(self.ACTIONS)}")
            body, uploads = await self._body(req)
            profile = body.get("user") if isinstance(body.get("user"), dict) else None
            result = self._do(bot, user_id, name, body, uploads, profile)
            chat = bot.chats[user_id]
            out: dict[str, Any] = {"ok": True, "version": chat.version}
            if isinstance(result, list):
                out["entries"] = result
                out["cursor"] = result[-1]["index"]
            elif isinstance(result, dict) and "action" in result:
                out.update(action=result["action"], button=result["button"])
                out["entry"] = result["entry"]
                out["cursor"] = result["entry"]["index"] if result["entry"] else None
            elif isinstance(result, dict):
                out["entry"] = result
                out["cursor"] = result["index"]
            return out

        return await self._guard(request, work)

    @staticmethod
    def _file_items(body: dict[str, Any], uploads: list[Upload]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        described = body.get("items") or body.get("files")
        if isinstance(described, list):
            for i, item in enumerate(described):
                if not isinstance(item, dict):
                    raise ControlError(400, "items must be objects")
                item = dict(item)
                if "data_b64" in item:
                    item["data"] = _b64(item.pop("data_b64"))
                elif i < len(uploads):
                    item["data"] = uploads[i].data
                    item.setdefault("filename", uploads[i].filename)
                    item.setdefault("mime_type", uploads[i].content_type)
                else:
                    raise ControlError(400, f"item {i} has no data")
                items.append(item)
        elif "data_b64" in body:
            items.append({"data": _b64(body["data_b64"])})
        for upload in uploads[len(items) :]:
            items.append(
                {
                    "data": upload.data,
                    "filename": upload.filename,
                    "mime_type": upload.content_type,
                }
            )
        return items

    def _do(
        self,
        bot: BotWorld,
        user_id: int,
        name: str,
        body: dict[str, Any],
        uploads: list[Upload],
        profile: dict[str, Any] | None,
    ) -> Any:
        if name == "text":
            return actions.send_text(
                bot,
                user_id,
                body.get("text"),  # type: ignore[arg-type]
                profile,
                reply_to_message_id=body.get("reply_to_message_id"),
            )
        if name == "command":
            return actions.send_command(
                bot, user_id, str(body.get("command", "")), body.get("payload"), profile
            )
        if name == "contact":
            contact_user = body.get("contact_user_id")
            return actions.share_contact(
                bot,
                user_id,
                profile,
                phone=body.get("phone"),
                own=bool(body.get("own", True)),
                contact_user_id=int(contact_user) if contact_user is not None else None,
                omit_user_id=bool(body.get("omit_user_id", False)),
                first_name=body.get("first_name"),
                last_name=body.get("last_name"),
                phone_style=body.get("phone_style"),
            )
        if name in ("photo", "document"):
            items = self._file_items(body, uploads)
            if len(items) != 1:
                raise ControlError(400, f"a {name} needs exactly one file")
            item = items[0]
            if name == "photo":
                return actions.send_photo(
                    bot, user_id, item["data"], profile, caption=body.get("caption")
                )
            return actions.send_document(
                bot,
                user_id,
                item["data"],
                body.get("filename") or item.get("filename") or "file.bin",
                profile,
                mime_type=body.get("mime_type") or item.get("mime_type"),
                caption=body.get("caption"),
            )
        if name == "album":
            return actions.send_album(bot, user_id, self._file_items(body, uploads), profile)
        if name == "sticker":
            return actions.send_sticker(bot, user_id, profile, emoji=body.get("emoji", "👍"))
        if name == "voice":
            data = _b64(body["data_b64"]) if "data_b64" in body else None
            return actions.send_voice(
                bot, user_id, profile, data=data, duration=int(body.get("duration", 2))
            )
        if name == "location":
            return actions.send_location(
                bot,
                user_id,
                profile,
                latitude=float(body.get("latitude", 35.6892)),
                longitude=float(body.get("longitude", 51.3890)),
            )
        if name == "raw":
            return actions.send_raw(bot, user_id, body.get("fields"), profile)  # type: ignore[arg-type]
        if name == "edit":
            return actions.edit_text(
                bot,
                user_id,
                self._int(body.get("message_id"), "message_id"),
                str(body.get("text", "")),
                profile,
            )
        if name == "callback":
            mid = body.get("message_id")
            return actions.press_callback(
                bot,
                user_id,
                body.get("data"),  # type: ignore[arg-type]
                profile,
                message_id=int(mid) if mid is not None else None,
                old_app=bool(body.get("old_app", False)),
            )
        if name == "press":
            mid = body.get("message_id")
            return actions.press(
                bot,
                user_id,
                str(body.get("text", "")),
                profile,
                message_id=int(mid) if mid is not None else None,
            )
        if name == "block":
            actions.block(bot, user_id)
        else:
            actions.unblock(bot, user_id)
        return None
