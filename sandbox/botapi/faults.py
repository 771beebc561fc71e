"""Where faults are injected: a fault a call meets becomes an error answer or a hang, and the
per-bot rate ceiling refuses sends over it with a 429 in each platform's words.

The faults themselves (:class:`~sandbox.state.faults.Fault`, ``TokenBucket``) are records in
:mod:`sandbox.state.faults`; :meth:`BotApi.call <sandbox.botapi.api.BotApi.call>` and the file
download route (:mod:`sandbox.server.bot_routes`) call in here.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sandbox.botapi.params import Params
from sandbox.state import SEND_METHODS, ApiError, BotWorld


def request_chat_id(bot: BotWorld, method: str, params: Params) -> int | None:
    """The chat a request is about, for per-chat faults (best effort, never raises)."""
    value = params.data.get("chat_id")
    if value is None and method == "answercallbackquery":
        record = bot.callbacks.get(str(params.data.get("callback_query_id")))
        return record["chat_id"] if record else None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def too_many(bot: BotWorld, retry_after: int | None) -> ApiError:
    """The 429 answer, in the words of the bot's platform."""
    if bot.flavour == "bale":
        desc = "bot limit exceed"
    elif retry_after is not None:
        desc = f"Too Many Requests: retry after {retry_after}"
    else:
        desc = "Too Many Requests"
    params = {"retry_after": retry_after} if retry_after is not None else None
    status = bot.quirks.rate_limit_status if bot.flavour == "bale" else 429
    return ApiError(status, desc, params)


async def inject(bot: BotWorld, fault: Any) -> float | None:
    """Apply a fault: raise its error, or hang (``hang``), or return how long to hold the answer
    back after the work is done (``hang_after``)."""
    kind = fault.kind
    if kind == "429":
        raise too_many(bot, fault.retry_after if fault.retry_after is not None else 1)
    if kind == "429_no_retry":
        raise too_many(bot, None)
    if kind == "500":
        raise ApiError(500, "Internal Server Error")
    if kind == "403":
        raise ApiError(403, "Forbidden: bot was blocked by the user")
    if kind == "400":  # what an edit of a message too old (or gone) meets
        raise ApiError(400, "Bad Request: message can't be edited")
    seconds = fault.hang_seconds if fault.hang_seconds is not None else 3600.0
    if kind == "hang":
        # The handler is cancelled when the client disconnects (handler_cancellation=True),
        # so a hang costs nothing once the bot's request has timed out.
        await asyncio.sleep(seconds)
        return None
    return seconds  # hang_after


def charge_rate_limit(bot: BotWorld, name: str, params: Params) -> None:
    """Take a send's cost (an album: one per item) from the bot's rate ceiling, or refuse it."""
    if bot.bucket is not None and name in SEND_METHODS:
        cost = 1.0
        if name == "sendmediagroup":
            media = params.json("media")
            cost = float(len(media)) if isinstance(media, list) and media else 1.0
        if not bot.bucket.take(min(cost, bot.bucket.capacity)):
            raise too_many(bot, 1 if bot.flavour == "telegram" else None)
