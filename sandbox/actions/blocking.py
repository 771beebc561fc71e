"""A user blocks or unblocks the bot: a 403 fault on their chat, and Telegram's
``my_chat_member`` update."""

from __future__ import annotations

import time

from sandbox.state import BotWorld, Chat, Fault


def block(bot: BotWorld, user_id: int) -> None:
    """The user blocks the bot: every call about this chat fails with 403 until unblocked.

    Telegram also tells the bot with a ``my_chat_member`` update; Bale has no such update.
    """
    chat = bot.ensure_user(user_id)
    if any(isinstance(f, _BlockFault) and f.chat_id == user_id for f in bot.faults):
        return
    bot.faults.insert(0, _BlockFault(method="*", kind="403", chat_id=user_id, times=None))
    if bot.flavour == "telegram":
        _member_update(bot, chat, "member", "kicked")


def unblock(bot: BotWorld, user_id: int) -> None:
    chat = bot.ensure_user(user_id)
    before = len(bot.faults)
    bot.faults = [
        f for f in bot.faults if not (isinstance(f, _BlockFault) and f.chat_id == user_id)
    ]
    if bot.flavour == "telegram" and len(bot.faults) != before:
        _member_update(bot, chat, "kicked", "member")


class _BlockFault(Fault):
    """A 403 fault that :func:`unblock` knows it may remove."""

    __slots__ = ()


def _member_update(bot: BotWorld, chat: Chat, old: str, new: str) -> None:
    now = int(time.time())
    member_user = bot.user_obj
    bot.push_update(
        "my_chat_member",
        {
            "chat": chat.info,
            "from": chat.user,
            "date": now,
            "old_chat_member": {"status": old, "user": member_user},
            "new_chat_member": (
                {"status": new, "user": member_user, "until_date": 0}
                if new == "kicked"
                else {"status": new, "user": member_user}
            ),
        },
    )
