"""What a scripted user waits for and reads: the bot's next messages after the cursor, a text,
an edit, a callback answer, silence; the transcript, the last message, buttons, downloads.

The waiting model is described in :mod:`sandbox.user`.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sandbox.user.session import SandboxError, UserSession


class UserWaits(UserSession):
    """The waits and reads of a :class:`~sandbox.user.scripted.ScriptedUser`."""

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
