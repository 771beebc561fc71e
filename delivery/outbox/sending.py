"""Sending one claimed row: its payload checked and rendered for the platform, split into
parts over the platform's limit, one chat's messages one after another, each call paced and
its failure turned into a verdict (a mixin of `delivery.outbox.sender.OutboxSender`)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import datetime
from typing import Any

from aiogram.exceptions import (
    ClientDecodeError,
    TelegramAPIError,
)
from pydantic import ValidationError

from delivery.calls import build_method
from delivery.coordination import Coordination
from delivery.lanes import Lane, Outcome
from delivery.limits import PARTS_SENT, expand, partly_sent
from delivery.platforms import RETRY_REPLIES
from delivery.verdicts import Verdicts
from services.clock import Clock
from storage.outbox import Claimed
from texts.notices import render as render_notice

log = logging.getLogger(__name__)


class Sending:
    """One row's delivery; `OutboxSender` owns the attributes below."""

    clock: Clock
    verdicts: Verdicts
    coordination: Coordination
    request_timeout: float

    def _start(self, lane: Lane, row: Claimed) -> None:
        lane.held[row.id] = row
        task = asyncio.create_task(self._deliver(lane, row))
        lane.tasks[row.id] = task
        task.add_done_callback(lambda _t: lane.tasks.pop(row.id, None))

    async def _deliver(self, lane: Lane, row: Claimed) -> None:
        try:
            outcome = await self._attempt(lane, row)
        except Exception as exc:  # a bug must not lose the row: retry it later
            log.exception("outbox %s: row %s", lane.platform, row.id)
            outcome = self.verdicts.retry(row, f"internal: {exc!r}"[:300], backoff=30.0)
        lane.results.append(outcome)
        lane.have_results.set()

    async def _attempt(self, lane: Lane, row: Claimed) -> Outcome:
        try:
            payload = json.loads(row.payload_json)
            if not isinstance(payload, dict):
                raise ValueError("payload is not an object")
        except ValueError as exc:
            return Outcome(row, "failed", f"bad payload: {exc}")
        # A long text goes as several messages: those already delivered on an earlier
        # attempt are not sent again (`delivery.limits.PARTS_SENT`).
        done_before = payload.pop(PARTS_SENT, 0)
        done_before = done_before if isinstance(done_before, int) else 0
        stored = dict(payload)  # as queued (a notice is data until it is rendered below)
        expires = payload.get("expires_at")
        if expires:
            try:
                stale = self.clock.now() >= datetime.fromisoformat(expires)
            except (TypeError, ValueError):
                stale = False
            if stale:
                return Outcome(row, "expired", "stale: expires_at passed")
        try:
            if "notice" in payload:  # queued as data: put into words now, for this platform
                payload = render_notice(payload, lane.platform)
            method = build_method(row.chat_id, payload)
        except (ValidationError, ValueError, TypeError, KeyError) as exc:
            return Outcome(row, "failed", f"bad payload: {str(exc).splitlines()[0]}"[:300])
        # The session's own retry-on-429 would hide the platform's answer from the pacing here
        # (and hold a slot while it sleeps): this task's context switches it off.
        RETRY_REPLIES.set(False)
        calls = expand(method, lane.platform)  # a text or caption over the platform's limit
        entry = lane.chat_locks.setdefault(row.chat_id, [asyncio.Lock(), 0])
        entry[1] += 1
        chat = self._chat_lock(lane, row.chat_id)
        try:
            # One chat's messages go out one after another (across workers when shared).
            async with entry[0], chat:
                for part, call in enumerate(calls):
                    if part < done_before:
                        continue
                    outcome = await self._send_part(lane, row, call)
                    if outcome is not None:
                        return partly_sent(outcome, stored, part)
        finally:
            lane.on_wire.discard(row.id)
            entry[1] -= 1
            if entry[1] == 0:
                del lane.chat_locks[row.chat_id]
        lane.network_errors = 0
        return Outcome(row, "sent")

    async def _send_part(self, lane: Lane, row: Claimed, call: Any) -> Outcome | None:
        """Send one of the row's calls; None when it went, else what became of the row."""
        await lane.limiter.acquire()
        if lane.refused is not None:  # the token was refused meanwhile
            return self.verdicts.held_back(row, lane.refused)
        lane.on_wire.add(row.id)
        lane.reached.add(row.id)
        try:
            await lane.bot(call, request_timeout=int(self.request_timeout))
        except TelegramAPIError as exc:
            return self.verdicts.classify(lane, row, exc)
        except ClientDecodeError as exc:
            return self.verdicts.network(lane, row, f"undecodable answer: {exc}")
        except (TimeoutError, OSError) as exc:
            return self.verdicts.network(lane, row, f"network: {exc!r}")
        return None

    def _chat_lock(self, lane: Lane, chat_id: int) -> contextlib.AbstractAsyncContextManager[Any]:
        if not self.coordination.shared:
            return contextlib.nullcontext()
        return self.coordination.lock(f"chat:{lane.platform}:{chat_id}",
                                      self.request_timeout + 5)
