"""The :class:`Sandbox`: its bots, its options, starting and stopping, and the routes it serves.

The Bot API routes, webhook delivery and in-process helpers are parts of it that live in
:mod:`sandbox.server.bot_routes`, :mod:`sandbox.server.webhooks` and
:mod:`sandbox.server.helpers`; the control API is :mod:`sandbox.server.control`.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any, Literal

import aiohttp
from aiohttp import web

from sandbox.botapi import BotApi
from sandbox.server.bot_routes import BotApiRoutes
from sandbox.server.control import ControlApi
from sandbox.server.helpers import SandboxHelpers
from sandbox.server.webhooks import WebhookDelivery
from sandbox.state import FLAVOURS, BaleQuirks, BotWorld, make_token
from sandbox.webpage import register_chat_page

_TOKEN_RE = re.compile(r"^\d{1,19}:[A-Za-z0-9_-]{1,200}$")
_MAX_BODY = 100 * 1024 * 1024


class Sandbox(SandboxHelpers, WebhookDelivery, BotApiRoutes):
    """A Bot API emulator hosting any number of Telegram- and Bale-flavoured bots.

    Use as an async context manager (``async with Sandbox() as sb``) or call :meth:`start` and
    :meth:`stop`. All state is in memory; its helpers (:mod:`sandbox.server.helpers`) are
    synchronous and cheap unless they say otherwise, and each one has a twin in the control
    HTTP API.

    Options:

    * ``check_images`` - refuse a bot's ``sendPhoto`` whose bytes are not an image, as Telegram
      does (``IMAGE_PROCESS_FAILED``).
    * ``bale_strict_keyboards`` - on Bale, refuse reply-keyboard fields Bale does not document
      (``resize_keyboard``, ``one_time_keyboard``, ``input_field_placeholder``...).
    * ``bale_edit_stub`` - the body Bale's ``editMessageText`` returns; by default only
      ``{"message_id": 0}``, which aiogram cannot parse as a Message: exactly the trap the Bale
      adapter must handle.
    * ``webhook_retry`` - first and maximum delay between webhook delivery attempts (seconds).
    * ``webhook_connections`` - when set, every bot's webhook gets at most this many deliveries
      at once whatever its ``max_connections`` (a harness knob: 1 is how the sandbox delivered
      before it honoured ``max_connections``; ``python -m bench deadline --webhook-connections``).
    * ``unknown_token_flavour`` - how the un-prefixed endpoint answers an unknown token.
    * ``bale_quirks`` - what every new Bale bot does where the sources disagree
      (:class:`~sandbox.state.BaleQuirks`; ``BaleQuirks.reported()`` for all that third parties
      report); change one bot's with :meth:`set_quirks`.
    """

    def __init__(
        self,
        *,
        check_images: bool = True,
        bale_strict_keyboards: bool = True,
        bale_edit_stub: dict[str, Any] | None = None,
        webhook_retry: tuple[float, float] = (0.05, 2.0),
        webhook_timeout: float = 10.0,
        webhook_connections: int | None = None,
        unknown_token_flavour: Literal["telegram", "bale"] = "telegram",
        bale_quirks: BaleQuirks | None = None,
    ) -> None:
        self.bale_quirks = bale_quirks or BaleQuirks()
        self.check_images = check_images
        self.bale_strict_keyboards = bale_strict_keyboards
        self.bale_edit_stub = bale_edit_stub if bale_edit_stub is not None else {"message_id": 0}
        self.webhook_retry = webhook_retry
        self.webhook_timeout = webhook_timeout
        self.webhook_connections = webhook_connections
        self.unknown_token_flavour = unknown_token_flavour
        self.bots: dict[str, BotWorld] = {}
        self.blobs: dict[str, bytes] = {}
        self.api = BotApi(self)
        self.control = ControlApi(self)
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self._http: aiohttp.ClientSession | None = None
        self._host = "127.0.0.1"
        self._port = 0
        self._inflight: set[asyncio.Task[Any]] = set()
        self._bot_seq = 0

    # ----------------------------------------------------------------------------- bots

    def add_bot(
        self,
        flavour: Literal["telegram", "bale"],
        token: str | None = None,
        username: str | None = None,
        first_name: str | None = None,
    ) -> str:
        """Register a bot and return its token (``<bot id>:<secret>``, like real tokens)."""
        if flavour not in FLAVOURS:
            raise ValueError(f"flavour must be one of {FLAVOURS}, not {flavour!r}")
        if token is None:
            token = make_token()
            while token in self.bots:
                token = make_token()
        elif not _TOKEN_RE.match(token):
            raise ValueError(f"token {token!r} does not look like '<digits>:<secret>'")
        if token in self.bots:
            raise ValueError("a bot with this token already exists")
        self._bot_seq += 1
        if username is None:
            username = f"pishkhan_{flavour}_{self._bot_seq}_bot"
        bot = BotWorld(
            flavour,
            token,
            username=username,
            first_name=first_name or f"Pishkhan ({flavour})",
            blobs=self.blobs,
        )
        if flavour == "bale":
            bot.quirks = self.bale_quirks
        self.bots[token] = bot
        return token

    def bot(self, name: str) -> BotWorld:
        """Find a bot by token, username (with or without ``@``) or numeric bot id."""
        bot = self.bots.get(name)
        if bot is not None:
            return bot
        wanted = name.lstrip("@").lower()
        for candidate in self.bots.values():
            if candidate.username.lower() == wanted or str(candidate.bot_id) == wanted:
                return candidate
        raise KeyError(f"no sandbox bot {name!r}")

    # ------------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        if self._site is None:
            raise RuntimeError("the sandbox is not started")
        return f"http://{self._host}:{self._port}"

    def api_base(self, flavour: str | None = None) -> str:
        """Base URL for ``TelegramAPIServer.from_base``; a flavour prefix makes unknown tokens
        answer in that platform's words (401 ``Unauthorized`` vs 403 ``Token not found``)."""
        return self.base_url if flavour is None else f"{self.base_url}/{flavour}"

    @property
    def control_url(self) -> str:
        return f"{self.base_url}/sandbox"

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=_MAX_BODY)
        api = self._handle_api
        files = self._handle_file
        app.router.add_route("*", "/bot{token}/{method}", api)
        app.router.add_route("*", "/{flavour:telegram|bale}/bot{token}/{method}", api)
        app.router.add_get("/file/bot{token}/{path:.+}", files)
        app.router.add_get("/{flavour:telegram|bale}/file/bot{token}/{path:.+}", files)
        self.control.register(app.router)
        register_chat_page(app.router)  # the web chat page, /chat (sandbox/webpage.py)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        if self._runner is not None:
            raise RuntimeError("the sandbox is already started")
        # handler_cancellation: a client that gives up (timeout, SIGKILL) cancels its handler,
        # so a long poll never hands updates to a dead connection and hangs cost nothing.
        runner = web.AppRunner(
            self.make_app(), handler_cancellation=True, shutdown_timeout=1.0, access_log=None
        )
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner, self._site, self._host = runner, site, host
        sockets = site._server.sockets if site._server is not None else []  # type: ignore[union-attr]
        self._port = sockets[0].getsockname()[1] if sockets else port
        # No pool-wide cap: each bot's webhook deliveries are bounded by its own
        # max_connections (sandbox/server/webhooks.py), as on Telegram's side.
        self._http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        for bot in self.bots.values():
            if bot.webhook is not None:
                self._start_webhook(bot)

    async def stop(self) -> None:
        for bot in self.bots.values():
            await self._stop_webhook(bot)
        for task in list(self._inflight):
            task.cancel()
        if self._http is not None:
            await self._http.close()
            self._http = None
        if self._runner is not None:
            await self._runner.cleanup()
        self._runner = self._site = None

    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
