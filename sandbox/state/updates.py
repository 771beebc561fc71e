"""A bot's update queue: what ``getUpdates`` and the webhook hand out, and when it is dropped.

Queue semantics follow Telegram: ``pending`` holds updates not yet confirmed; a ``getUpdates``
with ``offset`` confirms (drops) every update whose id is below it. Updates are kept as
``(order_id, update)`` so that an injected update without a usable ``update_id`` still has a
place in the queue. Confirmed, delivered updates feed Bale-style redelivery.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any


class UpdateQueue:
    """Queueing, confirming and redelivering updates (a mixin of
    :class:`~sandbox.state.bots.BotWorld`, which owns the attributes below)."""

    pending: deque[tuple[int, dict[str, Any]]]
    next_update_id: int
    _monotonic_ids: bool
    _updates_event: asyncio.Event | None
    delivered_ids: set[int]
    redeliver: bool
    redeliver_queue: deque[tuple[int, dict[str, Any]]]
    redelivered_ids: set[int]
    redelivered_count: int

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
