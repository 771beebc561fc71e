"""A private chat between one user and one bot, and the entries of its transcript."""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from typing import Any


class Chat:
    """A private chat between one user and one bot, with its full, ordered transcript.

    ``entries`` only ever grows (deletions are flags), so an entry's ``index`` is stable and a
    reader can ask for "everything after index N". ``version`` grows with every change (new
    entry, edit, deletion, callback answer); each entry records the version of its last change.
    """

    __slots__ = (
        "_event",
        "actions",
        "by_id",
        "entries",
        "id",
        "in_count",
        "info",
        "instance",
        "next_message_id",
        "out_count",
        "reply_keyboard",
        "user",
        "version",
    )

    def __init__(self, chat_id: int, user: dict[str, Any]) -> None:
        self.id = chat_id
        self.user = user
        self.info: dict[str, Any] = {"id": chat_id, "type": "private"}
        self.update_profile(user)
        self.entries: list[dict[str, Any]] = []
        self.by_id: dict[int, dict[str, Any]] = {}
        self.next_message_id = 1
        self.version = 0
        self.reply_keyboard: dict[str, Any] | None = None
        self.out_count = 0
        self.in_count = 0
        self.actions: deque[tuple[float, str]] = deque(maxlen=50)
        self.instance = str(random.getrandbits(63))
        self._event: asyncio.Event | None = None

    def update_profile(self, user: dict[str, Any]) -> None:
        self.user = user
        info = {"id": self.id, "type": "private", "first_name": user.get("first_name", "")}
        for key in ("last_name", "username"):
            if user.get(key):
                info[key] = user[key]
        self.info = info

    def new_message_id(self) -> int:
        mid = self.next_message_id
        self.next_message_id += 1
        return mid

    def append(self, entry: dict[str, Any]) -> dict[str, Any]:
        entry["index"] = len(self.entries)
        self.entries.append(entry)
        mid = entry.get("message_id")
        if mid is not None and entry.get("kind") != "callback":
            self.by_id[mid] = entry
        if entry["direction"] == "out":
            self.out_count += 1
        else:
            self.in_count += 1
        self.touch(entry)
        return entry

    def touch(self, entry: dict[str, Any] | None = None) -> None:
        """Record a change and wake whoever waits on this chat."""
        self.version += 1
        if entry is not None:
            entry["version"] = self.version
        event = self._event
        if event is not None:
            self._event = None
            event.set()

    def changed(self) -> asyncio.Event:
        """An event set at the next change (created lazily: sends stay cheap when nobody waits)."""
        if self._event is None:
            self._event = asyncio.Event()
        return self._event

    def summary(self) -> dict[str, Any]:
        return {
            "chat_id": self.id,
            "user": self.user,
            "messages": len(self.entries),
            "in_count": self.in_count,
            "out_count": self.out_count,
            "version": self.version,
        }


def new_entry(direction: str, kind: str, message_id: int | None, **fields: Any) -> dict[str, Any]:
    """A transcript entry with every documented key present (so tests can index freely)."""
    now = time.time()
    entry: dict[str, Any] = {
        "index": -1,
        "version": 0,
        "direction": direction,
        "kind": kind,
        "message_id": message_id,
        "date": int(now),
        "time": now,
        "text": None,
        "raw_text": None,
        "caption": None,
        "raw_caption": None,
        "parse_mode": None,
        "reply_markup": None,
        "file_id": None,
        "edited": False,
        "deleted": False,
    }
    entry.update(fields)
    return entry
