"""The sandbox server: a local Bot API emulator (Telegram and Bale flavours) plus a control API.

Why: neither platform is reachable from development machines or CI, and mocks inside the bot's
process would not exercise aiogram's real HTTP session, its multipart encoding, or its error
mapping. The sandbox is a real HTTP server, so the application under test runs unmodified with
``AiohttpSession(api=TelegramAPIServer.from_base(sandbox.base_url))``.

URL layout (``base`` is :attr:`Sandbox.base_url`)::

    {base}/bot{token}/{method}                 Bot API, flavour chosen by the token
    {base}/file/bot{token}/{file_path}         file downloads
    {base}/telegram/bot{token}/{method}        same, but an unknown token answers like Telegram
    {base}/bale/bot{token}/{method}            same, but an unknown token answers like Bale
    {base}/sandbox/...                         control API (JSON), see :class:`ControlApi`
    {base}/chat                                the web chat page (:mod:`sandbox.webpage`)

The control API is what scripted users, tests in another process and the web chat page
(``{base}/chat``, :mod:`sandbox.webpage`) use; it names a bot by token, username or numeric id and
never needs more than that.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import re
import time
from collections.abc import Iterable
from typing import Any, Literal

import aiohttp
from aiohttp import web

from sandbox import actions
from sandbox.botapi import BotApi, Params, Upload
from sandbox.botapi.faults import inject
from sandbox.state import (
    FAULT_KINDS,
    FLAVOURS,
    ApiError,
    BotWorld,
    ControlError,
    Fault,
    TokenBucket,
    make_token,
)
from sandbox.webpage import register_chat_page

_TOKEN_RE = re.compile(r"^\d{1,19}:[A-Za-z0-9_-]{1,200}$")
_MAX_BODY = 100 * 1024 * 1024


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def json_response(obj: Any, status: int = 200) -> web.Response:
    return web.Response(
        body=_dumps(obj).encode("utf-8"), status=status, content_type="application/json"
    )


class Sandbox:
    """A Bot API emulator hosting any number of Telegram- and Bale-flavoured bots.

    Use as an async context manager (``async with Sandbox() as sb``) or call :meth:`start` and
    :meth:`stop`. All state is in memory; all helpers below are synchronous and cheap unless
    they say otherwise, and each one has a twin in the control HTTP API.

    Options:

    * ``check_images`` - refuse a bot's ``sendPhoto`` whose bytes are not an image, as Telegram
      does (``IMAGE_PROCESS_FAILED``).
    * ``bale_strict_keyboards`` - on Bale, refuse reply-keyboard fields Bale does not document
      (``resize_keyboard``, ``one_time_keyboard``, ``input_field_placeholder``...).
    * ``bale_edit_stub`` - the body Bale's ``editMessageText`` returns; by default only
      ``{"message_id": 0}``, which aiogram cannot parse as a Message: exactly the trap the Bale
      adapter must handle.
    * ``webhook_retry`` - first and maximum delay between webhook delivery attempts (seconds).
    * ``unknown_token_flavour`` - how the un-prefixed endpoint answers an unknown token.
    """

    def __init__(
        self,
        *,
        check_images: bool = True,
        bale_strict_keyboards: bool = True,
        bale_edit_stub: dict[str, Any] | None = None,
        webhook_retry: tuple[float, float] = (0.05, 2.0),
        webhook_timeout: float = 10.0,
        unknown_token_flavour: Literal["telegram", "bale"] = "telegram",
    ) -> None:
        self.check_images = check_images
        self.bale_strict_keyboards = bale_strict_keyboards
        self.bale_edit_stub = bale_edit_stub if bale_edit_stub is not None else {"message_id": 0}
        self.webhook_retry = webhook_retry
        self.webhook_timeout = webhook_timeout
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
        self._http = aiohttp.ClientSession()
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

    # ------------------------------------------------------------------- Bot API over HTTP

    def _unauthorized(self, flavour: str) -> web.Response:
        if flavour == "bale":
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

    # ------------------------------------------------------------------------- webhooks

    def _start_webhook(self, bot: BotWorld) -> None:
        if self._http is None:
            return  # started later by start()
        if bot.webhook_task is None or bot.webhook_task.done():
            bot.webhook_task = asyncio.get_running_loop().create_task(self._webhook_loop(bot))
        else:
            bot.wake_pollers()

    async def _stop_webhook(self, bot: BotWorld) -> None:
        task, bot.webhook_task = bot.webhook_task, None
        if task is None or task.done():
            return
        if task is asyncio.current_task():
            return  # deleteWebhook answered from inside a webhook response; the loop ends
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _webhook_loop(self, bot: BotWorld) -> None:
        """Push pending updates to the webhook one at a time, in order, retrying on failure
        with exponential backoff (Telegram retries too, far more slowly). An update leaves the
        queue only after a 2xx answer."""
        first_delay, max_delay = self.webhook_retry
        delay = first_delay
        while bot.webhook is not None and bot.webhook_task is asyncio.current_task():
            again = bot.take_redelivery()
            if again is not None:
                await self._post_webhook(bot, again)
                continue
            if not bot.pending:
                await bot.updates_changed().wait()
                continue
            item = bot.pending[0]
            if await self._post_webhook(bot, item[1]):
                delay = first_delay
                if bot.pending and bot.pending[0] is item:
                    bot.pending.popleft()
                    bot.delivered_ids.add(item[0])
                    bot._forget(item)
            else:
                await asyncio.sleep(delay)
                delay = min(delay * 2, max_delay)

    async def _post_webhook(self, bot: BotWorld, update: dict[str, Any]) -> bool:
        hook = bot.webhook
        if hook is None or self._http is None:
            return False
        headers = {"Content-Type": "application/json"}
        if bot.flavour == "telegram" and hook.get("secret_token"):
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
        try:
            async with self._http.post(
                hook["url"],
                data=_dumps(update).encode("utf-8"),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
            ) as resp:
                body = await resp.read()
                if 200 <= resp.status < 300:
                    bot.webhook_deliveries += 1
                    bot.webhook_last_error = None
                    await self._webhook_reply(bot, resp.content_type, body)
                    return True
                error = f"Wrong response from the webhook: {resp.status} {resp.reason}"
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            error = f"Connection failed: {type(exc).__name__}: {exc}"
        bot.webhook_last_error = (int(time.time()), error)
        return False

    async def _webhook_reply(self, bot: BotWorld, content_type: str, body: bytes) -> None:
        """A webhook answer may carry one method call (``{"method": ..., ...}``): execute it,
        ignoring errors, as Telegram does."""
        if content_type != "application/json" or not body:
            return
        try:
            payload = json.loads(body)
        except ValueError:
            return
        if isinstance(payload, dict) and isinstance(payload.get("method"), str):
            method = payload.pop("method")
            with contextlib.suppress(ApiError):
                await self.api.call(bot, method, Params(payload))

    # ------------------------------------------------------------- in-process helpers

    def transcript(self, token: str, chat_id: int) -> list[dict[str, Any]]:
        """The chat's entries in order (live dicts: read, don't mutate). Empty if no chat."""
        chat = self.bot(token).chats.get(chat_id)
        return list(chat.entries) if chat else []

    def sent_count(self, token: str, chat_id: int | None = None) -> int:
        """Messages the bot sent (an album counts per item), in one chat or in all."""
        bot = self.bot(token)
        if chat_id is None:
            return bot.sent_total
        chat = bot.chats.get(chat_id)
        return chat.out_count if chat else 0

    def set_fault(
        self,
        token: str,
        method: str,
        kind: str,
        *,
        chat_id: int | None = None,
        times: int | None = 1,
        retry_after: int | None = None,
        hang_seconds: float | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail with ``kind``.

        ``kind``: ``429`` (with ``retry_after``, default 1), ``429_no_retry`` (Bale's bare
        "bot limit exceed"), ``500``, ``hang`` (no answer until the client times out, or for
        ``hang_seconds`` and then served normally), ``hang_after`` (the call takes effect but the
        answer comes too late: the duplicate-send scenario), ``403`` (blocked by the user).
        ``method`` is case-insensitive; ``*`` or a glob like ``send*`` matches several, ``file``
        matches downloads. ``times=None`` keeps the fault until :meth:`clear_faults`.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {sorted(FAULT_KINDS)}, not {kind!r}")
        if times is not None and times < 1:
            raise ValueError("times must be positive or None")
        self.bot(token).faults.append(
            Fault(
                method=method.lower(),
                kind=kind,
                chat_id=chat_id,
                times=times,
                retry_after=retry_after,
                hang_seconds=hang_seconds,
            )
        )

    def clear_faults(self, token: str) -> None:
        self.bot(token).faults.clear()

    def set_rate_limit(
        self, token: str, per_second: float | None, burst: float | None = None
    ) -> None:
        """A messages-per-second ceiling for the bot's sends (``None`` removes it)."""
        bot = self.bot(token)
        bot.bucket = TokenBucket(per_second, burst) if per_second else None

    def set_redeliver(self, token: str, on: bool) -> None:
        """Bale's quirk: while on, every getUpdates (or webhook round) also hands out one
        already-delivered, confirmed update again (each at most once)."""
        self.bot(token).redeliver = bool(on)

    def inject_raw_update(self, token: str, update: dict[str, Any]) -> int:
        """Queue an arbitrary (possibly malformed) update; returns its position id."""
        return self.bot(token).push_raw(update)

    def add_user(
        self,
        token: str,
        user_id: int,
        first_name: str = "کاربر",
        *,
        last_name: str | None = None,
        username: str | None = None,
        phone: str | None = None,
        language_code: str | None = None,
    ) -> None:
        """Make a user known (their chat exists, so the bot may message them) without an
        update: how a broadcast benchmark sets up thousands of recipients."""
        self.bot(token).ensure_user(
            user_id,
            {
                "first_name": first_name,
                "last_name": last_name,
                "username": username,
                "phone": phone,
                "language_code": language_code,
            },
        )

    def add_users(self, token: str, user_ids: Iterable[int], first_name: str = "کاربر") -> int:
        bot = self.bot(token)
        count = 0
        for user_id in user_ids:
            bot.ensure_user(int(user_id), {"first_name": first_name})
            count += 1
        return count

    def file_bytes(self, token: str, file_id: str) -> bytes:
        return self.bot(token).file_bytes(file_id)

    def callbacks(self, token: str, chat_id: int | None = None) -> list[dict[str, Any]]:
        """Callback-query entries (``answered``, ``answer``), in order."""
        records = self.bot(token).callbacks.values()
        return [r for r in records if chat_id is None or r["chat_id"] == chat_id]

    def pending_updates(self, token: str) -> list[dict[str, Any]]:
        return [update for _, update in self.bot(token).pending]

    def calls(self, token: str) -> dict[str, int]:
        """How many times each method was called (lower-case names), faults included."""
        return dict(self.bot(token).calls)

    def info(self, token: str) -> dict[str, Any]:
        return self.bot(token).info()

    def block(self, token: str, user_id: int) -> None:
        actions.block(self.bot(token), user_id)

    def unblock(self, token: str, user_id: int) -> None:
        actions.unblock(self.bot(token), user_id)

    async def wait_sent(self, token: str, count: int, timeout: float = 10.0) -> int:  # noqa: ASYNC109
        """Wait until the bot has sent at least ``count`` messages in total; returns the total.
        Raises ``TimeoutError`` with the count reached."""
        bot = self.bot(token)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while bot.sent_total < count:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"bot sent {bot.sent_total} of {count} messages")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(bot.sent_changed().wait(), remaining)
        return bot.sent_total

    def user(self, token: str, user_id: int, first_name: str = "کاربر", **kwargs: Any) -> Any:
        """A :class:`~sandbox.user.ScriptedUser` for this bot (talks HTTP to this sandbox)."""
        from sandbox.user import ScriptedUser

        return ScriptedUser(self.base_url, token, user_id, first_name, **kwargs)


# =========================================================================== control API


def _b64(value: Any) -> bytes:
    if not isinstance(value, str):
        raise ControlError(400, "file data must be base64 text (data_b64)")
    try:
        return base64.b64decode(value, validate=True)
    except ValueError:
        raise ControlError(400, "data_b64 is not valid base64") from None


class ControlApi:
    """JSON-over-HTTP control of the sandbox under ``/sandbox``; see the module docstring of
    :mod:`sandbox` for the endpoint list. Errors answer ``{"ok": false, "error": ...}``."""

    ACTIONS = frozenset(
        {
            "text",
            "command",
            "contact",
            "photo",
            "document",
            "album",
            "sticker",
            "voice",
            "location",
            "raw",
            "edit",
            "callback",
            "press",
            "block",
            "unblock",
        }
    )

    def __init__(self, sandbox: Sandbox) -> None:
        self.sb = sandbox

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
        r.add_get(b + "/updates", self.updates)
        r.add_post(b + "/updates", self.inject)

    # --------------------------------------------------------------------------- helpers

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

    # ------------------------------------------------------------------------- endpoints

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

    @staticmethod
    async def _async(value: Any) -> Any:
        return value

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

    def _chat(self, request: web.Request, bot: BotWorld) -> Any:
        chat_id = self._int(request.match_info["chat"], "chat")
        chat = bot.chats.get(chat_id)
        if chat is None:
            raise ControlError(404, f"no chat {chat_id} with this bot yet")
        return chat

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

    async def action(self, request: web.Request) -> web.Response:
        """A user acts in their private chat. Body: ``{"user": {first_name, last_name,
        username, phone, language_code}, ...action fields}`` (or multipart with ``meta`` and
        file parts). Answers ``{entry(s), cursor, version}``: ``cursor`` is the transcript
        index of the user's message, from which the bot's replies are awaited."""

        async def work(req: web.Request) -> Any:
            bot = self._bot(req)
            user_id = self._int(req.match_info["chat"], "chat")
            name = req.match_info["action"]
            if name not in self.ACTIONS:
                raise ControlError(404, f"unknown action {name!r}; one of {sorted(self.ACTIONS)}")
            body, uploads = await self._body(req)
            profile = body.get("user") if isinstance(body.get("user"), dict) else None
            result = self._do(bot, user_id, name, body, uploads, profile)
            chat = bot.chats[user_id]
            out: dict[str, Any] = {"ok": True, "version": chat.version}
            if isinstance(result, list):
                out["entries"] = result
                out["cursor"] = result[-1]["index"]
            elif isinstance(result, dict) and "action" in result:
                out.update(action=result["action"], button=result["button"])
                out["entry"] = result["entry"]
                out["cursor"] = result["entry"]["index"] if result["entry"] else None
            elif isinstance(result, dict):
                out["entry"] = result
                out["cursor"] = result["index"]
            return out

        return await self._guard(request, work)

    @staticmethod
    def _file_items(body: dict[str, Any], uploads: list[Upload]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        described = body.get("items") or body.get("files")
        if isinstance(described, list):
            for i, item in enumerate(described):
                if not isinstance(item, dict):
                    raise ControlError(400, "items must be objects")
                item = dict(item)
                if "data_b64" in item:
                    item["data"] = _b64(item.pop("data_b64"))
                elif i < len(uploads):
                    item["data"] = uploads[i].data
                    item.setdefault("filename", uploads[i].filename)
                    item.setdefault("mime_type", uploads[i].content_type)
                else:
                    raise ControlError(400, f"item {i} has no data")
                items.append(item)
        elif "data_b64" in body:
            items.append({"data": _b64(body["data_b64"])})
        for upload in uploads[len(items) :]:
            items.append(
                {
                    "data": upload.data,
                    "filename": upload.filename,
                    "mime_type": upload.content_type,
                }
            )
        return items

    def _do(
        self,
        bot: BotWorld,
        user_id: int,
        name: str,
        body: dict[str, Any],
        uploads: list[Upload],
        profile: dict[str, Any] | None,
    ) -> Any:
        if name == "text":
            return actions.send_text(
                bot,
                user_id,
                body.get("text"),  # type: ignore[arg-type]
                profile,
                reply_to_message_id=body.get("reply_to_message_id"),
            )
        if name == "command":
            return actions.send_command(
                bot, user_id, str(body.get("command", "")), body.get("payload"), profile
            )
        if name == "contact":
            contact_user = body.get("contact_user_id")
            return actions.share_contact(
                bot,
                user_id,
                profile,
                phone=body.get("phone"),
                own=bool(body.get("own", True)),
                contact_user_id=int(contact_user) if contact_user is not None else None,
                omit_user_id=bool(body.get("omit_user_id", False)),
                first_name=body.get("first_name"),
                last_name=body.get("last_name"),
                phone_style=body.get("phone_style"),
            )
        if name in ("photo", "document"):
            items = self._file_items(body, uploads)
            if len(items) != 1:
                raise ControlError(400, f"a {name} needs exactly one file")
            item = items[0]
            if name == "photo":
                return actions.send_photo(
                    bot, user_id, item["data"], profile, caption=body.get("caption")
                )
            return actions.send_document(
                bot,
                user_id,
                item["data"],
                body.get("filename") or item.get("filename") or "file.bin",
                profile,
                mime_type=body.get("mime_type") or item.get("mime_type"),
                caption=body.get("caption"),
            )
        if name == "album":
            return actions.send_album(bot, user_id, self._file_items(body, uploads), profile)
        if name == "sticker":
            return actions.send_sticker(bot, user_id, profile, emoji=body.get("emoji", "👍"))
        if name == "voice":
            data = _b64(body["data_b64"]) if "data_b64" in body else None
            return actions.send_voice(
                bot, user_id, profile, data=data, duration=int(body.get("duration", 2))
            )
        if name == "location":
            return actions.send_location(
                bot,
                user_id,
                profile,
                latitude=float(body.get("latitude", 35.6892)),
                longitude=float(body.get("longitude", 51.3890)),
            )
        if name == "raw":
            return actions.send_raw(bot, user_id, body.get("fields"), profile)  # type: ignore[arg-type]
        if name == "edit":
            return actions.edit_text(
                bot,
                user_id,
                self._int(body.get("message_id"), "message_id"),
                str(body.get("text", "")),
                profile,
            )
        if name == "callback":
            mid = body.get("message_id")
            return actions.press_callback(
                bot,
                user_id,
                body.get("data"),  # type: ignore[arg-type]
                profile,
                message_id=int(mid) if mid is not None else None,
                old_app=bool(body.get("old_app", False)),
            )
        if name == "press":
            mid = body.get("message_id")
            return actions.press(
                bot,
                user_id,
                str(body.get("text", "")),
                profile,
                message_id=int(mid) if mid is not None else None,
            )
        if name == "block":
            actions.block(bot, user_id)
        else:
            actions.unblock(bot, user_id)
        return None

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

    async def faults(self, request: web.Request) -> web.Response:
        return await self._guard(
            request,
            lambda req: self._async(
                {"ok": True, "faults": [f.as_dict() for f in self._bot(req).faults]}
            ),
        )

    async def set_fault(self, request: web.Request) -> web.Response:
        async def work(req: web.Request) -> Any:
            bot = self._bot(req)
            body, _ = await self._body(req)
            chat_id = body.get("chat_id")
            times = body.get("times", 1)
            self.sb.set_fault(
                bot.token,
                str(body.get("method", "*")),
                str(body.get("kind")),
                chat_id=int(chat_id) if chat_id is not None else None,
                times=int(times) if times is not None else None,
                retry_after=body.get("retry_after"),
                hang_seconds=body.get("hang_seconds"),
            )
            return {"ok": True, "faults": [f.as_dict() for f in bot.faults]}

        return await self._guard(request, work)

    async def clear_faults(self, request: web.Request) -> web.Response:
        async def work(req: web.Request) -> Any:
            self._bot(req).faults.clear()
            return {"ok": True}

        return await self._guard(request, work)

    async def rate_limit(self, request: web.Request) -> web.Response:
        async def work(req: web.Request) -> Any:
            bot = self._bot(req)
            body, _ = await self._body(req)
            per_second = body.get("per_second")
            self.sb.set_rate_limit(
                bot.token,
                float(per_second) if per_second else None,
                body.get("burst"),
            )
            return {"ok": True, "per_second": bot.bucket.rate if bot.bucket else None}

        return await self._guard(request, work)

    async def redeliver(self, request: web.Request) -> web.Response:
        async def work(req: web.Request) -> Any:
            bot = self._bot(req)
            body, _ = await self._body(req)
            self.sb.set_redeliver(bot.token, bool(body.get("on", True)))
            return {"ok": True, "on": bot.redeliver}

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
