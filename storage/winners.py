"""Who won a race, and when: read back from the audit row (or the row) the winner wrote.

The loser of two confirmations, two submissions, two redemptions of one link code, two
resolutions of one discrepancy report, two answers of one ticket, two changes to one period,
two reopenings of one declaration or two publications of one period is told who did it and
when ("already confirmed by Maryam at 10:42"). The winner's name is the staff name it was
given, else the name the platform gives the account, else its platform label.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account, AuditLog, Discrepancy, LinkCode, StaffRole, TicketMessage


@dataclass(frozen=True, slots=True)
class Winner:
    name: str
    at: datetime


async def _name(session: AsyncSession, account_id: int | None, label: str) -> str:
    if account_id is None and ":" in label:  # "bale:7407": the account behind the label
        platform, _, user = label.partition(":")
        if user.isdigit():
            account_id = await session.scalar(select(Account.id).where(
                Account.platform == platform, Account.platform_user_id == int(user)))
    if account_id is None:
        return label
    staff = await session.scalar(select(StaffRole.name).where(
        StaffRole.account_id == account_id, StaffRole.name != "").limit(1))
    if staff:
        return staff
    first = await session.scalar(select(Account.first_name).where(Account.id == account_id))
    return first or label


async def status_move(session: AsyncSession, declaration_id: int, status: str
                      ) -> Winner | None:
    """Who last moved the declaration to `status`, and when."""
    row = (await session.execute(
        select(AuditLog.actor_account_id, AuditLog.actor, AuditLog.at)
        .where(AuditLog.action == "declaration.status", AuditLog.entity == "declaration",
               AuditLog.entity_id == str(declaration_id), AuditLog.new == status)
        .order_by(AuditLog.id.desc()).limit(1))).first()
    if row is None:
        return None
    return Winner(await _name(session, row.actor_account_id, row.actor), row.at)


async def code_use(session: AsyncSession, code: str) -> Winner | None:
    """Who redeemed a one-time link code, and when."""
    row = (await session.execute(select(LinkCode.used_by, LinkCode.used_at)
                                 .where(LinkCode.code == code))).first()
    if row is None or row.used_at is None:
        return None
    return Winner(await _name(session, row.used_by, "?"), row.used_at)


async def report_resolution(session: AsyncSession, report_id: int) -> Winner | None:
    """Who fixed or answered a discrepancy report, and when."""
    office_id = await session.scalar(select(Discrepancy.office_id).where(
        Discrepancy.id == report_id))
    rows = await session.execute(
        select(AuditLog.actor_account_id, AuditLog.actor, AuditLog.at, AuditLog.new)
        .where(AuditLog.action.in_(("discrepancy.fixed", "discrepancy.answered")),
               AuditLog.entity == "office", AuditLog.entity_id == str(office_id))
        .order_by(AuditLog.id.desc()))
    for row in rows.all():
        if json.loads(row.new or "{}").get("report") == report_id:
            return Winner(await _name(session, row.actor_account_id, row.actor), row.at)
    return None


async def ticket_answer(session: AsyncSession, ticket_id: int, after_message: int
                        ) -> Winner | None:
    """Who answered the ticket after its message `after_message` (what the loser saw), and
    when: the first expert answer written since."""
    row = (await session.execute(
        select(TicketMessage.author_account_id, TicketMessage.created_at)
        .where(TicketMessage.ticket_id == ticket_id, TicketMessage.author_role == "expert",
               TicketMessage.id > after_message)
        .order_by(TicketMessage.id).limit(1))).first()
    if row is None:
        return None
    return Winner(await _name(session, row.author_account_id, "?"), row.created_at)


async def last_audited(session: AsyncSession, entity: str, entity_id: object,
                       actions: tuple[str, ...]) -> Winner | None:
    """Who last did one of `actions` to the entity (a period edited, extended or cancelled, a
    declaration reopened), and when."""
    row = (await session.execute(
        select(AuditLog.actor_account_id, AuditLog.actor, AuditLog.at)
        .where(AuditLog.action.in_(actions), AuditLog.entity == entity,
               AuditLog.entity_id == str(entity_id))
        .order_by(AuditLog.id.desc()).limit(1))).first()
    if row is None:
        return None
    return Winner(await _name(session, row.actor_account_id, row.actor), row.at)


async def period_cancel(session: AsyncSession, code: str) -> Winner | None:
    """Who cancelled the period `code` (gone now; its audit row keeps the code), and when."""
    rows = await session.execute(
        select(AuditLog.actor_account_id, AuditLog.actor, AuditLog.at, AuditLog.old)
        .where(AuditLog.action == "period.cancel", AuditLog.entity == "period")
        .order_by(AuditLog.id.desc()))
    for row in rows.all():
        if json.loads(row.old or "{}").get("code") == code:
            return Winner(await _name(session, row.actor_account_id, row.actor), row.at)
    return None


async def publication(session: AsyncSession, period_id: int) -> Winner | None:
    """Who published the period's results, and when (the loser of two at once is told)."""
    row = (await session.execute(
        select(AuditLog.actor_account_id, AuditLog.actor, AuditLog.at)
        .where(AuditLog.action == "results.publish", AuditLog.entity == "period",
               AuditLog.entity_id == str(period_id))
        .order_by(AuditLog.id).limit(1))).first()
    if row is None:
        return None
    return Winner(await _name(session, row.actor_account_id, row.actor), row.at)
