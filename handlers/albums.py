"""An album (several photos or files sent at once, one `media_group_id`) is one answer.

Since the fix for a process killed while an album comes in, the handler no longer collects the
parts here: each part writes its name into one queued outbox notice in the same transaction as
the file (`storage.album_notices`, through `services.declaration.evidence.attach`), and the
outbox sender acknowledges the album once no part has come for `QUIET` seconds. The collectors
below (in-process and `RedisAlbums`) are no longer used by the handler; `bot.app` still builds
`RedisAlbums` and can stop doing so.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Protocol

QUIET = 1.5  # seconds without a new part before the album is acknowledged
KEEP = 600  # seconds an album's notes are kept


@dataclass(frozen=True, slots=True)
class Album:
    names: list[str]  # the parts' file names, in the order they were noted
    count: int  # the question's files after the last part (the highest count noted)


class AlbumCollector(Protocol):
    async def add(self, group: str, name: str, count: int) -> int:
        """Note one part; its sequence number within the album (1, 2, …)."""

    async def claim(self, group: str, seq: int) -> Album | None:
        """The album to acknowledge when `seq` is still the latest part and nobody claimed it
        yet; else None."""


@dataclass(slots=True)
class _Notes:
    names: list[str] = field(default_factory=list)
    counts: list[int] = field(default_factory=list)
    claimed: set[int] = field(default_factory=set)
    touched: float = field(default_factory=time.monotonic)


class InProcessAlbums:
    """One process's albums (the default: a single worker)."""

    def __init__(self) -> None:
        self._albums: dict[str, _Notes] = {}

    async def add(self, group: str, name: str, count: int) -> int:
        now = time.monotonic()
        for stale in [k for k, v in self._albums.items() if now - v.touched > KEEP]:
            del self._albums[stale]
        notes = self._albums.setdefault(group, _Notes())
        notes.names.append(name)
        notes.counts.append(count)
        notes.touched = now
        return len(notes.names)

    async def claim(self, group: str, seq: int) -> Album | None:
        notes = self._albums.get(group)
        if notes is None or len(notes.names) != seq or seq in notes.claimed:
            return None
        notes.claimed.add(seq)
        return Album(list(notes.names), max(notes.counts))


class RedisAlbums:
    """Albums in Redis, shared by every worker (keys under `prefix`, expiring after `KEEP`)."""

    def __init__(self, redis: object, prefix: str = "pishkhan:album:") -> None:
        self.redis = redis
        self.prefix = prefix

    async def add(self, group: str, name: str, count: int) -> int:
        key = self.prefix + group
        pipe = self.redis.pipeline(transaction=True)  # type: ignore[attr-defined]
        pipe.rpush(f"{key}:names", name)
        pipe.rpush(f"{key}:counts", count)
        for suffix in ("names", "counts"):
            pipe.expire(f"{key}:{suffix}", KEEP)
        seq, *_ = await pipe.execute()
        return int(seq)

    async def claim(self, group: str, seq: int) -> Album | None:
        key = self.prefix + group
        redis = self.redis
        if await redis.llen(f"{key}:names") != seq:  # type: ignore[attr-defined]
            return None
        if not await redis.set(f"{key}:claimed:{seq}", 1, nx=True, ex=KEEP):  # type: ignore[attr-defined]
            return None
        names = await redis.lrange(f"{key}:names", 0, -1)  # type: ignore[attr-defined]
        counts = await redis.lrange(f"{key}:counts", 0, -1)  # type: ignore[attr-defined]
        return Album([n.decode() if isinstance(n, bytes) else n for n in names],
                     max(int(c) for c in counts))


DEFAULT = InProcessAlbums()
