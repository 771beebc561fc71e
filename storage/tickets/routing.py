"""Who answers: the directory an owner sees, an account as an answerer, and routing a question
to the least loaded reachable person of the first level that has someone."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account, Expert, Office, Region, StaffRole, Ticket
from storage.records import ExpertRecord
from storage.tickets.records import (
    ACTIVE,
    EXPERT,
    LIAISON,
    SUPERVISOR,
    Answerer,
    Directory,
    Target,
)


async def directory(session: AsyncSession, office_id: int | None) -> Directory:
    experts = (await session.scalars(select(Expert).order_by(Expert.id))).all()
    records = tuple(ExpertRecord(e.id, e.name, e.phone, e.topic_fa, e.topic_en, e.category,
                                 e.hours, e.account_id) for e in experts)
    office = await session.get(Office, office_id) if office_id else None
    if office is None:
        return Directory(records, None, None, (), None)
    region = await session.get(Region, office.region_code)
    rows = (await session.execute(
        select(StaffRole.name, Account.first_name, Account.phone)
        .join(Account, Account.id == StaffRole.account_id)
        .where(StaffRole.role == "liaison", StaffRole.region_code == office.region_code)
        .order_by(StaffRole.id))).all()
    liaisons = tuple((name or first_name, phone) for name, first_name, phone in rows)
    return Directory(records, region.name_fa if region else None,
                     region.name_en if region else None, liaisons,
                     region.contact_phone if region else None)


async def answerer(session: AsyncSession, account_id: int) -> Answerer | None:
    """The account as an answerer (linked expert, region liaison or HQ), or None."""
    experts = (await session.execute(select(Expert.category, Expert.name)
                                     .where(Expert.account_id == account_id))).all()
    roles = (await session.execute(select(StaffRole.role, StaffRole.region_code, StaffRole.name)
                                   .where(StaffRole.account_id == account_id,
                                          StaffRole.role.in_(("liaison", "hq"))))).all()
    if not experts and not roles:
        return None
    names = [name for _, name in experts] + [name for _, _, name in roles]
    account = await session.get(Account, account_id)
    name = next((n for n in names if n), account.first_name if account else "")
    return Answerer(account_id, name, frozenset(c for c, _ in experts),
                    frozenset(r for role, r, _ in roles if role == "liaison" and r),
                    any(role == "hq" for role, _, _ in roles))


async def names_of(session: AsyncSession, account_ids: Iterable[int]) -> dict[int, str]:
    ids = set(account_ids)
    if not ids:
        return {}
    names = {a: f for a, f in (await session.execute(
        select(Account.id, Account.first_name).where(Account.id.in_(ids)))).all()}
    for a, n in (await session.execute(select(StaffRole.account_id, StaffRole.name).where(
            StaffRole.account_id.in_(ids), StaffRole.name != ""))).all():
        names[a] = n
    for a, n in (await session.execute(select(Expert.account_id, Expert.name).where(
            Expert.account_id.in_(ids)))).all():
        names[a] = n
    return names


async def candidates_at(session: AsyncSession, level: int, category: str, region_code: int
                      ) -> list[int]:
    reachable = Account.unreachable_at.is_(None)
    if level == LIAISON:
        query = (select(StaffRole.account_id).join(Account, Account.id == StaffRole.account_id)
                 .where(StaffRole.role == "liaison", StaffRole.region_code == region_code,
                        reachable))
        return list((await session.scalars(query)).all())
    if level == EXPERT:
        query = (select(Expert.account_id).join(Account, Account.id == Expert.account_id)
                 .where(Expert.category == category, reachable))
        return [a for a in (await session.scalars(query)).all() if a is not None]
    supervisors = (select(Expert.account_id).join(Account, Account.id == Expert.account_id)
                   .where(Expert.category == "supervisor", reachable))
    found = [a for a in (await session.scalars(supervisors)).all() if a is not None]
    if found:
        return found
    hq = (select(StaffRole.account_id).join(Account, Account.id == StaffRole.account_id)
          .where(StaffRole.role == "hq", reachable))
    return list((await session.scalars(hq)).all())


async def _least_loaded(session: AsyncSession, candidates: Sequence[int]) -> int:
    load = dict((await session.execute(
        select(Ticket.assignee_account_id, func.count())
        .where(Ticket.assignee_account_id.in_(candidates), Ticket.status.in_(ACTIVE))
        .group_by(Ticket.assignee_account_id))).all())
    return min(candidates, key=lambda a: (load.get(a, 0), a))


async def route(session: AsyncSession, category: str, region_code: int, from_level: int,
                exclude: Iterable[int | None] = ()) -> tuple[int, int] | None:
    """(level, account id) of the first level from `from_level` up that has someone, or None."""
    skip = {a for a in exclude if a is not None}
    for level in range(from_level, SUPERVISOR + 1):
        candidates = [a for a in await candidates_at(session, level, category, region_code)
                      if a not in skip]
        if candidates:
            return level, await _least_loaded(session, sorted(set(candidates)))
    return None


async def targets_for(session: AsyncSession, ticket: Ticket, account_id: int) -> list[Target]:
    """Whom the ticket's answerer may pass it to: the region's liaisons, the HQ experts and the
    supervisors (not themselves), the lowest level first."""
    office = await session.get(Office, ticket.office_id)
    assert office is not None
    levels: dict[int, int] = {}
    for level in (LIAISON, SUPERVISOR):
        for a in await candidates_at(session, level, ticket.category, office.region_code):
            levels.setdefault(a, level)
    for a in (await session.scalars(select(Expert.account_id).where(
            Expert.account_id.is_not(None), Expert.category != "supervisor"))).all():
        if a is not None:
            levels[a] = max(levels.get(a, EXPERT), EXPERT)
    levels.pop(account_id, None)
    names = await names_of(session, levels)
    return sorted((Target(a, names.get(a, ""), lvl) for a, lvl in levels.items()),
                  key=lambda t: (t.level, t.name))[:12]

