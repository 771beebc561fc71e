"""Update methods: getUpdates (long polling) and setWebhook / deleteWebhook / getWebhookInfo.

The queue is in :mod:`sandbox.state.updates`; pushing updates to a webhook is done by
:mod:`sandbox.server.webhooks`.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from sandbox.botapi.outgoing import MethodBase
from sandbox.botapi.params import Params
from sandbox.state import ApiError, BotWorld

_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class UpdateMethods(MethodBase):
    """getUpdates and the webhook methods of :class:`~sandbox.botapi.api.BotApi`."""

    async def m_getupdates(self, bot: BotWorld, params: Params) -> Any:
        if bot.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = params.integer("offset") or 0
        limit = params.integer("limit") or 100
        limit = min(max(limit, 1), 100)
        timeout = max(0.0, params.number("timeout", 0.0))
        allowed = params.json("allowed_updates")
        if isinstance(allowed, list):
            bot.allowed_updates = allowed
        # A newer getUpdates terminates an older waiting one, like Telegram does.
        bot.poll_generation += 1
        generation = bot.poll_generation
        bot.wake_pollers()
        if offset:
            bot.confirm(offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if bot.webhook is not None or generation != bot.poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )
            result: list[dict[str, Any]] = []
            again = bot.take_redelivery()
            if again is not None:
                result.append(again)
            for order, update in bot.pending:
                if len(result) >= limit:
                    break
                result.append(update)
                bot.delivered_ids.add(order)
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            try:
                await asyncio.wait_for(bot.updates_changed().wait(), remaining)
            except TimeoutError:
                pass

    async def m_setwebhook(self, bot: BotWorld, params: Params) -> Any:
        url = params.text("url") or ""
        if not url:
            return await self.m_deletewebhook(bot, Params({}))
        if not url.startswith(("http://", "https://")):
            raise ApiError(400, "Bad Request: bad webhook: Webhook URL is invalid")
        secret = params.text("secret_token")
        if secret and not _SECRET_RE.match(secret):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        if params.flag("drop_pending_updates"):
            bot.pending.clear()
            bot.delivered_ids.clear()
        allowed = params.json("allowed_updates")
        bot.webhook = {
            "url": url,
            "secret_token": secret or None,
            "allowed_updates": allowed if isinstance(allowed, list) else None,
            "ip_address": params.text("ip_address"),
        }
        if bot.flavour == "telegram":
            # Parallel deliveries (sandbox.server.webhooks); Telegram clamps the value to 1-100
            # rather than refusing it (Client::get_webhook_max_connections). Bale's is a quirk.
            given = params.integer("max_connections")
            bot.webhook["max_connections"] = 40 if given is None else min(max(given, 1), 100)
        bot.webhook_last_error = None
        bot.wake_pollers()  # a waiting getUpdates now gets 409
        self.sandbox._start_webhook(bot)
        return True

    async def m_deletewebhook(self, bot: BotWorld, params: Params) -> Any:
        await self.sandbox._stop_webhook(bot)
        bot.webhook = None
        # Bale has been seen not to clear the backlog on drop_pending_updates (BALE.md).
        if params.flag("drop_pending_updates") and bot.flavour == "telegram":
            bot.pending.clear()
            bot.delivered_ids.clear()
        return True

    async def m_getwebhookinfo(self, bot: BotWorld, params: Params) -> Any:
        info: dict[str, Any] = {
            "url": bot.webhook["url"] if bot.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(bot.pending),
        }
        if bot.webhook:
            if "max_connections" in bot.webhook:
                info["max_connections"] = bot.webhook["max_connections"]
            if bot.webhook.get("allowed_updates"):
                info["allowed_updates"] = bot.webhook["allowed_updates"]
            if bot.webhook.get("ip_address"):
                info["ip_address"] = bot.webhook["ip_address"]
        if bot.webhook_last_error:
            info["last_error_date"], info["last_error_message"] = bot.webhook_last_error
        return info

