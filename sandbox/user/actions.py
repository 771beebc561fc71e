"""What a scripted user does: send text, commands, contacts, files, stickers, locations, press
buttons, send callback queries, edit, block. Each action moves the user's cursor to their own
new message (see :mod:`sandbox.user`).

These are HTTP calls to the control API; the sandbox side is :mod:`sandbox.actions`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import aiohttp

from sandbox.user.session import UserSession


class UserActions(UserSession):
    """The actions of a :class:`~sandbox.user.scripted.ScriptedUser`."""

    async def send_text(self, text: str, *, reply_to: int | None = None) -> dict[str, Any]:
        """Send a text message; returns the user's transcript entry (``update_id`` included)."""
        payload: dict[str, Any] = {"text": text}
        if reply_to is not None:
            payload["reply_to_message_id"] = reply_to
        return (await self._act("text", payload))["entry"]

    async def send_command(self, cmd: str, payload: str | None = None) -> dict[str, Any]:
        """``send_command("start", "CODE")`` sends ``/start CODE``."""
        return (await self._act("command", {"command": cmd, "payload": payload}))["entry"]

    async def press(self, button_text: str, *, message_id: int | None = None) -> dict[str, Any]:
        """Press a visible button by its text.

        Looks at the inline keyboard of the bot's newest message that has one (or of
        ``message_id``), then at the current reply keyboard. An inline button sends its
        ``callback_data`` as a callback query; a reply button sends its text, or the user's own
        contact for ``request_contact``. Raises :class:`ButtonNotFound` listing what is visible.
        Returns ``{"action": "callback"|"text"|"contact"|"location"|"none", "button", "entry"}``.
        """
        payload: dict[str, Any] = {"text": button_text}
        if message_id is not None:
            payload["message_id"] = message_id
        result = await self._act("press", payload)
        return {k: result.get(k) for k in ("action", "button", "entry")}

    async def press_callback(
        self, data: str, message_id: int | None = None, *, old_app: bool = False
    ) -> dict[str, Any]:
        """Send a callback query with arbitrary (possibly forged) data. ``old_app`` makes a
        Bale-style id starting with 1 (an app too old to show callback answers)."""
        payload: dict[str, Any] = {"data": data, "old_app": old_app}
        if message_id is not None:
            payload["message_id"] = message_id
        return (await self._act("callback", payload))["entry"]

    async def share_contact(
        self,
        phone: str | None = None,
        *,
        own: bool = True,
        user_id: int | None = None,
        omit_user_id: bool = False,
        first_name: str | None = None,
        last_name: str | None = None,
        phone_style: str | None = None,
    ) -> dict[str, Any]:
        """Share a contact card.

        Own (default): ``user_id`` is this user; the phone is ``phone`` verbatim if given, else
        this user's phone formatted per platform (``phone_style``: ``plus`` = ``+98…``, Telegram's
        default; ``bare`` = ``98…``, Bale's default; ``zero`` = ``09…``; ``number`` = a JSON
        number). ``omit_user_id`` drops ``user_id`` (an unproven card).
        Someone else's (``own=False``): needs ``phone``; ``user_id`` is the other person or
        absent.
        """
        payload = {
            "phone": phone,
            "own": own,
            "contact_user_id": user_id,
            "omit_user_id": omit_user_id,
            "first_name": first_name,
            "last_name": last_name,
            "phone_style": phone_style,
        }
        return (await self._act("contact", payload))["entry"]

    async def send_photo(self, data: bytes, caption: str | None = None) -> dict[str, Any]:
        form = aiohttp.FormData()
        form.add_field("file", data, filename="photo.jpg", content_type="image/jpeg")
        result = await self._act("photo", {"caption": caption}, data=form)
        return result["entry"]

    async def send_document(
        self,
        data: bytes,
        filename: str,
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> dict[str, Any]:
        form = aiohttp.FormData()
        form.add_field(
            "file", data, filename=filename, content_type=mime_type or "application/octet-stream"
        )
        meta = {"caption": caption, "filename": filename, "mime_type": mime_type}
        return (await self._act("document", meta, data=form))["entry"]

    async def send_album(self, items: Iterable[Any]) -> list[dict[str, Any]]:
        """Send 2-10 photos/documents as one album (one ``media_group_id``, one update each).

        An item is ``bytes`` (a photo), or a dict ``{"type": "photo"|"document", "data": bytes,
        "filename": ..., "mime_type": ..., "caption": ...}``.
        """
        form = aiohttp.FormData()
        described = []
        for i, item in enumerate(items):
            spec = {"type": "photo", "data": item} if isinstance(item, bytes) else dict(item)
            data = spec.pop("data")
            kind = spec.setdefault("type", "photo")
            filename = spec.get("filename") or ("photo.jpg" if kind == "photo" else "file.bin")
            form.add_field(
                f"file{i}",
                data,
                filename=filename,
                content_type=spec.get("mime_type") or "application/octet-stream",
            )
            described.append(spec)
        return (await self._act("album", {"items": described}, data=form))["entries"]

    async def send_sticker(self, emoji: str = "👍") -> dict[str, Any]:
        return (await self._act("sticker", {"emoji": emoji}))["entry"]

    async def send_voice(self, duration: int = 2) -> dict[str, Any]:
        return (await self._act("voice", {"duration": duration}))["entry"]

    async def send_location(
        self, latitude: float = 35.6892, longitude: float = 51.3890
    ) -> dict[str, Any]:
        return (await self._act("location", {"latitude": latitude, "longitude": longitude}))[
            "entry"
        ]

    async def send_raw(self, message_fields: dict[str, Any]) -> dict[str, Any]:
        """A message whose fields are merged over the usual ones (``from``, ``chat``,
        ``message_id``, ``date`` may be overridden): for odd or forged input."""
        return (await self._act("raw", {"fields": message_fields}))["entry"]

    async def edit_text(self, message_id: int, text: str) -> dict[str, Any]:
        """Edit one of this user's own text messages (an ``edited_message`` update)."""
        return (await self._act("edit", {"message_id": message_id, "text": text}))["entry"]

    async def block(self) -> None:
        """Block the bot: its calls about this chat get 403 until :meth:`unblock`."""
        await self._act("block")

    async def unblock(self) -> None:
        await self._act("unblock")
