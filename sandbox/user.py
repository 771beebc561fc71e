"""A scripted person chatting with a bot through the sandbox.

Tests, the demo and the benchmarks drive users with this class. It speaks only the sandbox's
control HTTP API, so the sandbox may run in this process or another one.

Waiting model (the part tests depend on):

* The user keeps a **cursor**: a transcript index. Every action (``send_text``, ``press``, ...)
  moves the cursor to the user's own new message. ``wait_messages(n)`` returns the bot's next
  ``n`` *new* messages after the cursor and moves the cursor to the last one returned, so
  consecutive waits read the bot's output in order without gaps or repeats, and the replies to
  an action are exactly what follows it.
* Messages the bot sent *before* the user's latest action and that were never waited for are
  skipped: a wait is about the reply to what the user just did.
* Edits do not count as new messages. Use ``wait_edit`` (or ``wait_text``, which also looks at
  messages edited since the last action) when the bot answers a button press by editing.
* ``transcript()`` and ``last_message()`` always reflect the current state: edited text, the
  current inline keyboard, ``deleted`` flags.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from typing import Any

import aiohttp
from yarl import URL


class SandboxError(RuntimeError):
    """The sandbox refused an action (unknown bot, bad arguments, ...)."""


class ButtonNotFound(SandboxError, LookupError):
    """``press`` found no visible button with that text; ``buttons`` lists what was visible."""

    def __init__(self, message: str, buttons: list[str]) -> None:
        super().__init__(message)
        self.buttons = buttons


class ScriptedUser:
    """One user (``user_id``) of one bot (``token``); their private chat id equals ``user_id``.

    ``base_url`` is the sandbox's root URL (a flavour-prefixed API base works too). The profile
    (names, ``phone``) is sent with every action, so the bot always sees the current one.
    ``phone`` is the number their own contact card carries (any Iranian format; it is rendered
    the way the platform would send it unless a phone is given verbatim to ``share_contact``).
    """

    def __init__(
        self,
        base_url: str,
        token: str,
        user_id: int,
        first_name: str = "کاربر",
        *,
        phone: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "fa",
        session: aiohttp.ClientSession | None = None,
    ) -> None:
        self.base_url = str(URL(base_url).origin())
        self.token = token
        self.user_id = int(user_id)
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.phone = phone
        self.language_code = language_code
        self._session = session
        self._own_session = session is None
        self._root = URL(self.base_url) / "sandbox" / "bots" / token
        self._chat = self._root / "chats" / str(self.user_id)
        self.cursor = -1
        self.version = -1
        self.last_callback_id: str | None = None
        self.last_entry: dict[str, Any] | None = None

    @property
    def chat_id(self) -> int:
        return self.user_id

    def profile(self) -> dict[str, Any]:
        return {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "username": self.username,
            "phone": self.phone,
            "language_code": self.language_code,
        }

    # ------------------------------------------------------------------------ plumbing

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def close(self) -> None:
        if self._session is not None and self._own_session:
            await self._session.close()
        self._session = None

    async def __aenter__(self) -> ScriptedUser:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _request(
        self, method: str, url: URL, *, http_timeout: float = 30.0, **kwargs: Any
    ) -> dict[str, Any]:
        async with self._http().request(
            method, url, timeout=aiohttp.ClientTimeout(total=http_timeout), **kwargs
        ) as resp:
            try:
                body = await resp.json(content_type=None)
            except (ValueError, aiohttp.ContentTypeError):
                body = {"ok": False, "error": (await resp.text())[:500]}
        if not isinstance(body, dict) or not body.get("ok"):
            error = body.get("error") if isinstance(body, dict) else body
            if isinstance(body, dict) and "buttons" in body:
                raise ButtonNotFound(str(error), body["buttons"])
            raise SandboxError(f"{method} {url.path}: HTTP {resp.status}: {error}")
        return body

    async def _act(self, action: str, payload: dict[str, Any] | None = None, **kw: Any) -> Any:
        body = dict(payload or {})
        body["user"] = self.profile()
        data = kw.pop("data", None)
        if data is not None:
            data.add_field("meta", json.dumps(body), content_type="application/json")
            result = await self._request("POST", self._chat / action, data=data)
        else:
            result = await self._request("POST", self._chat / action, json=body)
        if result.get("cursor") is not None:
            self.cursor = result["cursor"]
        self.version = result.get("version", self.version)
        entry = result.get("entry")
        if entry is None and result.get("entries"):
            entry = result["entries"]
        if isinstance(entry, dict):
            self.last_entry = entry
            if entry.get("kind") == "callback":
                self.last_callback_id = entry["callback_query_id"]
        return result

    # ------------------------------------------------------------------------- actions

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

    # --------------------------------------------------------------------------- waits

    async def wait_messages(self, n: int = 1, timeout: float = 5.0) -> list[dict[str, Any]]:  # noqa: ASYNC109
        """The bot's next ``n`` new messages after the cursor (see the module docstring).

        Raises ``TimeoutError`` naming what did arrive if fewer than ``n`` come in time.
        """
        params = {"after": str(self.cursor), "n": str(n), "timeout": str(timeout)}
        body = await self._request(
            "GET", self._chat / "wait", params=params, http_timeout=timeout + 10
        )
        entries = body["entries"]
        if body["timed_out"]:
            got = [_short(e) for e in body.get("seen", entries)]
            raise TimeoutError(
                f"user {self.user_id} waited {timeout}s for {n} bot message(s) after index "
                f"{self.cursor}, got {len(got)}: {got}"
            )
        self.cursor = entries[-1]["index"]
        return entries

    async def wait_message(self, timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109
        """Shorthand for ``(await wait_messages(1, timeout))[0]``."""
        return (await self.wait_messages(1, timeout))[0]

    async def wait_text(self, substring: str, timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109
        """Wait for a bot message whose text or caption contains ``substring``.

        Looks at new messages after the cursor and at older messages edited since the user's
        last action. A new message match moves the cursor to it (skipping those before it).
        """
        params = {
            "after": str(self.cursor),
            "contains": substring,
            "since_version": str(self.version),
            "timeout": str(timeout),
        }
        body = await self._request(
            "GET", self._chat / "wait", params=params, http_timeout=timeout + 10
        )
        if body["timed_out"]:
            got = [_short(e) for e in body.get("seen", [])]
            raise TimeoutError(
                f"user {self.user_id} waited {timeout}s for a bot message containing "
                f"{substring!r}; new messages were: {got}"
            )
        entry = body["entries"][0]
        if entry["index"] > self.cursor:
            self.cursor = entry["index"]
        return entry

    async def wait_edit(
        self,
        message_id: int | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        """Wait until the bot edits a message (``message_id`` or any) after the last action or
        the last ``wait_edit``; returns the entry in its edited state."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        version = self.version
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(
                    f"user {self.user_id}: no edit of message {message_id or 'any'} "
                    f"within {timeout}s"
                )
            body = await self._request(
                "GET",
                self._chat / "changes",
                params={"version": str(version), "timeout": str(remaining)},
                http_timeout=remaining + 10,
            )
            for entry in body["entries"]:
                if (
                    entry["direction"] == "out"
                    and entry.get("edit_version", -1) > self.version
                    and (message_id is None or entry["message_id"] == message_id)
                ):
                    self.version = body["version"]
                    return entry
            version = body["version"]

    async def wait_callback_answer(
        self,
        callback_query_id: str | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        """Wait until the bot answers a callback query (default: this user's last one);
        returns ``{"text", "show_alert", "url", "time"}``. Raises ``TimeoutError`` if it was
        never answered - which is how a test proves a handler forgot to answer."""
        qid = callback_query_id or self.last_callback_id
        if qid is None:
            raise SandboxError("this user has pressed no inline button yet")
        body = await self._request(
            "GET",
            self._root / "callbacks" / qid,
            params={"timeout": str(timeout)},
            http_timeout=timeout + 10,
        )
        record = body["callback"]
        if not record["answered"]:
            raise TimeoutError(
                f"callback {qid} (data={record['data']!r}) was not answered within {timeout}s"
            )
        return record["answer"]

    async def callback_answers(self) -> list[dict[str, Any]]:
        """All of this user's callback queries: ``data``, ``answered``, ``answer`` (or None)."""
        body = await self._request(
            "GET", self._root / "callbacks", params={"chat_id": str(self.user_id)}
        )
        return body["callbacks"]

    async def assert_no_messages(self, within: float = 0.5) -> None:
        """Fail if the bot sends this user any new message within ``within`` seconds."""
        params = {"after": str(self.cursor), "n": "1", "timeout": str(within)}
        body = await self._request(
            "GET", self._chat / "wait", params=params, http_timeout=within + 10
        )
        if not body["timed_out"]:
            raise AssertionError(f"unexpected bot message: {_short(body['entries'][0])}")

    # --------------------------------------------------------------------------- reads

    async def transcript(self) -> list[dict[str, Any]]:
        """Every entry of this chat, in order, in its current state (empty if no chat yet)."""
        try:
            body = await self._request("GET", self._chat / "transcript")
        except SandboxError as exc:
            if "HTTP 404" in str(exc):
                return []
            raise
        return body["entries"]

    async def last_message(self) -> dict[str, Any] | None:
        """The bot's newest message that is not deleted, as it is now; None if none."""
        for entry in reversed(await self.transcript()):
            if entry["direction"] == "out" and not entry["deleted"]:
                return entry
        return None

    async def buttons(self) -> list[str]:
        """Texts of the buttons visible now: newest inline keyboard, then the reply keyboard."""
        return (await self._request("GET", self._chat / "buttons"))["all"]

    async def download(self, file_id: str) -> bytes:
        """The bytes of a file the bot sent (or this user sent) in this bot's world."""
        async with self._http().get(self._root / "files" / file_id) as resp:
            if resp.status != 200:
                raise SandboxError(f"file {file_id!r}: HTTP {resp.status}")
            return await resp.read()


def _short(entry: dict[str, Any]) -> str:
    text = entry.get("text") or entry.get("caption") or ""
    return f"#{entry.get('message_id')} {entry.get('kind')}: {text[:80]!r}"
