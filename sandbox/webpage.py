"""The chat page: a person chats with a sandbox bot from a web browser.

``GET /chat`` serves a small static page (``sandbox/web/``: plain HTML, JavaScript and CSS, no
build step, nothing fetched from the network) that talks only to the sandbox's own control API
under ``/sandbox/...``, the same one :class:`~sandbox.user.ScriptedUser` uses. In the page a
person picks a bot (Bale or Telegram), a user id, a first name and a phone, and then chats as
that user: text, inline and reply keyboards (a ``request_contact`` button shares the user's own
contact), contact sharing, photo and PDF uploads. New bot messages and edits arrive by
long-polling ``/sandbox/bots/{bot}/chats/{chat}/changes``.

The page can be pre-filled from its query string, e.g.
``/chat?bot=bale&user=1001&name=زهرا&phone=09382413657&go=1`` (``bot``: a flavour, a username or
a bot id; ``go=1`` starts the chat at once).

Everything a message carries is shown with ``textContent``: text from the bot never becomes
markup in the page.
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

WEB_DIR = Path(__file__).resolve().parent / "web"
CHAT_PATH = "/chat"

#: The files the page may load, with their content types; nothing else under /chat is served.
_ASSETS = {
    "chat.js": "application/javascript",
    "chat.css": "text/css",
}
#: A Persian font shipped with the application (optional: the page falls back to system fonts).
_FONT = Path(__file__).resolve().parent.parent / "documents" / "fonts" / "Vazirmatn-Regular.ttf"
_NO_STORE = {"Cache-Control": "no-store"}


def chat_url(base_url: str) -> str:
    """The chat page's address for a sandbox listening at ``base_url``."""
    return base_url.rstrip("/") + CHAT_PATH


async def _index(request: web.Request) -> web.StreamResponse:
    body = (WEB_DIR / "index.html").read_bytes()
    return web.Response(body=body, content_type="text/html", charset="utf-8", headers=_NO_STORE)


async def _asset(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name == "vazirmatn.ttf":
        if not _FONT.is_file():
            raise web.HTTPNotFound()
        return web.Response(body=_FONT.read_bytes(), content_type="font/ttf")
    content_type = _ASSETS.get(name)
    if content_type is None:
        raise web.HTTPNotFound()
    body = (WEB_DIR / name).read_bytes()
    return web.Response(body=body, content_type=content_type, charset="utf-8", headers=_NO_STORE)


def register_chat_page(router: web.UrlDispatcher) -> None:
    """Mount the page at ``/chat`` (and ``/chat/``) and its assets at ``/chat/{name}``."""
    router.add_get(CHAT_PATH, _index)
    router.add_get(CHAT_PATH + "/", _index)
    router.add_get(CHAT_PATH + "/{name}", _asset)
