"""The audit log, read: rows filtered by office, person, action and dates, oldest first
(`rows`), or one page of them newest first with the count (`page`), optionally limited to the
rows about the offices of some regions or provinces (`Scope`).

Writing is `storage.admin.audit` (one INSERT in the caller's transaction). There is no update or
delete here nor anywhere else, and the database refuses both (migration `0010_audit`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, cast, func, or_, select
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


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose rows: those about the offices of `regions` or of `provinces` (either; an office's
    own rows, its declarations' and its tickets'). Neither given: every row."""

    regions: frozenset[int] | None = None
    provinces: frozenset[str] | None = None

    @property
    def everything(self) -> bool:
        return self.regions is None and self.provinces is None


def _offices(scope: Scope) -> Any:
    """The ids of the offices in the scope (a subquery)."""
    either = []
    if scope.regions is not None:
        either.append(Office.region_code.in_(scope.regions))
    if scope.provinces is not None:
        either.append(Office.province.in_(scope.provinces))
    return select(Office.id).where(or_(*either))


async def office_id(session: AsyncSession, code: str, scope: Scope = Scope()) -> int | None:
    query = select(Office.id).where(Office.code == code)
    if not scope.everything:
        query = query.where(Office.id.in_(_offices(scope)))
    return await session.scalar(query)


def _about(offices: Any) -> Any:
    """Rows about the offices `offices` (a subquery of office ids, or one id)."""
    declarations = select(cast(Declaration.id, String)).where(Declaration.office_id.in_(offices))
    tickets = select(cast(Ticket.id, String)).where(Ticket.office_id.in_(offices))
    return or_(
        and_(AuditLog.entity == "office",
             AuditLog.entity_id.in_(select(cast(Office.id, String)).where(
                 Office.id.in_(offices)))),
        and_(AuditLog.entity == "declaration", AuditLog.entity_id.in_(declarations)),
        and_(AuditLog.entity == "ticket", AuditLog.entity_id.in_(tickets)))


def _where(query: Any, where: AuditFilter, oid: int | None, scope: Scope) -> Any:
    if oid is not None:
        query = query.where(_about([oid]))
    elif not scope.everything:
        query = query.where(_about(_offices(scope)))
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
    return query


def _row(r: AuditLog) -> AuditRow:
    return AuditRow(r.id, r.at, r.actor, r.actor_account_id, r.action, r.entity, r.entity_id,
                    r.old, r.new, r.reason)


async def rows(session: AsyncSession, where: AuditFilter, scope: Scope = Scope(),
               *, newest_first: bool = False) -> list[AuditRow]:
    """Every matching row in the scope, oldest first (or newest first)."""
    oid = None
    if where.office is not None:
        oid = await office_id(session, where.office, scope)
        if oid is None:
            return []
    query = _where(select(AuditLog), where, oid, scope)
    order = (AuditLog.at.desc(), AuditLog.id.desc()) if newest_first else (AuditLog.at,
                                                                            AuditLog.id)
    query = query.order_by(*order)
    if where.limit is not None:
        query = query.limit(where.limit)
    return [_row(r) for r in (await session.scalars(query)).all()]


async def page(session: AsyncSession, where: AuditFilter, offset: int, limit: int,
               scope: Scope = Scope()) -> tuple[list[AuditRow], int]:
    """Rows `offset` to `offset + limit` of the matching rows in the scope, newest first, and
    how many match in all (two statements; only the page's rows are read)."""
    oid = None
    if where.office is not None:
        oid = await office_id(session, where.office, scope)
        if oid is None:
            return [], 0
    total = await session.scalar(_where(select(func.count(AuditLog.id)), where, oid, scope))
    query = _where(select(AuditLog), where, oid, scope).order_by(
        AuditLog.at.desc(), AuditLog.id.desc()).offset(offset).limit(limit)
    return [_row(r) for r in (await session.scalars(query)).all()], int(total or 0)
