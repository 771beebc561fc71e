"""One bot's world (:class:`BotWorld`): its users and chats, accounting and summary; bot tokens.

The update queue and the file store are parts of it that live in :mod:`sandbox.state.updates`
and :mod:`sandbox.state.files`.
"""

from __future__ import annotations

import asyncio
import itertools
import random
import secrets
from collections import Counter, deque
from typing import Any, Literal

from sandbox.state.chats import Chat
from sandbox.state.errors import ApiError, chat_not_found
from sandbox.state.faults import Fault, TokenBucket
from sandbox.state.files import FileStore, StoredFile
from sandbox.state.quirks import BaleQuirks
from sandbox.state.updates import UpdateQueue

Flavour = Literal["telegram", "bale"]
FLAVOURS: tuple[str, ...] = ("telegram", "bale")

_BOT_IDS = itertools.count(random.randint(5_000_000_000, 7_000_000_000), 7919)
_TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"


def make_token(bot_id: int | None = None) -> str:
    """A token shaped like a real one: ``<bot id>:<35 url-safe characters>``."""
    if bot_id is None:
        bot_id = next(_BOT_IDS)
    tail = "AA" + "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(33))
    return f"{bot_id}:{tail}"


class BotWorld(UpdateQueue, FileStore):
    """Everything one bot token sees: its users' chats, its update queue, files, faults, limits.

    The update queue's semantics are described in :mod:`sandbox.state.updates`.
    """

    def __init__(
        self, flavour: str, token: str, username: str, first_name: str, blobs: dict[str, bytes]
    ) -> None:
        self.flavour = flavour
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.username = username
        self.first_name = first_name
        self.blobs = blobs
        self.quirks = BaleQuirks()
        self.revoked = False  # the token was revoked: every call is refused as a bad token
        self.user_obj = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": first_name,
            "username": username,
        }
        self.chats: dict[int, Chat] = {}
        self.phones: dict[int, str] = {}
        # updates
        self.pending: deque[tuple[int, dict[str, Any]]] = deque()
        self.next_update_id = 1
        self._monotonic_ids = True
        self._updates_event: asyncio.Event | None = None
        self.poll_generation = 0
        self.delivered_ids: set[int] = set()
        self.redeliver = False
        # confirmed, delivered updates (newest last): what Bale-style redelivery draws from
        self.redeliver_queue: deque[tuple[int, dict[str, Any]]] = deque(maxlen=2000)
        self.redelivered_ids: set[int] = set()
        self.redelivered_count = 0
        # webhook
        self.webhook: dict[str, Any] | None = None
        self.webhook_task: asyncio.Task[None] | None = None
        self.webhook_last_error: tuple[int, str] | None = None
        self.webhook_deliveries = 0
        # files
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.photo_sets: dict[str, list[StoredFile]] = {}
        self._file_seq = itertools.count(1)
        # callbacks, commands, accounting
        self.callbacks: dict[str, dict[str, Any]] = {}
        # Seconds after a press past which answerCallbackQuery is refused as "query is too old"
        # (Telegram's is about 15 s); None, the default, never: set with
        # `Sandbox.set_callback_expiry`.
        self.callback_expiry: float | None = None
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.faults: list[Fault] = []
        self.bucket: TokenBucket | None = None
        self.calls: Counter[str] = Counter()
        self.sent_total = 0
        self._sent_event: asyncio.Event | None = None
        self.allowed_updates: list[str] | None = None
        self._media_group_seq = itertools.count(random.randint(10**16, 9 * 10**16))

    # ------------------------------------------------------------------ users and chats

    def ensure_user(self, user_id: int, profile: dict[str, Any] | None = None) -> Chat:
        """Create (or refresh the profile of) a user and their private chat with this bot."""
        chat = self.chats.get(user_id)
        if chat is None or profile:
            user = {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
            if chat is not None:
                user.update(chat.user)
            for key in ("first_name", "last_name", "username", "language_code"):
                if profile and profile.get(key) is not None:
                    user[key] = profile[key]
            if profile and profile.get("phone"):
                self.phones[user_id] = str(profile["phone"])
            if chat is None:
                chat = Chat(user_id, user)
                self.chats[user_id] = chat
            else:
                chat.update_profile(user)
        return chat

    def chat(self, chat_id: Any) -> Chat:
        if isinstance(chat_id, int):
            chat = self.chats.get(chat_id)
            if chat is not None:
                return chat
        if self.flavour == "bale":
            raise ApiError(self.quirks.unreachable_status, self.quirks.unreachable_text)
        raise chat_not_found()

    # -------------------------------------------------------------------------- faults

    def find_fault(self, method: str, chat_id: int | None) -> Fault | None:
        for fault in self.faults:
            if fault.matches(method, chat_id):
                fault.hits += 1
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                return fault
        return None

    # ------------------------------------------------------------------------ counting

    def count_sent(self, n: int = 1) -> None:
        self.sent_total += n
        event = self._sent_event
        if event is not None:
            self._sent_event = None
            event.set()

    def sent_changed(self) -> asyncio.Event:
        if self._sent_event is None:
            self._sent_event = asyncio.Event()
        return self._sent_event

    def info(self) -> dict[str, Any]:
        return {
            "token": self.token,
            "flavour": self.flavour,
            "bot_id": self.bot_id,
            "username": self.username,
            "first_name": self.first_name,
            "chats": len(self.chats),
            "pending_updates": len(self.pending),
            "sent_total": self.sent_total,
            "webhook": self.webhook_public(),
            "rate_limit": self.bucket.rate if self.bucket else None,
            "rate_limited": self.bucket.rejected if self.bucket else 0,
            "redeliver": self.redeliver,
            "revoked": self.revoked,
            "quirks": self.quirks.as_dict() if self.flavour == "bale" else None,
            "redelivered": self.redelivered_count,
            "faults": [f.as_dict() for f in self.faults],
            "calls": dict(self.calls),
            "commands": self.commands,
        }

    def webhook_public(self) -> dict[str, Any] | None:
        if self.webhook is None:
            return None
        return {k: v for k, v in self.webhook.items() if k != "secret_token"} | {
            "has_secret_token": bool(self.webhook.get("secret_token")),
            "deliveries": self.webhook_deliveries,
        }
