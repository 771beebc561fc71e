"""Webhook mode: one aiohttp app serves both platforms, and fails closed.

Telegram is verified by the `secret_token` it echoes in `X-Telegram-Bot-Api-Secret-Token`; Bale
has no secret token (its `setWebhook` takes only `url`), so its webhook lives under a secret
path. The two are different values (`bot.webhook_secrets`), each compared in constant time, and
the access log prints the route (`/webhook/bale/{secret}`), never the path itself.

What an outsider who knows the URL gets, whatever they send: a wrong, missing or non-ASCII
secret → 403; a body over 1 MB → 413; a body that is not a JSON object, or nested deeper than
`MAX_DEPTH` → 400; more than the per-source budget → 429. Never a 500 for input: an unexpected
error while reading a request is logged and answered 400.

Updates are parsed with the same normalisation as polling; one that cannot be parsed is logged
and acknowledged, so the platform does not redeliver it forever. A good update is kept in the
inbox (committed) before the 200: a crash after it loses nothing, and a replay, here or at
another worker, is a no-op. The inbox's worker handles it from there (`delivery.inbox`).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from datetime import timedelta
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from bot.app import App, report_parked
from bot.health import add_ops_routes
from bot.webhook_secrets import WebhookSecrets, check, from_shared
from console import mount_if_configured
from delivery.inbox import InboxWorker, keep
from delivery.platforms import PlatformBot, parse_update

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY = 1024 * 1024
MAX_DEPTH = 32  # an update is about 8 deep (a reply's keyboard); JSON bombs are thousands
AUTH_FAILURE_COST = 20  # a wrong secret spends this many requests of the source's budget


def webhook_path(platform: str, secrets: WebhookSecrets | str) -> str:
    path = _secrets(secrets).path
    return f"/webhook/bale/{path}" if platform == "bale" else "/webhook/telegram"


def _secrets(secrets: WebhookSecrets | str) -> WebhookSecrets:
    """A single string is the older shared secret: both values are derived from it."""
    return check(secrets) if isinstance(secrets, WebhookSecrets) else from_shared(secrets)


def same_secret(given: str | None, expected: str) -> bool:
    """Constant-time, and any text at all (non-ASCII, surrogates) is just a wrong secret."""
    if not given:
        return False
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode())


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Nesting deeper than `limit`, measured without recursion."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class SourceLimit:
    """A token bucket per source address: `per_minute` requests, refilled evenly."""

    def __init__(self, per_minute: int, clock: Any = time.monotonic,
                 max_sources: int = 10_000) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self.max_sources = max_sources
        self.buckets: dict[str, tuple[float, float]] = {}

    def allow(self, source: str, cost: float = 1.0) -> bool:
        now = self.clock()
        tokens, then = self.buckets.get(source, (self.capacity, now))
        tokens = min(self.capacity, tokens + (now - then) * self.rate)
        allowed = tokens >= cost
        if allowed:
            tokens -= cost
        self.buckets[source] = (tokens if allowed else 0.0, now)
        if len(self.buckets) > self.max_sources:  # forget the oldest sources
            for key in sorted(self.buckets, key=lambda k: self.buckets[k][1])[
                    : len(self.buckets) // 2]:
                del self.buckets[key]
        return allowed

    def spend(self, source: str, cost: float) -> None:
        self.allow(source, cost)


class RouteAccessLogger(AbstractAccessLogger):
    """The access log without secrets: the route's pattern instead of the path, no query,
    no headers."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        route = getattr(getattr(request, "match_info", None), "route", None)
        resource = getattr(route, "resource", None)
        shown = resource.canonical if resource is not None else "(no route)"
        self.logger.info('%s "%s %s" %s %s %.3fs', request.remote, request.method, shown,
                         response.status, response.body_length, time)


def source_of(request: web.Request, trusted: frozenset[str]) -> str:
    """Who sent the request, for the per-source limit. Behind nginx every request comes from
    the proxy's own address: from a trusted proxy, the last address of X-Forwarded-For (the one
    nginx's `$proxy_add_x_forwarded_for` appended: the peer nginx saw) counts instead. Anyone
    else's X-Forwarded-For is ignored, so a sender cannot pick its own bucket."""
    remote = request.remote or "?"
    if remote in trusted:
        forwarded = request.headers.get("X-Forwarded-For", "")
        last = forwarded.rsplit(",", 1)[-1].strip()
        if last:
            return last[:64]
    return remote


def build_webhook_app(app: App, secrets: WebhookSecrets | str, wake: asyncio.Event, *,
                      per_minute: int | None = None) -> web.Application:
    secrets = _secrets(secrets)
    limit = SourceLimit(per_minute or app.settings.webhook_rate_per_minute)
    trusted = frozenset(a.strip() for a in getattr(
        app.settings, "webhook_trusted_proxies", "127.0.0.1,::1").split(",") if a.strip())
    # Slightly above the limit: aiohttp's own refusal (413) must not come first on a body of
    # exactly MAX_BODY bytes, which is allowed.
    web_app = web.Application(client_max_size=MAX_BODY + 1)

    def handler(bot: PlatformBot) -> Any:
        async def handle(request: web.Request) -> web.Response:
            source = source_of(request, trusted)
            if not limit.allow(source):
                return web.Response(status=429, text="slow down")
            if bot.platform == "telegram":
                allowed = same_secret(request.headers.get(SECRET_HEADER), secrets.telegram)
            else:
                allowed = same_secret(request.match_info.get("secret"), secrets.path)
            if not allowed:
                limit.spend(source, AUTH_FAILURE_COST - 1)
                return web.Response(status=403, text="forbidden")
            if (request.content_length or 0) > MAX_BODY:
                return web.Response(status=413, text="too large")
            try:
                body = await request.read()
            except web.HTTPRequestEntityTooLarge:
                return web.Response(status=413, text="too large")
            if len(body) > MAX_BODY:
                return web.Response(status=413, text="too large")
            raw, problem = read_update(body)
            if problem is not None:
                log.warning("webhook %s: refused a body (%s)", bot.platform, problem)
                return web.Response(status=400, text=problem)
            update = parse_update(bot, bot.platform, raw)
            if update is not None:
                try:
                    await keep(app.sessionmaker, bot, [update], app.clock.now())
                except Exception:  # not kept: the platform must deliver it again
                    log.exception("could not keep update %s", update.update_id)
                    return web.Response(status=503, text="try again")
                wake.set()
            return web.json_response({"ok": True})

        return handle

    @web.middleware
    async def never_500(request: web.Request, handler: Any) -> web.StreamResponse:
        try:
            return await handler(request)
        except web.HTTPException:
            raise
        except Exception:
            log.exception("webhook: could not read a request")
            return web.Response(status=400, text="bad request")

    web_app.middlewares.append(never_500)
    add_ops_routes(web_app, app.sessionmaker)  # /healthz, /readyz, /metrics
    mount_if_configured(web_app, app)  # the staff console, if configured
    for bot in app.bots:
        if bot.platform == "bale":
            web_app.router.add_post("/webhook/bale/{secret}", handler(bot))
        else:
            web_app.router.add_post("/webhook/telegram", handler(bot))
    return web_app


def read_update(body: bytes) -> tuple[Any, str | None]:
    """The body as a JSON object, or why not."""
    try:
        raw = json.loads(body.decode("utf-8"))
    except RecursionError:
        return None, "nested too deep"
    except ValueError:  # UnicodeDecodeError and JSONDecodeError alike
        return None, "not JSON"
    if not isinstance(raw, dict):
        return None, "not a JSON object"
    if too_deep(raw):
        return None, "nested too deep"
    return raw, None


async def register_webhooks(app: App, public_base: str, secrets: WebhookSecrets | str) -> None:
    """Tell each platform where to deliver: Telegram with its secret token, Bale by path."""
    secrets = _secrets(secrets)
    base = public_base.rstrip("/")
    for bot in app.bots:
        url = base + webhook_path(bot.platform, secrets)
        if bot.platform == "telegram":
            await bot.set_webhook(url, secret_token=secrets.telegram, allowed_updates=[
                "message", "callback_query", "edited_message"])
        else:
            await bot.set_webhook(url)


async def serve_webhook(app: App, host: str, port: int, public_base: str,
                        secrets: WebhookSecrets | str, *, ready: asyncio.Event | None = None,
                        stop: asyncio.Event | None = None) -> None:
    secrets = _secrets(secrets)  # refused here, before anything listens
    stopping = asyncio.Event()
    worker = InboxWorker(app.dispatcher, app.sessionmaker, app.bots, app.clock,
                         on_parked=lambda row, error: report_parked(app, row, error),
                         lease=timedelta(seconds=app.settings.inbox_lease_seconds))
    handling = asyncio.create_task(worker.run(stopping), name="inbox")
    web_app = build_webhook_app(app, secrets, worker.wake)
    runner = web.AppRunner(web_app, access_log_class=RouteAccessLogger)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    try:
        await register_webhooks(app, public_base, secrets)
        log.info("webhook serving on %s:%s", host, port)
        if ready is not None:
            ready.set()
        await (stop or asyncio.Event()).wait()
    finally:
        await runner.cleanup()
        stopping.set()
        await handling
