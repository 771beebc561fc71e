"""Control endpoints about a bot as a whole: the overview, adding bots and users, its files,
how much it sent, its pending updates and injecting raw ones."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from sandbox.server.control.base import ControlBase
from sandbox.server.jsonio import json_response
from sandbox.state import ControlError


class BotEndpoints(ControlBase):
    """Bots, users, files, counts and updates."""

    async def overview(self, request: web.Request) -> web.Response:
        async def work(_: web.Request) -> Any:
            return {
                "ok": True,
                "base_url": self.sb.base_url,
                "bots": [
                    bot.info() | {"api_base": self.sb.api_base(bot.flavour)}
                    for bot in self.sb.bots.values()
                ],
            }

        return await self._guard(request, work)

    async def add_bot(self, request: web.Request) -> web.Response:
        async def work(req: web.Request) -> Any:
            body, _ = await self._body(req)
            token = self.sb.add_bot(
                body.get("flavour", "telegram"),
                token=body.get("token"),
                username=body.get("username"),
                first_name=body.get("first_name"),
            )
            return {"ok": True, "token": token} | self.sb.bots[token].info()

        return await self._guard(request, work)

    async def bot_info(self, request: web.Request) -> web.Response:
        return await self._guard(
            request, lambda req: self._async({"ok": True} | self._bot(req).info())
        )

    async def add_users(self, request: web.Request) -> web.Response:
        async def work(req: web.Request) -> Any:
            bot = self._bot(req)
            body, _ = await self._body(req)
            count = 0
            for user in body.get("users", []):
                if isinstance(user, dict):
                    bot.ensure_user(self._int(user.get("id"), "id"), user)
                else:
                    bot.ensure_user(self._int(user, "id"), None)
                count += 1
            for user_id in body.get("ids", []):
                bot.ensure_user(self._int(user_id, "id"), None)
                count += 1
            return {"ok": True, "registered": count, "chats": len(bot.chats)}

        return await self._guard(request, work)

    async def file(self, request: web.Request) -> web.Response:
        try:
            bot = self._bot(request)
            stored = bot.files[request.match_info["file_id"]]
        except (ControlError, KeyError):
            return json_response({"ok": False, "error": "no such file"}, 404)
        headers = {}
        if stored.file_name:
            headers["Content-Disposition"] = f"inline; filename*=UTF-8''{_quote(stored.file_name)}"
        return web.Response(
            body=self.sb.blobs[stored.sha256],
            content_type=stored.mime_type
            or ("image/jpeg" if stored.kind == "photo" else "application/octet-stream"),
            headers=headers,
        )

    async def file_info(self, request: web.Request) -> web.Response:
        async def work(req: web.Request) -> Any:
            bot = self._bot(req)
            stored = bot.files.get(req.match_info["file_id"])
            if stored is None:
                raise ControlError(404, "no such file")
            return {
                "ok": True,
                "kind": stored.kind,
                "origin": stored.origin,
                "file_path": stored.file_path,
                "sha256": stored.sha256,
                **stored.api_object(),
            }

        return await self._guard(request, work)

    async def sent_count(self, request: web.Request) -> web.Response:
        async def work(req: web.Request) -> Any:
            bot = self._bot(req)
            chat_id = req.query.get("chat_id")
            count = self.sb.sent_count(
                bot.token, self._int(chat_id, "chat_id") if chat_id else None
            )
            return {"ok": True, "count": count}

        return await self._guard(request, work)

    async def wait_sent(self, request: web.Request) -> web.Response:
        async def work(req: web.Request) -> Any:
            bot = self._bot(req)
            count = self._int(req.query.get("count"), "count")
            timeout = self._float(req.query.get("timeout"), "timeout", 10.0)
            try:
                total = await self.sb.wait_sent(bot.token, count, timeout)
            except TimeoutError:
                return {"ok": True, "timed_out": True, "count": bot.sent_total}
            return {"ok": True, "timed_out": False, "count": total}

        return await self._guard(request, work)

    async def updates(self, request: web.Request) -> web.Response:
        return await self._guard(
            request,
            lambda req: self._async(
                {"ok": True, "pending": [u for _, u in self._bot(req).pending]}
            ),
        )

    async def inject(self, request: web.Request) -> web.Response:
        async def work(req: web.Request) -> Any:
            bot = self._bot(req)
            body, _ = await self._body(req)
            if "update" not in body:
                raise ControlError(400, "body needs an 'update'")
            return {"ok": True, "id": bot.push_raw(body["update"])}

        return await self._guard(request, work)


def _quote(name: str) -> str:
    from urllib.parse import quote

    return quote(name, safe="")
