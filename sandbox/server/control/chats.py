"""Control endpoints about one chat: summaries, the transcript, long-poll waits for the bot's
messages and changes, the visible buttons, and callback queries and their answers."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from aiohttp import web

from sandbox import actions
from sandbox.server.control.base import ControlBase
from sandbox.state import ControlError


class ChatEndpoints(ControlBase):
    """Reading chats and waiting for the bot."""

    async def chats(self, request: web.Request) -> web.Response:
        async def work(req: web.Request) -> Any:
            bot = self._bot(req)
            return {"ok": True, "chats": [c.summary() for c in bot.chats.values()]}

        return await self._guard(request, work)

    async def chat_info(self, request: web.Request) -> web.Response:
        async def work(req: web.Request) -> Any:
            bot = self._bot(req)
            chat = self._chat(req, bot)
            return {"ok": True, **chat.summary(), "buttons": actions.visible_buttons(chat)}

        return await self._guard(request, work)

    async def transcript(self, request: web.Request) -> web.Response:
        async def work(req: web.Request) -> Any:
            bot = self._bot(req)
            chat = self._chat(req, bot)
            after = self._int(req.query.get("after"), "after", -1)
            return {
                "ok": True,
                "version": chat.version,
                "entries": chat.entries[after + 1 :],
            }

        return await self._guard(request, work)

    async def wait(self, request: web.Request) -> web.Response:
        """Long-poll for the bot's next messages after a cursor.

        ``after``: transcript index (exclusive); ``n``: how many new bot messages to wait for;
        ``contains``: instead, wait for the first bot message whose text or caption contains
        this, also among older messages edited since ``since_version``; ``timeout``: seconds.
        Answers with what it has at the timeout and ``timed_out: true``.
        """

        async def work(req: web.Request) -> Any:
            bot = self._bot(req)
            q = req.query
            user_id = self._int(req.match_info["chat"], "chat")
            after = self._int(q.get("after"), "after", -1)
            n = max(1, self._int(q.get("n"), "n", 1))
            timeout = self._float(q.get("timeout"), "timeout", 5.0)
            contains = q.get("contains")
            since_version = self._int(q.get("since_version"), "since_version", -1)
            loop = asyncio.get_running_loop()
            deadline = loop.time() + timeout
            while True:
                chat = bot.chats.get(user_id)
                found: list[dict[str, Any]] = []
                if chat is not None:
                    found = [e for e in chat.entries[after + 1 :] if e["direction"] == "out"]
                    if contains is not None:
                        pool = found
                        if since_version >= 0:
                            edited = [
                                e
                                for e in chat.entries[: after + 1]
                                if e["direction"] == "out" and e["version"] > since_version
                            ]
                            pool = edited + found
                        for entry in pool:
                            if contains in (entry.get("text") or entry.get("caption") or ""):
                                return {
                                    "ok": True,
                                    "timed_out": False,
                                    "entries": [entry],
                                    "version": chat.version,
                                }
                    elif len(found) >= n:
                        return {
                            "ok": True,
                            "timed_out": False,
                            "entries": found[:n],
                            "version": chat.version,
                        }
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return {
                        "ok": True,
                        "timed_out": True,
                        "entries": found[:n] if contains is None else [],
                        "seen": found,
                        "version": chat.version if chat else 0,
                    }
                if chat is None:
                    await asyncio.sleep(min(0.05, remaining))
                    continue
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(chat.changed().wait(), remaining)

        return await self._guard(request, work)

    async def changes(self, request: web.Request) -> web.Response:
        """Long-poll until the chat's version exceeds ``version``; returns the changed entries
        (new ones, edited, deleted, answered callbacks)."""

        async def work(req: web.Request) -> Any:
            bot = self._bot(req)
            chat = self._chat(req, bot)
            version = self._int(req.query.get("version"), "version", -1)
            timeout = self._float(req.query.get("timeout"), "timeout", 5.0)
            if chat.version <= version and timeout > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(chat.changed().wait(), timeout)
            changed = [e for e in chat.entries if e["version"] > version]
            return {"ok": True, "version": chat.version, "entries": changed}

        return await self._guard(request, work)

    async def buttons(self, request: web.Request) -> web.Response:
        async def work(req: web.Request) -> Any:
            bot = self._bot(req)
            user_id = self._int(req.match_info["chat"], "chat")
            chat = bot.chats.get(user_id)
            if chat is None:
                return {
                    "ok": True,
                    "inline": [],
                    "reply": [],
                    "all": [],
                    "inline_message_id": None,
                }
            return {"ok": True, **actions.visible_buttons(chat)}

        return await self._guard(request, work)

    async def callbacks(self, request: web.Request) -> web.Response:
        async def work(req: web.Request) -> Any:
            bot = self._bot(req)
            chat_id = req.query.get("chat_id")
            wanted = self._int(chat_id, "chat_id") if chat_id else None
            records = [
                r for r in bot.callbacks.values() if wanted is None or r["chat_id"] == wanted
            ]
            return {"ok": True, "callbacks": records}

        return await self._guard(request, work)

    async def callback(self, request: web.Request) -> web.Response:
        """One callback query's record; with ``timeout``, wait until the bot answers it."""

        async def work(req: web.Request) -> Any:
            bot = self._bot(req)
            record = bot.callbacks.get(req.match_info["qid"])
            if record is None:
                raise ControlError(404, "no such callback query")
            timeout = self._float(req.query.get("timeout"), "timeout", 0.0)
            chat = bot.chats[record["chat_id"]]
            loop = asyncio.get_running_loop()
            deadline = loop.time() + timeout
            while not record["answered"]:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(chat.changed().wait(), remaining)
            return {"ok": True, "callback": record}

        return await self._guard(request, work)

