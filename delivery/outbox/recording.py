"""Recording what became of the rows sent: outcomes committed in batches, a row's slot freed
only once its outcome is stored, the counters and metrics (a mixin of
`delivery.outbox.sender.OutboxSender`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from delivery import observe
from delivery.exclusive import wait_any
from delivery.lanes import Lane, Outcome, utcnow
from storage import outbox as queue

log = logging.getLogger(__name__)


class Recording:
    """Committing outcomes; `OutboxSender` owns the attributes below."""

    sessionmaker: async_sessionmaker[AsyncSession]
    flush_delay: float

    async def _flusher(self, lane: Lane, done: asyncio.Event) -> None:
        """Commits outcomes in batches; a row's slot is free only once its outcome is stored."""
        while True:
            if not lane.results:
                if done.is_set():
                    return
                lane.have_results.clear()
                await wait_any(done, lane.have_results, 1.0)
                continue
            if not done.is_set():
                await asyncio.sleep(self.flush_delay)  # let a few more finish: one commit
            batch, lane.results = lane.results, []
            for tries in range(1, 1000):
                try:
                    await self._commit(lane, batch)
                    break
                except (DBAPIError, OSError) as exc:
                    log.warning("outbox %s: cannot record outcomes yet (%d): %s",
                                lane.platform, tries, str(exc).splitlines()[0])
                    await asyncio.sleep(min(5.0, 0.2 * tries))
            for outcome in batch:
                lane.held.pop(outcome.row.id, None)
                lane.reached.discard(outcome.row.id)
            lane.slot_freed.set()

    async def _commit(self, lane: Lane, batch: Sequence[Outcome]) -> None:
        if not batch:
            return
        now = utcnow()
        by_status: dict[str, list[Outcome]] = {}
        for outcome in batch:
            by_status.setdefault(outcome.status, []).append(outcome)
        sent = [o.row.id for o in by_status.get("sent", [])]
        others = [o for o in batch if o.status != "sent"]
        async with self.sessionmaker() as session:
            await queue.record(session, lane.platform, now, sent=sent,
                               others=[self._row_update(o) for o in others],
                               unreachable=[(o.row.account_id, o.row.chat_id)
                                            for o in by_status.get("unreachable", [])])
            await session.commit()
        stats = lane.stats
        stats.sent += len(sent)
        observe.sent(lane.platform, len(sent))
        for outcome in others:
            observe.send_error(lane.platform, outcome.status, outcome.error)
            if outcome.status == "queued":
                stats.retried += 1
            elif outcome.status in ("failed", "unreachable", "expired"):
                setattr(stats, outcome.status, getattr(stats, outcome.status) + 1)
                if outcome.status != "expired":
                    log.info("outbox %s: row %s %s: %s", lane.platform, outcome.row.id,
                             outcome.status, outcome.error)

    @staticmethod
    def _row_update(outcome: Outcome) -> dict[str, Any]:
        values: dict[str, Any] = {"id": outcome.row.id, "status": outcome.status,
                                  "lease_until": None, "last_error": outcome.error}
        if outcome.not_before is not None:
            values["not_before"] = outcome.not_before
        if outcome.restore_attempt:
            values["attempts"] = max(0, outcome.row.attempts - 1)
        if outcome.payload_json is not None:  # parts of it went: the retry sends the rest
            values["payload_json"] = outcome.payload_json
        return values
