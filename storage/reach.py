"""Who the outbox reaches: rows per platform and status, and offices nobody can reach."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account, AccountOffice, Office, Outbox


async def outbox_status(session: AsyncSession, now: datetime | None = None
                        ) -> dict[str, dict[str, int]]:
    """Rows per platform and status; `waiting` counts queued rows backing off (not due yet)."""
    rows = (await session.execute(
        select(Outbox.platform, Outbox.status, func.count())
        .group_by(Outbox.platform, Outbox.status))).all()
    table: dict[str, dict[str, int]] = defaultdict(dict)
    for platform, status, number in rows:
        table[platform][status] = int(number)
    if now is not None:
        for platform, number in (await session.execute(
                select(Outbox.platform, func.count())
                .where(Outbox.status == "queued", Outbox.not_before > now)
                .group_by(Outbox.platform))).all():
            table[platform]["waiting"] = int(number)
    return dict(table)


@dataclass(frozen=True, slots=True)
class UnreachableOffice:
    office_id: int
    code: str
    name: str
    region_code: int
    accounts: tuple[str, ...]  # "platform:user id"
    since: datetime


async def unreachable_offices(session: AsyncSession) -> tuple[list[UnreachableOffice], int]:
    """Offices whose every linked account is unreachable (a send failed with 403 or "chat not
    found"), and how many offices have no linked account at all."""
    rows = (await session.execute(
        select(Office.id, Office.code, Office.name, Office.region_code, Account.platform,
               Account.platform_user_id, Account.unreachable_at)
        .join(AccountOffice, AccountOffice.office_id == Office.id)
        .join(Account, Account.id == AccountOffice.account_id)
        .order_by(Office.region_code, Office.code, Account.id))).all()
    by_office: dict[int, list[Any]] = defaultdict(list)
    for row in rows:
        by_office[row[0]].append(row)
    found = []
    for accounts in by_office.values():
        if all(a[6] is not None for a in accounts):
            first = accounts[0]
            found.append(UnreachableOffice(
                first[0], first[1], first[2], first[3],
                tuple(f"{a[4]}:{a[5]}" for a in accounts), min(a[6] for a in accounts)))
    total = await session.scalar(select(func.count()).select_from(Office))
    return found, int(total or 0) - len(by_office)
