"""In-memory world of the sandbox: bots, their private chats, updates, files, faults and limits.

Everything is keyed per bot token, because that is how the real platforms separate worlds: a
Telegram user 42 and a Bale user 42 are different people, and a file id of one bot means nothing
to another. Hot paths (a bot sending a message) touch only dicts and an append to a per-chat list,
so a broadcast to thousands of chats costs O(1) per send.

Transcript entries are plain dicts so the control API can return them as JSON without a
conversion layer. They are live objects: an edit or a deletion updates the entry in place and
bumps the chat's ``version`` so waiters (scripted users, the web chat page) wake up.

Modules:

* :mod:`~sandbox.state.bots` - :class:`BotWorld`, one bot token's world (users, accounting),
  and bot tokens;
* :mod:`~sandbox.state.chats` - :class:`Chat`, a private chat and its transcript entries;
* :mod:`~sandbox.state.updates` - a bot's update queue (confirming, Bale-style redelivery);
* :mod:`~sandbox.state.files` - stored files, file ids and image sniffing;
* :mod:`~sandbox.state.faults` - injectable failures and the per-bot rate ceiling (data only;
  :mod:`sandbox.botapi.faults` turns them into answers);
* :mod:`~sandbox.state.quirks` - what a Bale bot does where the sources disagree;
* :mod:`~sandbox.state.errors` - the Bot API's and the control API's error types.
"""

from sandbox.state.bots import FLAVOURS, BotWorld, Flavour, make_token
from sandbox.state.chats import Chat, new_entry
from sandbox.state.errors import ApiError, ControlError, chat_not_found
from sandbox.state.faults import FAULT_KINDS, SEND_METHODS, Fault, TokenBucket
from sandbox.state.files import StoredFile, image_size, looks_like_image
from sandbox.state.quirks import BaleQuirks

__all__ = [
    "FAULT_KINDS",
    "FLAVOURS",
    "SEND_METHODS",
    "ApiError",
    "BaleQuirks",
    "BotWorld",
    "Chat",
    "ControlError",
    "Fault",
    "Flavour",
    "StoredFile",
    "TokenBucket",
    "chat_not_found",
    "image_size",
    "looks_like_image",
    "make_token",
    "new_entry",
]
