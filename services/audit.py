"""The audit log as a record: who changed what, when, from what to what, and why.

`audit_rows` lists it for headquarters (the command line, or an account holding `hq`) with the
filters of `storage.audit.AuditFilter`; the command line and the web console write it as CSV or
XLSX (`documents.tables`). `audit_page` reads one page of it, newest first, with the count.
Everyone with access reads it in their scope (`audit_scope`): headquarters every row, a reviewer
the rows about their regions' offices, an association those about its provinces' offices.
Nothing here, nor anywhere in the code, changes a row once written."""

from __future__ import annotations

from services.errors import Forbidden, NotFound
from services.uow import UnitOfWork
from storage import audit
from storage.accounts import Actor
from storage.audit import AuditFilter, AuditRow, Scope

__all__ = ["AuditFilter", "AuditRow", "Scope", "audit_page", "audit_rows", "audit_scope",
           "may_read_audit"]


def may_read_audit(actor: Actor | None) -> bool:
    return actor is None or actor.has_role("hq") or bool(
        actor.regions("reviewer") or actor.provinces())


def audit_scope(actor: Actor | None) -> Scope:
    """The rows the actor may read (`admin-hq-only` for anyone without access)."""
    if actor is None or actor.has_role("hq"):
        return Scope()
    regions, provinces = actor.regions("reviewer"), actor.provinces()
    if not (regions or provinces):
        raise Forbidden("admin-hq-only")
    return Scope(regions=frozenset(regions) if regions else None,
                 provinces=frozenset(provinces) if provinces else None)


async def audit_rows(uow: UnitOfWork, where: AuditFilter, actor: Actor | None = None, *,
                     newest_first: bool = False) -> list[AuditRow]:
    """The rows that match in the actor's scope, oldest first (or newest first). Refusals:
    `admin-hq-only`, `audit-no-office` (also for an office outside the scope)."""
    scope = audit_scope(actor)
    async with uow:
        if where.office is not None and await audit.office_id(
                uow.session, where.office, scope) is None:
            raise NotFound("audit-no-office", code=where.office)
        return await audit.rows(uow.session, where, scope, newest_first=newest_first)


async def audit_page(uow: UnitOfWork, where: AuditFilter, page: int, per_page: int,
                     actor: Actor | None = None) -> tuple[list[AuditRow], int]:
    """Page `page` (from 0) of the matching rows in the actor's scope, newest first, and how
    many match. Refusals as `audit_rows`."""
    scope = audit_scope(actor)
    async with uow:
        if where.office is not None and await audit.office_id(
                uow.session, where.office, scope) is None:
            raise NotFound("audit-no-office", code=where.office)
        return await audit.page(uow.session, where, page * per_page, per_page, scope)
