"""What can be made to go wrong for a bot: injectable faults and the per-bot rate ceiling.

These are the records only. :meth:`~sandbox.state.bots.BotWorld.find_fault` picks the fault a
call meets; :mod:`sandbox.botapi.faults` turns it into an error answer or a hang and applies the
rate ceiling; :meth:`Sandbox.set_fault <sandbox.server.helpers.SandboxHelpers.set_fault>` and
the control API's ``/faults`` add them.
"""

from __future__ import annotations

import fnmatch
import time
from dataclasses import dataclass
from typing import Any

FAULT_KINDS = frozenset({"429", "429_no_retry", "500", "hang", "hang_after", "403", "400"})

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
