"""The audit log, read: rows filtered by office, person, action and dates, oldest first.

Writing is `storage.admin.audit` (one INSERT in the caller's transaction). There is no update or
delete here nor anywhere else, and the database refuses both (migration `0010_audit`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, and_, cast, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditLog, Declaration, Office, Ticket


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    at: datetime
    actor: str
    actor_account_id: int | None
    action: str
    entity: str
    entity_id: str
    old: str | None
    new: str | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """What to list. `office`: an office code (its own rows, its declarations' and its
    tickets'); `person`: an actor label (`bale:123`, `cli`, `system`) or an account id;
    `action`: an action or its family (`period` matches `period.create`…); `since`/`until`:
    [since, until)."""

    office: str | None = None
    person: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int | None = None


async def office_id(session: AsyncSession, code: str) -> int | None:
    return await session.scalar(select(Office.id).where(Office.code == code))


async def rows(session: AsyncSession, where: AuditFilter) -> list[AuditRow]:
    query = select(AuditLog)
    if where.office is not None:
        oid = await office_id(session, where.office)
        if oid is None:
            return []
        declarations = select(cast(Declaration.id, String)).where(Declaration.office_id == oid)
        tickets = select(cast(Ticket.id, String)).where(Ticket.office_id == oid)
        query = query.where(or_(
            and_(AuditLog.entity == "office", AuditLog.entity_id == str(oid)),
            and_(AuditLog.entity == "declaration", AuditLog.entity_id.in_(declarations)),
            and_(AuditLog.entity == "ticket", AuditLog.entity_id.in_(tickets))))
    if where.person is not None:
        person = where.person.strip()
        query = query.where(AuditLog.actor_account_id == int(person) if person.isdigit()
                            else AuditLog.actor == person)
    if where.action is not None:
        query = query.where(or_(AuditLog.action == where.action,
                                AuditLog.action.startswith(where.action.rstrip(".") + ".",
                                                           autoescape=True)))
    if where.since is not None:
        query = query.where(AuditLog.at >= where.since)
    if where.until is not None:
        query = query.where(AuditLog.at < where.until)
    query = query.order_by(AuditLog.at, AuditLog.id)
    if where.limit is not None:
        query = query.limit(where.limit)
    return [AuditRow(r.id, r.at, r.actor, r.actor_account_id, r.action, r.entity, r.entity_id,
                     r.old, r.new, r.reason)
            for r in (await session.scalars(query)).all()]
