"""The Bot API object (:class:`BotApi`): its methods, gathered from the families, and dispatch."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from sandbox.botapi.commands import CommandMethods
from sandbox.botapi.faults import charge_rate_limit, inject, request_chat_id
from sandbox.botapi.files import FileMethods
from sandbox.botapi.flavours import TELEGRAM_ONLY, check_bale_params
from sandbox.botapi.messages import MessageMethods
from sandbox.botapi.params import Params
from sandbox.botapi.updates import UpdateMethods
from sandbox.state import ApiError, BotWorld

if TYPE_CHECKING:
    from sandbox.server import Sandbox


class BotApi(MessageMethods, FileMethods, UpdateMethods, CommandMethods):
    """Executes Bot API calls against the sandbox's state; one instance per :class:`Sandbox`.

    Each ``m_<method>`` (lower-case) of the families is the method of that name.
    """

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.handlers = {
            name[2:]: getattr(self, name) for name in dir(self) if name.startswith("m_")
        }

    async def call(self, bot: BotWorld, method: str, params: Params) -> Any:
        """Run one method: 404 for unknown, then faults, then the rate ceiling, then the work."""
        name = method.lower()
        handler = self.handlers.get(name)
        if handler is None or (bot.flavour == "bale" and name in TELEGRAM_ONLY):
            raise ApiError(404, "Not Found")
        bot.calls[name] += 1
        after: float | None = None
        if bot.faults:
            fault = bot.find_fault(name, request_chat_id(bot, name, params))
            if fault is not None:
                after = await inject(bot, fault)
        charge_rate_limit(bot, name, params)
        if bot.flavour == "bale":
            check_bale_params(name, params)
        result = await handler(bot, params)
        if after is not None:
            # "hang_after": the work is done but the answer never arrives in time, which is how
            # a sender ends up sending the same message twice.
            await asyncio.sleep(after)
        return result
