"""In-memory world of the sandbox: bots, their private chats, updates, files, faults and limits.

Everything is keyed per bot token, because that is how the real platforms separate worlds: a
Telegram user 42 and a Bale user 42 are different people, and a file id of one bot means nothing
to another. Hot paths (a bot sending a message) touch only dicts and an append to a per-chat list,
so a broadcast to thousands of chats costs O(1) per send.

Transcript entries are plain dicts so the control API can return them as JSON without a
conversion layer. They are live objects: an edit or a deletion updates the entry in place and
bumps the chat's ``version`` so waiters (scripted users, the future web page) wake up.
"""

from __future__ import annotations

import asyncio
import base64
import fnmatch
import hashlib
import itertools
import mimetypes
import random
import secrets
import struct
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any, Literal

Flavour = Literal["telegram", "bale"]
FLAVOURS: tuple[str, ...] = ("telegram", "bale")
FAULT_KINDS = frozenset({"429", "429_no_retry", "500", "hang", "hang_after", "403"})

#: Methods that create messages in a chat: these are what the per-bot rate ceiling counts.
SEND_METHODS = frozenset(
    {
        "sendmessage",
        "sendphoto",
        "senddocument",
        "sendmediagroup",
        "copymessage",
        "forwardmessage",
    }
)


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status == ``error_code``, like the real servers."""

    def __init__(
        self, code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


class ControlError(Exception):
    """An error of the control API (``/sandbox/...``): a misuse by a test or the web page."""

    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


def chat_not_found() -> ApiError:
    return ApiError(400, "Bad Request: chat not found")


# ------------------------------------------------------------------------------ rate limit


class TokenBucket:
    """Messages-per-second ceiling of one bot: ``rate`` tokens a second, bursts up to one second.

    Like Telegram's global limit, it is per bot, not per chat, and a request over it is refused
    (429) rather than queued: the bot's own sender has to pace itself.
    """

    __slots__ = ("capacity", "rate", "rejected", "stamp", "tokens")

    def __init__(self, rate: float, burst: float | None = None) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = float(rate)
        self.capacity = float(burst if burst is not None else max(1.0, rate))
        self.tokens = self.capacity
        self.stamp = time.monotonic()
        self.rejected = 0

    def take(self, n: float = 1.0) -> bool:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= n:
            self.tokens -= n
            return True
        self.rejected += 1
        return False


# ---------------------------------------------------------------------------------- faults


@dataclass(slots=True)
class Fault:
    """A failure to inject: ``kind`` on calls of ``method`` (a name or glob, ``*`` for all).

    ``chat_id`` limits it to one chat; ``times`` is how many calls it hits (``None`` = until
    cleared). ``hang_seconds`` bounds a ``hang``/``hang_after`` (``None`` = until the client
    gives up).
    """

    method: str
    kind: str
    chat_id: int | None = None
    times: int | None = 1
    retry_after: int | None = None
    hang_seconds: float | None = None
    hits: int = 0

    def matches(self, method: str, chat_id: int | None) -> bool:
        if self.chat_id is not None and self.chat_id != chat_id:
            return False
        if self.method == "*" or self.method == method:
            return True
        return any(ch in self.method for ch in "*?[") and fnmatch.fnmatchcase(method, self.method)

    def as_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "kind": self.kind,
            "chat_id": self.chat_id,
            "times": self.times,
            "retry_after": self.retry_after,
            "hang_seconds": self.hang_seconds,
            "hits": self.hits,
        }


# ----------------------------------------------------------------------------------- files


@dataclass(slots=True)
class StoredFile:
    """One file id known to one bot. Bytes live once in the sandbox's blob store (by SHA-256)."""

    file_id: str
    file_unique_id: str
    kind: str  # photo, document, sticker, voice, video, audio, animation
    sha256: str
    size: int
    file_path: str
    origin: str  # "user" or "bot"
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def api_object(self) -> dict[str, Any]:
        """The Bot API object (PhotoSize, Document, ...) describing this file."""
        obj: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
        }
        if self.width is not None:
            obj["width"] = self.width
            obj["height"] = self.height
        if self.file_name is not None:
            obj["file_name"] = self.file_name
        if self.mime_type is not None and self.kind != "photo":
            obj["mime_type"] = self.mime_type
        obj.update(self.extra)
        return obj


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF or JPEG from its header; ``None`` if not recognised."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if data[:2] == b"\xff\xd8":
        i, n = 2, len(data)
        while i + 9 < n:
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
                i += 1 if marker == 0xFF else 2
                continue
            length = int.from_bytes(data[i + 2 : i + 4], "big")
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return width, height
            i += 2 + length
    return None


def looks_like_image(data: bytes) -> bool:
    """Telegram refuses a 'photo' it cannot decode (IMAGE_PROCESS_FAILED); sniff magic bytes."""
    return (
        data[:3] == b"\xff\xd8\xff"
        or data[:8] == b"\x89PNG\r\n\x1a\n"
        or data[:6] in (b"GIF87a", b"GIF89a")
        or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
        or data[:2] == b"BM"
    )


_FILE_ID_PREFIX = {
    "photo": "AgACAgQAAxkBAAI",
    "document": "BQACAgQAAxkBAAI",
    "sticker": "CAACAgIAAxkBAAI",
    "voice": "AwACAgQAAxkBAAI",
    "video": "BAACAgQAAxkBAAI",
    "audio": "CQACAgQAAxkBAAI",
    "animation": "CgACAgQAAxkBAAI",
}
_FILE_DIR = {"photo": "photos", "voice": "voice", "sticker": "stickers", "video": "videos"}


# ------------------------------------------------------------------------------------ chats


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


# ------------------------------------------------------------------------------------- bots

_BOT_IDS = itertools.count(random.randint(5_000_000_000, 7_000_000_000), 7919)
_TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"


def make_token(bot_id: int | None = None) -> str:
    """A token shaped like a real one: ``<bot id>:<35 url-safe characters>``."""
    if bot_id is None:
        bot_id = next(_BOT_IDS)
    tail = "AA" + "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(33))
    return f"{bot_id}:{tail}"


class BotWorld:
    """Everything one bot token sees: its users' chats, its update queue, files, faults, limits.

    Update queue semantics follow Telegram: ``pending`` holds updates not yet confirmed; a
    ``getUpdates`` with ``offset`` confirms (drops) every update whose id is below it. Updates
    are kept as ``(order_id, update)`` so that an injected update without a usable
    ``update_id`` still has a place in the queue.
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
        raise chat_not_found()

    # ------------------------------------------------------------------------- updates

    def updates_changed(self) -> asyncio.Event:
        if self._updates_event is None:
            self._updates_event = asyncio.Event()
        return self._updates_event

    def wake_pollers(self) -> None:
        event = self._updates_event
        if event is not None:
            self._updates_event = None
            event.set()

    def push_update(self, key: str, obj: dict[str, Any]) -> int:
        update_id = self.next_update_id
        self.next_update_id += 1
        self.pending.append((update_id, {"update_id": update_id, key: obj}))
        self.wake_pollers()
        return update_id

    def push_raw(self, update: dict[str, Any]) -> int:
        """Queue an arbitrary update as given (it may be malformed on purpose)."""
        given = update.get("update_id") if isinstance(update, dict) else None
        if isinstance(given, int) and not isinstance(given, bool):
            order = given
            if order < self.next_update_id - 1 or (self.pending and order <= self.pending[-1][0]):
                self._monotonic_ids = False
            self.next_update_id = max(self.next_update_id, order + 1)
        else:
            order = self.next_update_id
            self.next_update_id += 1
        self.pending.append((order, update))
        self.wake_pollers()
        return order

    def confirm(self, offset: int) -> None:
        """Telegram offset semantics: forget every update whose id is below ``offset``.

        A negative offset keeps only the last ``-offset`` updates. Confirmed updates that were
        delivered become candidates for Bale-style redelivery.
        """
        pending = self.pending
        if offset < 0:
            keep = -offset
            while len(pending) > keep:
                self._forget(pending.popleft())
            return
        if self._monotonic_ids:
            while pending and pending[0][0] < offset:
                self._forget(pending.popleft())
        else:
            kept = deque()
            for item in pending:
                if item[0] < offset:
                    self._forget(item)
                else:
                    kept.append(item)
            self.pending = kept

    def _forget(self, item: tuple[int, dict[str, Any]]) -> None:
        order, update = item
        if order in self.delivered_ids:
            self.delivered_ids.discard(order)
            if order not in self.redelivered_ids:
                self.redeliver_queue.append(item)

    def take_redelivery(self) -> dict[str, Any] | None:
        """One already-delivered update to hand out again (Bale re-delivers; BALE.md).

        The most recently confirmed one comes first; each update is re-delivered at most once.
        """
        while self.redeliver and self.redeliver_queue:
            order, update = self.redeliver_queue.pop()
            if order in self.redelivered_ids:
                continue
            self.redelivered_ids.add(order)
            self.redelivered_count += 1
            return update
        return None

    # --------------------------------------------------------------------------- files

    def store_file(
        self,
        data: bytes,
        kind: str,
        origin: str,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int | None = None,
        height: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> StoredFile:
        sha = hashlib.sha256(data).hexdigest()
        self.blobs.setdefault(sha, data)
        seq = next(self._file_seq)
        rand = base64.urlsafe_b64encode(secrets.token_bytes(18)).decode().rstrip("=")
        if self.flavour == "telegram":
            file_id = f"{_FILE_ID_PREFIX.get(kind, 'BQACAgQAAxkBAAI')}{seq:x}{rand}"
        else:
            file_id = f"{self.bot_id}:{secrets.randbits(62)}:{seq}:{rand[:10]}"
        tag = f"{sha}:{kind}:{width}x{height}".encode()
        unique = base64.urlsafe_b64encode(hashlib.sha256(tag).digest()[:12]).decode()
        if mime_type is None and file_name:
            mime_type = mimetypes.guess_type(file_name)[0]
        ext = _extension(kind, file_name, mime_type)
        path = f"{_FILE_DIR.get(kind, 'documents')}/file_{seq}{ext}"
        stored = StoredFile(
            file_id=file_id,
            file_unique_id="AQAD" + unique,
            kind=kind,
            sha256=sha,
            size=len(data),
            file_path=path,
            origin=origin,
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
            extra=extra or {},
        )
        self.files[file_id] = stored
        self.files_by_path[path] = stored
        return stored

    def store_photo(self, data: bytes, origin: str) -> list[StoredFile]:
        """PhotoSize list for one picture: a thumbnail (when large) and the original, last."""
        width, height = image_size(data) or (1280, 960)
        sizes = []
        longest = max(width, height, 1)
        if longest > 320:
            scale = 320 / longest
            sizes.append(
                self.store_file(
                    data,
                    "photo",
                    origin,
                    width=max(1, round(width * scale)),
                    height=max(1, round(height * scale)),
                )
            )
        sizes.append(self.store_file(data, "photo", origin, width=width, height=height))
        for size in sizes:
            self.photo_sets[size.file_id] = sizes
        return sizes

    def file_bytes(self, file_id: str) -> bytes:
        stored = self.files.get(file_id)
        if stored is None:
            raise KeyError(file_id)
        return self.blobs[stored.sha256]

    def new_media_group_id(self) -> str:
        return str(next(self._media_group_seq))

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


def _extension(kind: str, file_name: str | None, mime_type: str | None) -> str:
    if file_name and "." in file_name:
        return "." + file_name.rsplit(".", 1)[1][:8]
    if kind == "photo":
        return ".jpg"
    if kind == "voice":
        return ".oga"
    if kind == "sticker":
        return ".webp"
    if mime_type:
        return mimetypes.guess_extension(mime_type) or ""
    return ""
