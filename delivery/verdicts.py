"""What the platform's answer means for a row: sent, retry later (and when), failed for good,
or the person cannot be reached; and what it means for the lane's pace."""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import timedelta

from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramConflictError,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)

from delivery.lanes import Lane, Outcome, utcnow
from delivery.platforms import RATE_LIMIT_TEXTS, TooManyRequests
from storage.outbox import Claimed

log = logging.getLogger("delivery.outbox")

#: A recipient the bot cannot reach, in each platform's words and whatever the status: Bale's
#: «no such group or user» comes as 400 or 404 (docs/PLATFORMS.md).
UNREACHABLE_TEXTS = ("chat not found", "user not found", "peer_id_invalid", "chat_id_invalid",
                     "no such group or user", "user is deactivated")
PLATFORM_403 = ("token not found", "unauthorized")


@dataclass
class Verdicts:
    max_attempts: int = 8
    max_429_attempts: int = 30

    def classify(self, lane: Lane, row: Claimed, exc: TelegramAPIError) -> Outcome:
        message = str(exc.message or "")
        lowered = message.lower()
        if isinstance(exc, TelegramRetryAfter):
            return self.too_many(lane, row, message, float(exc.retry_after))
        # By the words first: Bale says «bot limit exceed» and «no such group or user» with
        # statuses that aiogram maps to other exceptions (400, 404).
        if isinstance(exc, TooManyRequests) or any(text in lowered for text in RATE_LIMIT_TEXTS):
            return self.too_many(lane, row, message, None)
        if isinstance(exc, TelegramUnauthorizedError) or any(
                word in lowered for word in PLATFORM_403):
            return self.platform_down(lane, row, message)
        if isinstance(exc, TelegramForbiddenError) or any(
                text in lowered for text in UNREACHABLE_TEXTS):
            return Outcome(row, "unreachable", message[:300])
        if isinstance(exc, TelegramBadRequest):
            return Outcome(row, "failed", message[:300])
        if isinstance(exc, TelegramEntityTooLarge | TelegramNotFound | TelegramConflictError
                      | TelegramMigrateToChat):
            return Outcome(row, "failed", message[:300])
        if isinstance(exc, TelegramServerError | TelegramNetworkError):
            return self.network(lane, row, message)
        return self.network(lane, row, f"{type(exc).__name__}: {message}")

    def too_many(self, lane: Lane, row: Claimed, message: str,
                  retry_after: float | None) -> Outcome:
        lane.stats.too_many += 1
        lane.limiter.slow_down()
        if retry_after is not None and retry_after > 2:
            lane.limiter.pause(retry_after)  # a real flood wait: the whole bot waits
        if row.attempts >= self.max_429_attempts:
            return Outcome(row, "failed", f"gave up after {row.attempts} attempts: {message}")
        if retry_after is None:
            retry_after = min(60.0, 0.5 * 2 ** min(row.attempts - 1, 10))
            retry_after *= random.uniform(0.8, 1.2)
        return Outcome(row, "queued", message[:300],
                       utcnow() + timedelta(seconds=retry_after))

    def network(self, lane: Lane, row: Claimed, message: str) -> Outcome:
        lane.stats.errors += 1
        lane.network_errors += 1
        if lane.network_errors >= 5:  # the platform itself is in trouble: everyone waits
            lane.limiter.pause(min(30.0, 0.5 * 2 ** min(lane.network_errors - 5, 6)))
        if row.attempts >= self.max_attempts:
            return Outcome(row, "failed", f"gave up after {row.attempts} attempts: "
                                          f"{message}"[:300])
        return self.retry(row, message, backoff=min(300.0, 2.0 ** (row.attempts - 1)))

    def platform_down(self, lane: Lane, row: Claimed, message: str) -> Outcome:
        """The platform refuses the bot's token: nothing can be sent on this lane. The first
        refusal stops it with one log line; the row, and every row after it, stays queued with
        its attempt not counted, for a sender started with a valid token."""
        if lane.refused is None:
            lane.refused = message
            log.error("outbox %s: the platform refuses the bot's token (%s); this platform's "
                      "sender stops, its queued messages wait for a restart with a valid token",
                      lane.platform, message)
        return self.held_back(row, message)

    @staticmethod
    def held_back(row: Claimed, message: str) -> Outcome:
        return Outcome(row, "queued", message[:300], utcnow() + timedelta(seconds=60),
                       restore_attempt=True)

    @staticmethod
    def retry(row: Claimed, message: str, backoff: float) -> Outcome:
        delay = backoff * random.uniform(0.8, 1.2)
        return Outcome(row, "queued", message[:300], utcnow() + timedelta(seconds=delay))
