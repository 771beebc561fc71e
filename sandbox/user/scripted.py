"""The scripted user: :class:`ScriptedUser`, one person chatting with one bot."""

from __future__ import annotations

from sandbox.user.actions import UserActions
from sandbox.user.waits import UserWaits


class ScriptedUser(UserActions, UserWaits):
    """One user (``user_id``) of one bot (``token``); their private chat id equals ``user_id``.

    ``base_url`` is the sandbox's root URL (a flavour-prefixed API base works too). The profile
    (names, ``phone``) is sent with every action, so the bot always sees the current one.
    ``phone`` is the number their own contact card carries (any Iranian format; it is rendered
    the way the platform would send it unless a phone is given verbatim to ``share_contact``).
    """
