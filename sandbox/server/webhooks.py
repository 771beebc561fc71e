"""Webhook delivery: pushing a bot's pending updates to its webhook in order, retrying with
backoff, and running a method call carried in the webhook's answer.

``setWebhook`` / ``deleteWebhook`` themselves are in :mod:`sandbox.botapi.updates`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

import aiohttp

from sandbox.botapi import BotApi, Params
from sandbox.server.jsonio import dumps
from sandbox.state import ApiError, BotWorld


class WebhookDelivery:
    """One delivery task per bot with a webhook (a mixin of :class:`~sandbox.server.app.Sandbox`,
    which owns the attributes below)."""

    api: BotApi
    webhook_retry: tuple[float, float]
    webhook_timeout: float
    _http: aiohttp.ClientSession | None

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
                data=dumps(update).encode("utf-8"),
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
