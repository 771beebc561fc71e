"""Fault points: the places where the fault suite (tests/faults) kills the process.

`fault_point("evidence.stored")` is a no-op unless the process was started with the point armed
(`PISHKHAN_FAULT_POINTS=evidence.stored,review.moved`, read by `settings` and handed to `arm`
by `bot.app.application`); then it writes one line naming the point to stderr and sends
SIGKILL to its own process: no `finally`, no rollback, no reply, as a power cut or the kernel's
OOM killer would. Each point sits just after one await of a path that must lose nothing
(see `POINTS`). Production never arms any.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterable

POINTS: dict[str, str] = {
    "evidence.downloaded": "the file's bytes are in memory; nothing checked or stored",
    "evidence.checked": "checked by its bytes; not yet in the evidence store",
    "evidence.stored": "in the evidence store (fsync, rename); no row committed",
    "evidence.committed": "the row and the update's done mark committed; no reply yet",
    "linking.taken": "the one-time code taken, the link written; not committed",
    "linking.committed": "the link committed; no reply yet",
    "submit.moved": "the declaration moved to submitted, its audit row written; not committed",
    "submit.committed": "the submission committed; no reply yet",
    "review.moved": "the declaration confirmed, audit and outbox rows written; not committed",
    "review.committed": "the confirmation committed; no reply yet",
}

_armed: frozenset[str] = frozenset()


def arm(names: Iterable[str]) -> None:
    """Kill the process at these points from now on (unknown names are refused)."""
    global _armed
    chosen = frozenset(n.strip() for n in names if n.strip())
    unknown = chosen - POINTS.keys()
    if unknown:
        raise ValueError(f"unknown fault points: {', '.join(sorted(unknown))}")
    _armed = chosen


def fault_point(name: str) -> None:
    """Die here if `name` is armed (see the module's account)."""
    if name in _armed:
        sys.stderr.write(f"FAULT POINT {name}: SIGKILL\n")
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGKILL)
