"""One platform's sending machinery (a lane) and what became of each row sent on it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot

from delivery.coordination import Budget
from storage.outbox import Claimed


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class Outcome:
    """What became of one claimed row; committed in batches by the lane's flusher."""

    row: Claimed
    status: str  # sent | queued | failed | unreachable | expired
    error: str | None = None
    not_before: datetime | None = None
    restore_attempt: bool = False  # the attempt did not count (the platform, not the row)
    payload_json: str | None = None  # the row's payload from now on (how many parts went)


@dataclass
class LaneStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    unreachable: int = 0
    expired: int = 0
    too_many: int = 0
    errors: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class Lane:
    """One platform's sending machinery."""

    platform: str
    bot: Bot
    limiter: Budget
    max_in_flight: int
    held: dict[int, Claimed] = field(default_factory=dict)
    tasks: dict[int, asyncio.Task[None]] = field(default_factory=dict)
    on_wire: set[int] = field(default_factory=set)  # rows whose request is out now
    reached: set[int] = field(default_factory=set)  # held rows whose request ever went out
    results: list[Outcome] = field(default_factory=list)
    chat_locks: dict[int, list[Any]] = field(default_factory=dict)  # chat → [lock, users]
    stats: LaneStats = field(default_factory=LaneStats)
    have_results: asyncio.Event = field(default_factory=asyncio.Event)
    slot_freed: asyncio.Event = field(default_factory=asyncio.Event)
    network_errors: int = 0
    refused: str | None = None  # the platform refused the bot's token: the lane has stopped

    @property
    def free(self) -> int:
        return self.max_in_flight - len(self.held)
