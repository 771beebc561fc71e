"""The Bot API over HTTP: ``/bot{token}/{method}`` and file downloads ``/file/bot{token}/...``.

Reads a call's parameters from the query string and a JSON, urlencoded or multipart body, answers
an unknown token in the platform's words, and hands the call to :class:`~sandbox.botapi.BotApi`.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from aiohttp import web

from sandbox.botapi import BotApi, Params, Upload
from sandbox.botapi.faults import inject
from sandbox.server.jsonio import json_response
from sandbox.state import ApiError, BotWorld


class BotApiRoutes:
    """The Bot API's HTTP handlers (a mixin of :class:`~sandbox.server.app.Sandbox`, which owns
    the attributes below and registers the routes in ``make_app``)."""

    bots: dict[str, BotWorld]
    blobs: dict[str, bytes]
    api: BotApi
    unknown_token_flavour: str
    _inflight: set[asyncio.Task[Any]]

    def _unauthorized(self, flavour: str, status: int | None = None) -> web.Response:
        """A bad token in the platform's words: Telegram 401; Bale 403 ``Token not found``, or
        404 ``Not Found`` as third-party clients also report (``status``)."""
        if flavour == "bale":
            if status == 404:
                return json_response(
                    {"ok": False, "error_code": 404, "description": "Not Found"}, 404)
            return json_response(
                {"ok": False, "error_code": 403, "description": "Bad Request: Token not found"},
                403,
            )
        return json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)

    async def _handle_api(self, request: web.Request) -> web.Response:
        info = request.match_info
        prefix = info.get("flavour")
        bot = self.bots.get(info["token"])
        if bot is None or (prefix is not None and bot.flavour != prefix):
            return self._unauthorized(prefix or self.unknown_token_flavour)
        if bot.revoked:
            return self._unauthorized(bot.flavour, bot.quirks.bad_token_status)
        task = asyncio.current_task()
        if task is not None:
            self._inflight.add(task)
        try:
            params = await self._read_params(request)
            result = await self.api.call(bot, info["method"], params)
        except ApiError as exc:
            return json_response(exc.payload(), exc.code)
        finally:
            if task is not None:
                self._inflight.discard(task)
        return json_response({"ok": True, "result": result})

    @staticmethod
    async def _read_params(request: web.Request) -> Params:
        """Query string plus a JSON, urlencoded or multipart body, as the real servers accept."""
        data: dict[str, Any] = dict(request.query)
        files: dict[str, Upload] = {}
        if request.method == "POST" and request.body_exists:
            ctype = request.content_type
            if ctype == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise ApiError(400, "Bad Request: can't parse JSON request body") from None
                if not isinstance(body, dict):
                    raise ApiError(400, "Bad Request: request body must be a JSON object")
                data.update(body)
            elif ctype == "multipart/form-data":
                reader = await request.multipart()
                while True:
                    part = await reader.next()
                    if part is None:
                        break
                    if not isinstance(part, aiohttp.BodyPartReader) or part.name is None:
                        continue
                    part_type = part.headers.get(aiohttp.hdrs.CONTENT_TYPE, "")
                    if part.filename is None and (not part_type or part_type.startswith("text/")):
                        data[part.name] = await part.text()
                    else:
                        files[part.name] = Upload(
                            part.name, part.filename, part_type or None, bytes(await part.read())
                        )
            else:
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        files[key] = Upload(
                            key, value.filename, value.content_type, value.file.read()
                        )
                    else:
                        data[key] = value
        return Params(data, files)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        info = request.match_info
        bot = self.bots.get(info["token"])
        not_found = json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, 404
        )
        if bot is None or (info.get("flavour") not in (None, bot.flavour)):
            return not_found
        if bot.faults:
            fault = bot.find_fault("file", None)
            if fault is not None:
                try:
                    await inject(bot, fault)
                except ApiError as exc:
                    return json_response(exc.payload(), exc.code)
        stored = bot.files_by_path.get(info["path"])
        if stored is None:
            return not_found
        return web.Response(
            body=self.blobs[stored.sha256],
            content_type=stored.mime_type or "application/octet-stream",
        )
