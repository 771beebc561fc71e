"""Discrepancy reports as use cases: the owner reports a wrong base field (name, type,
address, holder) and may attach a photo; the region fixes the field or answers.

An owner acts for their current office only; the region's staff only on reports of their
regions. Fixing or answering writes the change, the audit row and the owners' notices in one
transaction; of two staff resolving one report at once, one does and the other is told it is
closed, by whom and when (`Conflict("rv-disc-closed-by", by=…, at=…)`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from services.errors import Conflict, Forbidden, Invalid, NotFound
from services.review import refusals, regions, who
from services.uow import UnitOfWork
from storage import review_inputs, winners
from storage.accounts import Actor
from storage.admin import audit
from storage.review_inputs import DiscrepancyRecord, OwnReport

__all__ = ["FIELDS", "MAX_TEXT", "DiscrepancyRecord", "OwnReport", "answer", "attach_photo",
           "fix", "get", "open_reports", "own_reports", "report"]

FIELDS = ("name", "type", "address", "holder")
MAX_TEXT = 1000


def _label(actor: Actor) -> str:
    return f"{actor.platform}:{actor.user_id}"


def _office(actor: Actor) -> int:
    if actor.office_id is None:
        raise Forbidden("not-linked")
    return actor.office_id


# ---------------------------------------------------------------------------------------------
# The owner


async def own_reports(uow: UnitOfWork, actor: Actor) -> list[OwnReport]:
    office_id = _office(actor)
    async with uow:
        return await review_inputs.own_reports(uow.session, office_id)


async def report(uow: UnitOfWork, actor: Actor, field: str, text: str) -> int:
    """Save the report the moment its text arrives; its number."""
    if field not in FIELDS:
        raise NotFound("stale-button")
    office_id = _office(actor)
    text = text.strip()
    if not text or len(text) > MAX_TEXT:
        raise Invalid("disc-text-length", max=MAX_TEXT)
    async with uow:
        number = await review_inputs.open_report(uow.session, office_id, actor.account_id,
                                                 field, text, _label(actor))
        await uow.commit()
    return number


async def attach_photo(uow: UnitOfWork, actor: Actor, report_id: int, sha256: str) -> int:
    """Attach a stored file (already in the evidence store) to the owner's own report."""
    async with uow:
        if not await review_inputs.attach_evidence(uow.session, report_id, actor.account_id,
                                                   sha256):
            raise NotFound("stale-button")
        await audit(uow.session, actor=_label(actor), actor_account_id=actor.account_id,
                    action="discrepancy.file", entity="discrepancy", entity_id=report_id,
                    new=sha256)
        await uow.commit()
    return report_id


async def is_own_report(uow: UnitOfWork, actor: Actor, report_id: int) -> bool:
    async with uow:
        return await review_inputs.own_report_exists(uow.session, report_id, actor.account_id)


# ---------------------------------------------------------------------------------------------
# The region


async def open_reports(uow: UnitOfWork, actor: Actor) -> list[DiscrepancyRecord]:
    mine = regions(actor)
    async with uow:
        with refusals():
            return await review_inputs.open_discrepancies(uow.session, mine)


async def get(uow: UnitOfWork, actor: Actor, report_id: int, *, must_be_open: bool = False
              ) -> DiscrepancyRecord:
    async with uow:
        with refusals():
            found = await review_inputs.get_discrepancy(uow.session, report_id, regions(actor))
        if must_be_open and found.status != "open":
            winner = await winners.report_resolution(uow.session, report_id)
            if winner is not None:  # who dealt with it, and when
                raise Conflict("rv-disc-closed-by", by=winner.name, at=winner.at)
            raise Invalid("rv-disc-closed")
    return found


@asynccontextmanager
async def _closed(uow: UnitOfWork, report_id: int) -> AsyncIterator[None]:
    """A report resolved already (by another at the same moment, or before) says by whom and
    when (`rv-disc-closed-by`)."""
    try:
        yield
    except Conflict as error:
        if error.code != "rv-disc-closed":
            raise
        winner = await winners.report_resolution(uow.session, report_id)
        if winner is None:
            raise
        raise Conflict("rv-disc-closed-by", by=winner.name, at=winner.at) from None


async def fix(uow: UnitOfWork, actor: Actor, report_id: int, value: str, now: datetime
              ) -> DiscrepancyRecord:
    """Correct the office's field (audited) and tell its owners."""
    async with uow, _closed(uow, report_id):
        with refusals():
            done = await review_inputs.fix_discrepancy(uow.session, report_id, regions(actor),
                                                       value, who(actor), now)
        await uow.commit()
    return done


async def answer(uow: UnitOfWork, actor: Actor, report_id: int, text: str, now: datetime
                 ) -> DiscrepancyRecord:
    async with uow, _closed(uow, report_id):
        with refusals():
            done = await review_inputs.answer_discrepancy(uow.session, report_id,
                                                          regions(actor), text, who(actor),
                                                          now)
        await uow.commit()
    return done
