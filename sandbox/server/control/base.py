"""What every control endpoint shares: finding the bot and chat, reading numbers and bodies
(JSON or multipart), and answering errors as ``{"ok": false, "error"}``."""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from sandbox.botapi import Upload
from sandbox.server.jsonio import json_response
from sandbox.state import BotWorld, ControlError

if TYPE_CHECKING:
    from sandbox.server.app import Sandbox


class ControlBase:
    """Helpers of the control endpoints; ``sb`` is the sandbox they control."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sb = sandbox

    def _bot(self, request: web.Request) -> BotWorld:
        try:
            return self.sb.bot(request.match_info["bot"])
        except KeyError as exc:
            raise ControlError(404, str(exc.args[0])) from None

    @staticmethod
    def _int(value: Any, name: str, default: Any = None) -> Any:
        if value is None or value == "":
            if default is None:
                raise ControlError(400, f"{name} is required")
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ControlError(400, f"{name} must be an integer") from None

    @staticmethod
    def _float(value: Any, name: str, default: float) -> float:
        if value is None or value == "":
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ControlError(400, f"{name} must be a number") from None

    @staticmethod
    async def _body(request: web.Request) -> tuple[dict[str, Any], list[Upload]]:
        """JSON body, or multipart with an optional ``meta`` JSON part plus file parts."""
        if not request.body_exists:
            return {}, []
        if request.content_type == "multipart/form-data":
            meta: dict[str, Any] = {}
            uploads: list[Upload] = []
            reader = await request.multipart()
            while True:
                part = await reader.next()
                if part is None:
                    break
                if not isinstance(part, aiohttp.BodyPartReader) or part.name is None:
                    continue
                if part.filename is None:
                    text = await part.text()
                    if part.name == "meta":
                        try:
                            meta.update(json.loads(text))
                        except ValueError:
                            raise ControlError(400, "meta must be JSON") from None
                    else:
                        meta[part.name] = text
                else:
                    uploads.append(
                        Upload(
                            part.name,
                            part.filename,
                            part.headers.get(aiohttp.hdrs.CONTENT_TYPE),
                            bytes(await part.read()),
                        )
                    )
            return meta, uploads
        try:
            body = await request.json()
        except ValueError:
            raise ControlError(400, "body must be JSON") from None
        if not isinstance(body, dict):
            raise ControlError(400, "body must be a JSON object")
        return body, []

    async def _guard(self, request: web.Request, work: Any) -> web.Response:
        """Run an endpoint: JSON out, errors as ``{"ok": false, "error"}``; long waits are
        tracked so :meth:`Sandbox.stop` can cut them short."""
        task = asyncio.current_task()
        if task is not None:
            self.sb._inflight.add(task)
        try:
            return json_response(await work(request))
        except ControlError as exc:
            return json_response({"ok": False, "error": exc.message, **exc.extra}, exc.status)
        except (KeyError, ValueError, TypeError) as exc:
            return json_response({"ok": False, "error": f"{type(exc).__name__}: {exc}"}, 400)
        finally:
            if task is not None:
                self.sb._inflight.discard(task)

    @staticmethod
    async def _async(value: Any) -> Any:
        return value

    def _chat(self, request: web.Request, bot: BotWorld) -> Any:
        chat_id = self._int(request.match_info["chat"], "chat")
        chat = bot.chats.get(chat_id)
        if chat is None:
            raise ControlError(404, f"no chat {chat_id} with this bot yet")
        return chat
