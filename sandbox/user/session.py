"""A scripted user's connection to the sandbox: who they are (profile, cursor), the HTTP calls
to the control API, and the errors the sandbox answers with."""

from __future__ import annotations

import json
from typing import Any, Self

import aiohttp
from yarl import URL


class SandboxError(RuntimeError):
    """The sandbox refused an action (unknown bot, bad arguments, ...)."""


class ButtonNotFound(SandboxError, LookupError):
    """``press`` found no visible button with that text; ``buttons`` lists what was visible."""

    def __init__(self, message: str, buttons: list[str]) -> None:
        super().__init__(message)
        self.buttons = buttons


class UserSession:
    """The state and HTTP plumbing of a :class:`~sandbox.user.scripted.ScriptedUser`."""

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

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def close(self) -> None:
        if self._session is not None and self._own_session:
            await self._session.close()
        self._session = None

    async def __aenter__(self) -> Self:
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
