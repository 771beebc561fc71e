"""Webhook mode: one aiohttp app serves both platforms.

Telegram is verified by the `secret_token` it echoes in `X-Telegram-Bot-Api-Secret-Token`; Bale
has no secret token (its `setWebhook` takes only `url`), so its webhook lives under a secret
path. A request failing the check gets 403 and is not processed. Updates are parsed with the
same normalisation as polling; one that cannot be parsed is logged and acknowledged, so the
platform does not redeliver it forever. A good update is kept in the inbox (committed) before
the 200: a crash after it loses nothing, and a replay, here or at another worker, is a no-op.
The inbox's worker handles it from there (`delivery.inbox`).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any

from aiohttp import web

from bot.app import App, report_parked
from delivery.inbox import InboxWorker, keep
from delivery.platforms import PlatformBot, parse_update

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_path(platform: str, secret: str) -> str:
    return f"/webhook/bale/{secret}" if platform == "bale" else "/webhook/telegram"


def build_webhook_app(app: App, secret: str, wake: asyncio.Event) -> web.Application:
    if not secret or len(secret) < 16:
        raise ValueError("PISHKHAN_WEBHOOK_SECRET must be at least 16 characters")
    web_app = web.Application(client_max_size=2 * 1024 * 1024)

    def handler(bot: PlatformBot) -> Any:
        async def handle(request: web.Request) -> web.Response:
            if bot.platform == "telegram":
                given = request.headers.get(SECRET_HEADER, "")
                if not hmac.compare_digest(given, secret):
                    return web.Response(status=403, text="forbidden")
            elif not hmac.compare_digest(request.match_info.get("secret", ""), secret):
                return web.Response(status=403, text="forbidden")
            try:
                raw = await request.json()
            except ValueError:
                return web.Response(status=400, text="not JSON")
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

    for bot in app.bots:
        if bot.platform == "bale":
            web_app.router.add_post("/webhook/bale/{secret}", handler(bot))
        else:
            web_app.router.add_post("/webhook/telegram", handler(bot))
    return web_app


async def register_webhooks(app: App, public_base: str, secret: str) -> None:
    """Tell each platform where to deliver: Telegram with its secret token, Bale by path."""
    base = public_base.rstrip("/")
    for bot in app.bots:
        url = base + webhook_path(bot.platform, secret)
        if bot.platform == "telegram":
            await bot.set_webhook(url, secret_token=secret, allowed_updates=[
                "message", "callback_query", "edited_message"])
        else:
            await bot.set_webhook(url)


async def serve_webhook(app: App, host: str, port: int, public_base: str, secret: str,
                        *, ready: asyncio.Event | None = None,
                        stop: asyncio.Event | None = None) -> None:
    stopping = asyncio.Event()
    worker = InboxWorker(app.dispatcher, app.sessionmaker, app.bots, app.clock,
                         on_parked=lambda row, error: report_parked(app, row, error))
    handling = asyncio.create_task(worker.run(stopping), name="inbox")
    web_app = build_webhook_app(app, secret, worker.wake)
    runner = web.AppRunner(web_app)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    try:
        await register_webhooks(app, public_base, secret)
        log.info("webhook serving on %s:%s", host, port)
        if ready is not None:
            ready.set()
        await (stop or asyncio.Event()).wait()
    finally:
        await runner.cleanup()
        stopping.set()
        await handling
