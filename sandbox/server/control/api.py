"""The control API object (:class:`ControlApi`) and its route table: which URL does what."""

from __future__ import annotations

from aiohttp import web

from sandbox.server.control.actions import ActionEndpoints
from sandbox.server.control.bots import BotEndpoints
from sandbox.server.control.chats import ChatEndpoints
from sandbox.server.control.faults import FaultEndpoints


class ControlApi(BotEndpoints, ChatEndpoints, ActionEndpoints, FaultEndpoints):
    """JSON-over-HTTP control of the sandbox under ``/sandbox``; see the module docstring of
    :mod:`sandbox` for the endpoint list. Errors answer ``{"ok": false, "error": ...}``."""

    def register(self, router: web.UrlDispatcher) -> None:
        r = router
        b = "/sandbox/bots/{bot}"
        c = b + "/chats/{chat}"
        r.add_get("/", self.overview)
        r.add_get("/sandbox", self.overview)
        r.add_get("/sandbox/bots", self.overview)
        r.add_post("/sandbox/bots", self.add_bot)
        r.add_get(b, self.bot_info)
        r.add_post(b + "/users", self.add_users)
        r.add_get(b + "/chats", self.chats)
        r.add_get(c, self.chat_info)
        r.add_get(c + "/transcript", self.transcript)
        r.add_get(c + "/wait", self.wait)
        r.add_get(c + "/changes", self.changes)
        r.add_get(c + "/buttons", self.buttons)
        r.add_post(c + "/{action}", self.action)
        r.add_get(b + "/callbacks", self.callbacks)
        r.add_get(b + "/callbacks/{qid}", self.callback)
        r.add_get(b + "/files/{file_id}", self.file)
        r.add_get(b + "/files/{file_id}/info", self.file_info)
        r.add_get(b + "/sent_count", self.sent_count)
        r.add_get(b + "/wait_sent", self.wait_sent)
        r.add_get(b + "/faults", self.faults)
        r.add_post(b + "/faults", self.set_fault)
        r.add_delete(b + "/faults", self.clear_faults)
        r.add_post(b + "/rate_limit", self.rate_limit)
        r.add_post(b + "/redeliver", self.redeliver)
        r.add_post(b + "/quirks", self.quirks)
        r.add_post(b + "/revoke", self.revoke)
        r.add_get(b + "/updates", self.updates)
        r.add_post(b + "/updates", self.inject)
