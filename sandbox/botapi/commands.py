"""The bot itself: getMe and its command menu (setMyCommands, getMyCommands,
deleteMyCommands; Telegram only)."""

from __future__ import annotations

import json
import re
from typing import Any

from sandbox.botapi.outgoing import MethodBase
from sandbox.botapi.params import Params
from sandbox.state import ApiError, BotWorld

_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


class CommandMethods(MethodBase):
    """getMe and the command-menu methods of :class:`~sandbox.botapi.api.BotApi`."""

    async def m_getme(self, bot: BotWorld, params: Params) -> Any:
        me = dict(bot.user_obj)
        me.update(
            can_join_groups=True,
            can_read_all_group_messages=False,
            supports_inline_queries=False,
        )
        return me

    @staticmethod
    def _scope_key(params: Params) -> str:
        scope = params.json("scope")
        lang = params.text("language_code") or ""
        return json.dumps(scope or {"type": "default"}, sort_keys=True) + "|" + lang

    async def m_setmycommands(self, bot: BotWorld, params: Params) -> Any:
        commands = params.json("commands")
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: commands must be an array")
        if len(commands) > 100:
            raise ApiError(400, "Bad Request: too many commands")
        for cmd in commands:
            if not isinstance(cmd, dict) or not _COMMAND_RE.match(str(cmd.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(cmd.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        bot.commands[self._scope_key(params)] = commands
        return True

    async def m_getmycommands(self, bot: BotWorld, params: Params) -> Any:
        return bot.commands.get(self._scope_key(params), [])

    async def m_deletemycommands(self, bot: BotWorld, params: Params) -> Any:
        bot.commands.pop(self._scope_key(params), None)
        return True
