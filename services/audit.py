"""The audit log as a record: who changed what, when, from what to what, and why.

`audit_rows` lists it for headquarters (the command line, or an account holding `hq`) with the
filters of `storage.audit.AuditFilter`; the command line and the web console write it as CSV or
XLSX (`documents.tables`). Nothing here, nor anywhere in the code, changes a row once written."""

from __future__ import annotations

from services.errors import NotFound
from services.staff import require_hq
from services.uow import UnitOfWork
from storage import audit
from storage.accounts import Actor
from storage.audit import AuditFilter, AuditRow

__all__ = ["AuditFilter", "AuditRow", "audit_rows"]


async def audit_rows(uow: UnitOfWork, where: AuditFilter, actor: Actor | None = None
                     ) -> list[AuditRow]:
    """The rows that match, oldest first. Refusals: `admin-hq-only`, `audit-no-office`."""
    require_hq(actor)
    async with uow:
        if where.office is not None and await audit.office_id(uow.session, where.office) is None:
            raise NotFound("audit-no-office", code=where.office)
        return await audit.rows(uow.session, where)
