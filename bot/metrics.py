"""`/metrics`: Prometheus' text format, from this process or from every worker process.

The counters and the latency histogram are counted where the work happens
(`delivery.observe`: updates by outcome, handling time, sends and send errors by kind); the queue
depths (inbox, parked, outbox per platform) are read from the database when the page is asked
for, so they are the same whichever worker answers.

Several workers (`pishkhan-webhook@N`): set `PROMETHEUS_MULTIPROC_DIR` to an empty folder the
workers may write (systemd's `RuntimeDirectory=`, emptied at every start) in the environment of
every worker. prometheus_client then keeps each process's values in files there, and whichever
worker answers `/metrics` adds up all of them (`MultiProcessCollector`); the depth gauges show the
latest reading of a live process.
"""

from __future__ import annotations

import logging
import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Gauge,
    generate_latest,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.health import depths

log = logging.getLogger(__name__)

INBOX_DEPTH = Gauge("pishkhan_inbox_depth", "Updates kept and not yet handled",
                    multiprocess_mode="livemostrecent")
PARKED = Gauge("pishkhan_parked_updates", "Updates parked after every retry failed",
               multiprocess_mode="livemostrecent")
OUTBOX_DEPTH = Gauge("pishkhan_outbox_depth", "Messages queued or being sent", ["platform"],
                     multiprocess_mode="livemostrecent")
PLATFORMS = ("bale", "telegram")


def multiprocess() -> bool:
    return bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))  # prometheus_client's own switch


async def refresh(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """Read the queue depths from the database into the gauges."""
    async with sessionmaker() as session:
        found = await depths(session)
    INBOX_DEPTH.set(found.inbox)
    PARKED.set(found.parked)
    for platform in sorted(set(PLATFORMS) | set(found.outbox)):
        OUTBOX_DEPTH.labels(platform).set(found.outbox.get(platform, 0))


async def exposition(sessionmaker: async_sessionmaker[AsyncSession]) -> tuple[bytes, str]:
    """The page's body and content type."""
    try:
        await refresh(sessionmaker)
    except Exception as error:  # the counters are still worth showing without the depths
        log.warning("metrics: could not read the queue depths (%s)", type(error).__name__)
    if multiprocess():
        from prometheus_client import multiprocess as mp

        registry = CollectorRegistry()
        mp.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST

