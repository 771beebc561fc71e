"""What the console's statistics and audit pages may show, and to whom.

The statistics page: headquarters sees the announcement's tables and chart
(`services.statistics.announcement`) and every office's result; a reviewer sees only the
per-office results of their regions (`services.statistics.office_results` scopes them). The audit
page is everyone's with access, each in their scope (`services.audit.audit_scope`: headquarters
every row, a reviewer their regions' offices, an association its provinces'). Anyone else is
`NotFound`: the console shows such pages as if they did not exist."""

from __future__ import annotations

from dataclasses import dataclass

from services import audit, statistics
from services.errors import Forbidden, NotFound
from services.uow import UnitOfWork
from storage import admin
from storage.accounts import Actor
from storage.audit import AuditFilter, AuditRow

__all__ = ["AuditPage", "StatsView", "audit_page", "audit_export", "may_see_audit",
           "may_see_stats", "stats_view"]


def may_see_stats(actor: Actor) -> bool:
    return actor.has_role("hq") or bool(actor.regions("reviewer"))


def may_see_audit(actor: Actor) -> bool:
    return audit.may_read_audit(actor)


@dataclass(frozen=True, slots=True)
class StatsView:
    periods: tuple[str, ...]  # newest first
    period: str | None  # the one shown (None: no period yet)
    announcement: statistics.Announcement | None  # None for a reviewer
    regions: frozenset[int] | None  # a reviewer's regions; None: every region


async def stats_view(uow: UnitOfWork, actor: Actor, code: str | None) -> StatsView:
    """The period chooser and, for headquarters, the announcement of `code` (default: the
    newest period). Refusals: `console-not-found` for anyone but HQ and reviewers, and for an
    unknown period."""
    if not may_see_stats(actor):
        raise NotFound("console-not-found")
    async with uow:
        codes = tuple(p.code for p in reversed(await admin.list_periods(uow.session)))
    if code and code not in codes:
        raise NotFound("console-not-found")
    chosen = code or (codes[0] if codes else None)
    hq = actor.has_role("hq")
    found = await statistics.announcement(uow, chosen, actor) if hq and chosen else None
    return StatsView(codes, chosen, found,
                     None if hq else frozenset(actor.regions("reviewer")))


async def announcement(uow: UnitOfWork, actor: Actor, code: str) -> statistics.Announcement:
    """HQ's announcement for the chart and the XLSX; anyone else `console-not-found`."""
    if not actor.has_role("hq"):
        raise NotFound("console-not-found")
    return await statistics.announcement(uow, code, actor)


async def office_results(uow: UnitOfWork, actor: Actor, code: str) -> statistics.OfficeResults:
    """The per-office results in the actor's scope; anyone else `console-not-found`."""
    try:
        return await statistics.office_results(uow, code, actor)
    except (Forbidden, NotFound):
        raise NotFound("console-not-found") from None


@dataclass(frozen=True, slots=True)
class AuditPage:
    rows: tuple[AuditRow, ...]  # newest first
    total: int
    page: int


def _may_audit(actor: Actor) -> None:
    if not may_see_audit(actor):
        raise NotFound("console-not-found")


async def audit_page(uow: UnitOfWork, actor: Actor, where: AuditFilter, page: int,
                     per_page: int) -> AuditPage:
    """One page of the matching rows in the actor's scope, newest first (a paged query).
    Refusals: `console-not-found`, `audit-no-office`."""
    _may_audit(actor)
    found, total = await audit.audit_page(uow, where, page, per_page, actor)
    return AuditPage(tuple(found), total, page)


async def audit_export(uow: UnitOfWork, actor: Actor, where: AuditFilter) -> list[AuditRow]:
    """Every matching row in the actor's scope, newest first, for a CSV or XLSX file."""
    _may_audit(actor)
    return await audit.audit_rows(uow, where, actor, newest_first=True)
