"""What the console's pages share: the application's keys and a request's unit of work, clock,
evidence store and redirects."""

from __future__ import annotations

import asyncio
from datetime import datetime

from aiohttp import web
from sqlalchemy.ext.asyncio import async_sessionmaker

from console.render import ROOT, SESSION
from services.clock import Clock
from services.uow import UnitOfWork
from storage.accounts import Actor
from storage.evidence import EvidenceStore

SESSIONMAKER = web.AppKey("console_sessionmaker", async_sessionmaker)
CLOCK = web.AppKey("console_clock", Clock)
STORE = web.AppKey("console_store", object)
SECURE = web.AppKey("console_secure", bool)  # the public address is https: Secure cookies
# The bots' usernames (platform → name without @) for the survey posters' QR codes; empty when
# PISHKHAN_BALE_USERNAME / PISHKHAN_TELEGRAM_USERNAME are not set.
USERNAMES = web.AppKey("console_usernames", dict)


def uow(request: web.Request) -> UnitOfWork:
    return UnitOfWork(request.app[SESSIONMAKER])


def now(request: web.Request) -> datetime:
    return request.app[CLOCK].now()


def store(request: web.Request) -> EvidenceStore:
    return request.app[STORE]  # type: ignore[no-any-return]


async def stored_file(request: web.Request, sha256: str, mime: str | None
                      ) -> web.StreamResponse:
    """A stored evidence or ticket file, shown in the page. Read off the event loop (an S3
    store answers over the network); a file the store does not have (restored from an older
    backup, say) gets a page saying so, not an error."""
    from console import render

    try:
        data = await asyncio.to_thread(store(request).get, sha256)
    except FileNotFoundError:
        t = render.translator(request)
        return render.page(request, "message.html", status=404,
                           title=t("console-refused-title"), text=t("console-file-missing"),
                           back=True)
    return web.Response(body=data, content_type=mime or "application/octet-stream",
                        headers={"Content-Disposition": "inline",
                                 "Cache-Control": "private, max-age=3600"})


def actor(request: web.Request) -> Actor:
    return request[SESSION].actor


def redirect(request: web.Request, local: str) -> web.Response:
    """303 to a page of the console (`local` is the path inside it)."""
    return web.Response(status=303, headers={"Location": request.app[ROOT] + local})
