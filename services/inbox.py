"""The inbox's administration: what was parked, and what to do with it.

An update the bot failed to handle several times is parked (`delivery.inbox`); hq is told, and
`pishkhan inbox list|retry|drop` shows it, puts it back in line, or gives it up. Each change
is audited. Old handled updates are pruned by the sweep.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from services.errors import NotFound
from services.uow import UnitOfWork
from storage import inbox
from storage.admin import audit
from storage.inbox import Parked
from storage.outbox import notify

KEEP_DONE = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class ParkedReport:
    told: int  # hq accounts a notice was queued for


async def report_parked(uow: UnitOfWork, inbox_id: int, platform: str, update_id: int,
                        error: str) -> ParkedReport:
    """Tell hq an update was parked (once per update), and audit it."""
    async with uow:
        accounts = await inbox.hq_accounts(uow.session)
        for account in accounts:
            await notify(uow.session, account, "inbox-parked", kind="inbox",
                         dedup_key=f"inbox-parked:{inbox_id}:{account.id}",
                         id=inbox_id, platform=platform, update=update_id, error=error[:200])
        await audit(uow.session, actor="inbox", action="inbox.park", entity="inbox",
                    entity_id=inbox_id, new={"error": error[:500]})
        await uow.commit()
    return ParkedReport(len(accounts))


async def parked(uow: UnitOfWork, limit: int = 100) -> list[Parked]:
    async with uow:
        return await inbox.parked(uow.session, limit)


async def retry(uow: UnitOfWork, inbox_id: int, now: datetime, by: str = "cli") -> None:
    """Put a parked update back in line (`NotFound("inbox-not-parked")` otherwise)."""
    async with uow:
        if not await inbox.retry(uow.session, inbox_id, now):
            raise NotFound("inbox-not-parked", id=inbox_id)
        await audit(uow.session, actor=by, action="inbox.retry", entity="inbox",
                    entity_id=inbox_id)
        await uow.commit()


async def drop(uow: UnitOfWork, inbox_id: int, now: datetime, by: str = "cli") -> None:
    """Give a parked update up: never handled, still refused if it comes again."""
    async with uow:
        if not await inbox.drop(uow.session, inbox_id, now):
            raise NotFound("inbox-not-parked", id=inbox_id)
        await audit(uow.session, actor=by, action="inbox.drop", entity="inbox",
                    entity_id=inbox_id)
        await uow.commit()


async def prune(uow: UnitOfWork, now: datetime, keep: timedelta = KEEP_DONE) -> int:
    async with uow:
        removed = await inbox.prune(uow.session, now - keep)
        await uow.commit()
    return removed
