"""Webhook delivery: pushing a bot's pending updates to its webhook over several connections at
once, each chat's updates in order, retrying with backoff, and running a method call carried in
the webhook's answer.

``setWebhook`` / ``deleteWebhook`` themselves are in :mod:`sandbox.botapi.updates`.

How Telegram does it (the Bot API server, github.com/tdlib/telegram-bot-api, read at 01a3679,
2026-05): ``setWebhook``'s ``max_connections`` ("maximum allowed number of simultaneous HTTPS
connections to the webhook for update delivery, 1-100. Defaults to 40", core.telegram.org/bots/
api#setwebhook; out-of-range values are clamped, ``Client::get_webhook_max_connections``) bounds
the requests in flight. Every update carries a queue id (``Client::add_update_impl``): the chat
for messages and edited messages (``add_message_update(..., chat_id)``), the sender for callback
queries (``user_id + (3 << 33)``, a queue apart from the same person's messages), the sender for
inline queries, and so on. ``WebhookActor::send_update`` takes only the head of a queue and puts
the queue back only when that update was answered 2xx (``drop_event``) or when its retry delay has
passed (``on_update_error``): one chat's updates are in flight one at a time and in order, other
chats' in parallel, and a failing update holds back its own queue only. The actor loads at most
``2 × max_connections`` updates at a time (``start_up``: ``max_loaded_updates_``), and while the
webhook has not answered 2xx for 10 s (and at first) it opens one connection only
(``create_new_connections``): a webhook that is down is probed, not flooded.

Bale documents none of this (``setWebhook`` takes only ``url``; BALE.md). How many deliveries a
Bale bot's server makes at once is a switch, ``BaleQuirks.webhook_connections``: 1 (one update at
a time, what the sandbox always did) unless a test sets more; the queues are Telegram's.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Hashable
from typing import Any

import aiohttp

from sandbox.botapi import BotApi, Params
from sandbox.server.jsonio import dumps
from sandbox.state import ApiError, BotWorld

Item = tuple[int, dict[str, Any]]

#: Without a 2xx for this long (and before the first one) Telegram uses a single connection.
QUIET_AFTER = 10.0
#: Methods Telegram does not run from a webhook's answer (``WebhookActor::handle``).
_NOT_FROM_ANSWER = ("deletewebhook", "setwebhook", "close", "logout")


def queue_key(item: Item) -> Hashable:
    """The delivery queue of an update, as Telegram's ``webhook_queue_id``: one chat's messages,
    one person's button presses, one person's anything else; an update without a sender or a
    chat (injected, malformed) is a queue of its own."""
    order, update = item
    for kind, obj in update.items():
        if not isinstance(obj, dict):
            continue
        chat = obj.get("chat")
        if kind in ("message", "edited_message", "channel_post", "edited_channel_post"):
            if isinstance(chat, dict) and isinstance(chat.get("id"), int):
                return ("chat", chat["id"])
        sender = obj.get("from")
        if isinstance(sender, dict) and isinstance(sender.get("id"), int):
            return (kind, sender["id"])
    return ("update", order)


class _Lanes:
    """One bot's delivery state: the queues in flight, each failing queue's next try and delay,
    and the last 2xx."""

    def __init__(self, retry: tuple[float, float]) -> None:
        self.first_delay, self.max_delay = retry
        self.busy: set[Hashable] = set()
        self.flying = 0  # deliveries in flight, redeliveries included
        self.wakeup: dict[Hashable, float] = {}
        self.delay: dict[Hashable, float] = {}
        self.last_success = float("-inf")

    def connections(self, limit: int, now: float) -> int:
        return limit if now - self.last_success <= QUIET_AFTER else 1

    def ready(self, key: Hashable, now: float) -> bool:
        return key not in self.busy and self.wakeup.get(key, now) <= now

    def succeeded(self, key: Hashable, now: float) -> None:
        self.wakeup.pop(key, None)
        self.delay.pop(key, None)
        self.last_success = now

    def failed(self, key: Hashable, now: float) -> None:
        delay = self.delay.get(key, self.first_delay)
        self.wakeup[key] = now + delay
        self.delay[key] = min(delay * 2, self.max_delay)

    def next_wakeup(self, now: float) -> float | None:
        later = [at for key, at in self.wakeup.items() if key not in self.busy and at > now]
        return min(later) - now if later else None


class WebhookDelivery:
    """One delivery task per bot with a webhook, which starts a task per update in flight (a
    mixin of :class:`~sandbox.server.app.Sandbox`, which owns the attributes below)."""

    api: BotApi
    webhook_retry: tuple[float, float]
    webhook_timeout: float
    webhook_connections: int | None
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
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    def _connection_limit(self, bot: BotWorld) -> int:
        if bot.flavour == "bale":
            limit = bot.quirks.webhook_connections
        else:
            assert bot.webhook is not None
            limit = int(bot.webhook.get("max_connections") or 40)
        return min(limit, self.webhook_connections or limit)

    async def _webhook_loop(self, bot: BotWorld) -> None:
        """Start a delivery for every queue whose head may go, up to the connection limit;
        sleep until an update arrives, a delivery ends or a failed queue's delay is over.
        An update leaves the pending queue only after a 2xx answer."""
        loop = asyncio.get_running_loop()
        lanes = _Lanes(self.webhook_retry)
        tasks: set[asyncio.Task[None]] = set()

        def start(key: Hashable | None, item: Item) -> None:
            lanes.flying += 1
            task = loop.create_task(self._deliver(bot, lanes, key, item))
            tasks.add(task)
            task.add_done_callback(tasks.discard)

        try:
            while bot.webhook is not None and bot.webhook_task is asyncio.current_task():
                wake = bot.updates_changed()  # before looking, so no wake-up is missed
                now = loop.time()
                free = lanes.connections(self._connection_limit(bot), now) - lanes.flying
                while free > 0 and (again := bot.take_redelivery()) is not None:
                    start(None, (-1, again))
                    free -= 1
                if free > 0:
                    for key, item in self._heads(bot, lanes, now, free):
                        start(key, item)
                try:
                    await asyncio.wait_for(wake.wait(), lanes.next_wakeup(now))
                except TimeoutError:
                    pass
        finally:
            for task in list(tasks):
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def _heads(self, bot: BotWorld, lanes: _Lanes, now: float, free: int
               ) -> list[tuple[Hashable, Item]]:
        """Up to ``free`` updates that may go now: the first pending update of each queue that
        is neither in flight nor waiting for a retry, among the first ``2 × limit`` pending
        (what Telegram keeps loaded)."""
        window = 2 * self._connection_limit(bot)
        seen: set[Hashable] = set()
        heads: list[tuple[Hashable, Item]] = []
        for index, item in enumerate(bot.pending):
            if index >= window or len(heads) >= free:
                break
            key = queue_key(item)
            if key in seen:
                continue
            seen.add(key)
            if lanes.ready(key, now):
                heads.append((key, item))
                lanes.busy.add(key)
        return heads

    async def _deliver(self, bot: BotWorld, lanes: _Lanes, key: Hashable | None, item: Item
                       ) -> None:
        """Post one update; on a 2xx drop it from the pending queue, otherwise delay its queue.
        A redelivered update (``key`` None: Bale's quirk) is posted once whatever happens."""
        loop = asyncio.get_running_loop()
        try:
            ok = await self._post_webhook(bot, item[1])
            if key is None:
                return
            if ok:
                lanes.succeeded(key, loop.time())
                _remove(bot, item)
            else:
                lanes.failed(key, loop.time())
        finally:
            lanes.flying -= 1
            if key is not None:
                lanes.busy.discard(key)
            bot.wake_pollers()  # the loop looks again (a waiting getUpdates only gets its 409)

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
        ignoring errors, as Telegram does; like Telegram, not the webhook methods themselves,
        ``close``, ``logOut`` nor a ``get…`` method."""
        if content_type != "application/json" or not body:
            return
        try:
            payload = json.loads(body)
        except ValueError:
            return
        if isinstance(payload, dict) and isinstance(payload.get("method"), str):
            method = payload.pop("method")
            name = method.lower()
            if name in _NOT_FROM_ANSWER or name.startswith("get"):
                return
            with contextlib.suppress(ApiError):
                await self.api.call(bot, method, Params(payload))


def _remove(bot: BotWorld, item: Item) -> None:
    """Drop a delivered update from the pending queue (unless dropped meanwhile) and remember
    it for Bale-style redelivery."""
    pending = bot.pending
    for index, queued in enumerate(pending):
        if queued is item:
            del pending[index]
            bot.delivered_ids.add(item[0])
            bot._forget(item)
            return
