"""The console's aiohttp application: login by one-time link, sessions, CSRF, security headers.

Every page but the login link and the static files needs a live session
(`services.console_auth.session_actor`, asked at each request, so a removed staff member is out
at their next click). Every POST carries the session's CSRF token in the form (`csrf`) or the
`X-CSRF-Token` header, compared in constant time: without it, 403. The cookie is HttpOnly,
SameSite=Strict, Secure over https, and path-limited to the console. Pages may load only the
console's own scripts, styles, fonts and files (Content-Security-Policy).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from console import actions, association, experts, exports, hq, pages, render, stats
from console.common import CLOCK, SECURE, SESSIONMAKER, STORE, USERNAMES, now, redirect, uow
from console.render import SESSION
from services import console_auth
from services.clock import Clock
from services.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError
from storage.console_sessions import IDLE_LIMIT
from storage.evidence import EvidenceStore

log = logging.getLogger(__name__)
PREFIX = "/console"
COOKIE = "pishkhan_console"
STATIC = Path(__file__).resolve().parent / "static"
FONTS = Path(__file__).resolve().parent.parent / "documents" / "fonts"
OPEN_PATHS = ("/login/", "/bye", "/static/", "/fonts/")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "font-src 'self'; frame-src 'self'; object-src 'self'; form-action 'self'; "
       "frame-ancestors 'self'; base-uri 'none'")
REQUEST_LIMIT_MB = 1  # aiohttp's default, and the webhook's (bot.webhook.MAX_BODY)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _local(request: web.Request) -> str:
    """The path inside the console (the mounted prefix taken off)."""
    root = request.app[render.ROOT]
    return request.path[len(root):] if request.path.startswith(root) else request.path


def refusal(request: web.Request, error: ServiceError) -> web.Response:
    """A refusal as a page: not yours or gone 404, forbidden 403, conflict 409, invalid 400."""
    from texts.review_text import explain

    status = (404 if isinstance(error, NotFound) else 403 if isinstance(error, Forbidden)
              else 409 if isinstance(error, Conflict) else 400 if isinstance(error, Invalid)
              else 400)
    t = render.translator(request)
    text = t("console-not-found") if status == 404 else explain(t, error)
    return render.page(request, "message.html", status=status, title=t("console-refused-title"),
                       text=text, back=request.get(SESSION) is not None)


@web.middleware
async def headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except ServiceError as error:
        response = refusal(request, error)
    except web.HTTPRequestEntityTooLarge:  # a form or file over the request limit
        t = render.translator(request)
        response = render.page(request, "message.html", status=413,
                               title=t("console-refused-title"),
                               text=t("console-too-large", max_mb=REQUEST_LIMIT_MB),
                               back=request.get(SESSION) is not None)
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    if not _local(request).startswith(("/static/", "/fonts/")):
        response.headers.setdefault("Cache-Control", "no-store")
    return response


@web.middleware
async def signed_in(request: web.Request, handler: Handler) -> web.StreamResponse:
    if _local(request).startswith(OPEN_PATHS):
        return await handler(request)
    cookie = request.cookies.get(COOKIE)
    if not cookie:
        raise Forbidden("console-session-ended")
    session = await console_auth.session_actor(uow(request), cookie, now(request))
    request[SESSION] = session
    if request.method == "POST":
        form = await request.post()
        given = str(form.get("csrf") or request.headers.get("X-CSRF-Token") or "")
        if not hmac.compare_digest(given.encode(), session.csrf.encode()):
            t = render.translator(request)
            return render.page(request, "message.html", status=403,
                               title=t("console-refused-title"), text=t("console-csrf"),
                               back=True)
    return await handler(request)


def set_cookie(request: web.Request, response: web.StreamResponse, value: str) -> None:
    response.set_cookie(COOKIE, value, path=request.app[render.ROOT] + "/", httponly=True,
                        samesite="Strict", max_age=int(IDLE_LIMIT.total_seconds()),
                        secure=request.app[SECURE] or request.secure)


async def login(request: web.Request) -> web.StreamResponse:
    token = request.match_info["token"]
    try:
        done = await console_auth.redeem_link(uow(request), token, now(request))
    except NotFound as error:
        t = render.translator(request)
        return render.page(request, "message.html", status=410 if error.code in (
            "console-link-used", "console-link-expired") else 404,
            title=t("console-refused-title"), text=t(error.code), back=False)
    response = redirect(request, "/")
    set_cookie(request, response, done.cookie)
    return response


async def logout(request: web.Request) -> web.StreamResponse:
    session = request[SESSION]
    await console_auth.logout(uow(request), session.id, now(request))
    response = redirect(request, "/bye")
    response.del_cookie(COOKIE, path=request.app[render.ROOT] + "/")
    return response


async def bye(request: web.Request) -> web.StreamResponse:
    t = render.translator(request)
    return render.page(request, "message.html", title=t("console-logout"),
                       text=t("console-session-ended"), back=False)


def build(sessionmaker: async_sessionmaker[AsyncSession], clock: Clock, evidence: EvidenceStore,
          *, secure: bool = False, root: str = PREFIX,
          usernames: dict[str, str] | None = None) -> web.Application:
    """The console as an aiohttp application to be served under `root` (`usernames`: the
    bots', for the survey posters)."""
    app = web.Application(middlewares=[headers, signed_in], client_max_size=64 * 1024)
    app[SESSIONMAKER] = sessionmaker
    app[CLOCK] = clock
    app[STORE] = evidence
    app[SECURE] = secure
    app[USERNAMES] = dict(usernames or {})
    app[render.ROOT] = root
    render.setup(app)
    app.router.add_get("/login/{token}", login)
    app.router.add_get("/bye", bye)
    app.router.add_post("/logout", logout)
    pages.routes(app)
    stats.routes(app)
    actions.routes(app)
    association.routes(app)
    experts.routes(app)
    hq.routes(app)
    exports.routes(app)
    app.router.add_static("/static/", STATIC)
    app.router.add_static("/fonts/", FONTS)
    return app


def mount(web_app: web.Application, sessionmaker: async_sessionmaker[AsyncSession],
          clock: Clock, evidence: EvidenceStore, *, secure: bool = False,
          usernames: dict[str, str] | None = None) -> None:
    """Serve the console under /console on an existing aiohttp application."""
    web_app.add_subapp(PREFIX, build(sessionmaker, clock, evidence, secure=secure,
                                     usernames=usernames))


def bot_usernames(settings: Any) -> dict[str, str]:
    """The bots' usernames the settings give (PISHKHAN_BALE_USERNAME, …), without @."""
    return {platform: name.lstrip("@") for platform in ("bale", "telegram")
            if (name := getattr(settings, f"{platform}_username", None))}


def mount_if_configured(web_app: web.Application, app: Any) -> None:
    """The webhook's server also serves the console when PISHKHAN_CONSOLE_BASE_URL is set
    (`app`: the bot's application: its settings, sessionmaker, clock and evidence store)."""
    base = getattr(app.settings, "console_base_url", None)
    if not base:
        return
    mount(web_app, app.sessionmaker, app.clock, app.services["evidence_store"],
          secure=base.startswith("https://"), usernames=bot_usernames(app.settings))
