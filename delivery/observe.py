"""What the inbox worker and the outbox sender report while they work: Prometheus counters (shown
by `/metrics`, `bot.metrics`), whether a worker is running (`/readyz`), and the update being
handled (`CURRENT_UPDATE`, which `bot.logs` writes on every log line of that update).

With several worker processes, prometheus_client's multiprocess mode keeps each process's
values in files under `PROMETHEUS_MULTIPROC_DIR` (set before the process starts) and `/metrics`
adds them up; see `bot.metrics`.
"""

from __future__ import annotations

import time
from contextvars import ContextVar

from prometheus_client import Counter, Histogram

CURRENT_UPDATE: ContextVar[str | None] = ContextVar("pishkhan_update", default=None)

UPDATES = Counter("pishkhan_updates", "Updates handled from the inbox, by outcome "
                  "(handled, retried, parked)", ["platform", "outcome"])
UPDATE_SECONDS = Histogram(
    "pishkhan_update_seconds", "Time to handle one update from the inbox", ["platform"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0))
SENT = Counter("pishkhan_sent_messages", "Outbox rows the platform accepted", ["platform"])
SEND_ERRORS = Counter("pishkhan_send_errors", "Outbox sends that did not go through, by kind "
                      "(rate_limited, network, refused, unreachable, expired, other)",
                      ["platform", "kind"])

_workers: dict[int, float] = {}  # id(worker) → last time its loop turned


def worker_alive(worker: object) -> None:
    _workers[id(worker)] = time.monotonic()


def worker_gone(worker: object) -> None:
    _workers.pop(id(worker), None)


def workers_running(within: float = 60.0) -> int:
    """Inbox workers of this process whose loop turned in the last `within` seconds."""
    now = time.monotonic()
    return sum(1 for seen in _workers.values() if now - seen <= within)


def handled(platform: str, outcome: str, seconds: float) -> None:
    UPDATES.labels(platform, outcome).inc()
    UPDATE_SECONDS.labels(platform).observe(seconds)


def send_kind(status: str, error: str | None) -> str:
    """An outbox outcome other than sent, as a kind of error."""
    if status in ("unreachable", "expired"):
        return status
    words = (error or "").lower()
    if "429" in words or "too many" in words or "limit" in words:
        return "rate_limited"
    if words.startswith(("network", "undecodable")) or "timeout" in words:
        return "network"
    if status == "failed":
        return "refused"
    return "other"


def sent(platform: str, count: int) -> None:
    if count:
        SENT.labels(platform).inc(count)


def send_error(platform: str, status: str, error: str | None) -> None:
    SEND_ERRORS.labels(platform, send_kind(status, error)).inc()
