"""Administration's rows: accounts by platform id, staff roles, the expert directory, periods,
and the audit log.

Repository functions: they read and write, never commit (`services.staff`, `services.periods`
and the other use cases do). `audit` and `current_period` serve every feature.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.calendar import utcnow
from scoring.text import normalize_persian
from storage.db import dialect_insert, run
from storage.models import Account, AuditLog, Expert, Period, Province, Region, StaffRole
from storage.records import ExpertRecord, PeriodRecord, RegionRecord, StaffRecord

PLATFORMS = ("bale", "telegram")
ROLES = ("reviewer", "association", "hq", "liaison")


class AdminError(ValueError):
    """A refusal of administration's input. `code` names the catalog message that says it and
    `params` are its variables; `str()` is the same in English, for callers that show it."""

    def __init__(self, message: str, code: str = "admin-error", /, **params: Any) -> None:
        super().__init__(message)
        self.code = code
        self.params: dict[str, Any] = params or {"reason": message}


async def audit(session: AsyncSession, *, actor: str, action: str, entity: str,
                entity_id: object, old: object = None, new: object = None,
                reason: str | None = None, actor_account_id: int | None = None) -> None:
    """One audit row, in the caller's transaction: who, when, old → new, why."""

    def dump(value: object) -> str | None:
        if value is None or isinstance(value, str):
            return value
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)

    # A plain INSERT, not an ORM object: the unit of work costs more than the row.
    await run(session, _AUDIT, {
        "at": utcnow(), "actor": actor, "actor_account_id": actor_account_id, "action": action,
        "entity": entity, "entity_id": str(entity_id), "old": dump(old), "new": dump(new),
        "reason": reason})


_AUDIT = insert(AuditLog.__table__).values({column: bindparam(column) for column in (
    "at", "actor", "actor_account_id", "action", "entity", "entity_id", "old", "new", "reason")})


# --- accounts --------------------------------------------------------------------------------

async def get_or_create_account(session: AsyncSession, platform: str, user_id: int,
                                first_name: str = "") -> Account:
    """The account of a platform user, created if new: one INSERT … ON CONFLICT DO NOTHING, so
    two transactions creating it at once both get the one row."""
    if platform not in PLATFORMS:
        raise AdminError(f"unknown platform {platform!r} (bale or telegram)",
                         "admin-unknown-platform", platform=platform)
    await session.execute(
        dialect_insert(session)(Account).values(platform=platform, platform_user_id=user_id,
                                                first_name=first_name)
        .on_conflict_do_nothing(index_elements=["platform", "platform_user_id"]))
    account = await session.scalar(select(Account).where(
        Account.platform == platform, Account.platform_user_id == user_id))
    assert account is not None
    return account


# --- regions ---------------------------------------------------------------------------------

async def list_regions(session: AsyncSession) -> list[RegionRecord]:
    rows = (await session.scalars(select(Region).order_by(Region.code))).all()
    return [RegionRecord(r.code, r.name_fa, r.name_en, r.seat, r.contact_phone) for r in rows]


async def region_exists(session: AsyncSession, code: int) -> bool:
    return await session.get(Region, code) is not None


async def province_named(session: AsyncSession, name: str) -> str | None:
    """The registered province a name means, however it is spelled (ی/ي, a mark more or
    less); None when there is none."""
    key = normalize_persian(name).lower()
    names = (await session.scalars(select(Province.name))).all()
    return next((n for n in names if normalize_persian(n).lower() == key), None)


# --- staff -----------------------------------------------------------------------------------

def _staff_record(staff: StaffRole, account: Account) -> StaffRecord:
    return StaffRecord(staff.id, account.id, account.platform, account.platform_user_id,
                       staff.role, staff.region_code, staff.province, staff.name)


async def has_staff_role(session: AsyncSession, account_id: int, role: str,
                         region: int | None, province: str | None) -> bool:
    return await session.scalar(select(StaffRole.id).where(
        StaffRole.account_id == account_id, StaffRole.role == role,
        StaffRole.region_code.is_(None) if region is None else StaffRole.region_code == region,
        StaffRole.province.is_(None) if province is None else StaffRole.province == province)
        .limit(1)) is not None


async def add_staff_role(session: AsyncSession, account: Account, *, role: str,
                         region: int | None, province: str | None, name: str) -> StaffRecord:
    staff = StaffRole(account_id=account.id, role=role, region_code=region, province=province,
                      name=name)
    session.add(staff)
    await session.flush()
    return _staff_record(staff, account)


async def list_staff(session: AsyncSession) -> list[StaffRecord]:
    rows = (await session.execute(
        select(StaffRole, Account).join(Account, Account.id == StaffRole.account_id)
        .order_by(StaffRole.role, StaffRole.region_code, StaffRole.id))).all()
    return [_staff_record(staff, account) for staff, account in rows]


async def delete_staff_role(session: AsyncSession, staff_id: int) -> dict[str, Any] | None:
    """Delete the role: one DELETE … RETURNING, so of two removals at once one deletes and the
    other gets None. What was deleted (account, role, region, province), or None."""
    row = (await session.execute(
        delete(StaffRole).where(StaffRole.id == staff_id).returning(
            StaffRole.account_id, StaffRole.role, StaffRole.region_code, StaffRole.province)
    )).first()
    if row is None:
        return None
    return {"account_id": row.account_id, "role": row.role, "region": row.region_code,
            "province": row.province}


# --- experts ---------------------------------------------------------------------------------

EXPERT_CATEGORIES = ("declaration", "evidence", "scoring", "technical", "discrepancy",
                     "supervisor")


async def list_experts(session: AsyncSession) -> list[ExpertRecord]:
    rows = (await session.scalars(select(Expert).order_by(Expert.id))).all()
    return [ExpertRecord(e.id, e.name, e.phone, e.topic_fa, e.topic_en, e.category, e.hours,
                         e.account_id) for e in rows]


# --- periods ---------------------------------------------------------------------------------

def period_record(p: Period) -> PeriodRecord:
    return PeriodRecord(p.id, p.code, p.opens_at, p.closes_at, p.review_opens_at,
                        p.review_closes_at, p.liaison_deadline, p.rubric_code, p.rubric_text,
                        p.closed_at, p.published_at)


async def add_period(session: AsyncSession, *, code: str, opens_at: datetime,
                     closes_at: datetime, review_opens_at: datetime,
                     review_closes_at: datetime, rubric_code: str, rubric_text: str,
                     liaison_deadline: datetime | None = None) -> PeriodRecord:
    period = Period(code=code, opens_at=opens_at, closes_at=closes_at,
                    review_opens_at=review_opens_at, review_closes_at=review_closes_at,
                    liaison_deadline=liaison_deadline, rubric_code=rubric_code,
                    rubric_text=rubric_text)
    session.add(period)
    await session.flush()
    return period_record(period)


async def list_periods(session: AsyncSession) -> list[PeriodRecord]:
    rows = (await session.scalars(select(Period).order_by(Period.opens_at))).all()
    return [period_record(p) for p in rows]


async def find_period(session: AsyncSession, code: str) -> PeriodRecord | None:
    period = await session.scalar(select(Period).where(Period.code == code))
    return period_record(period) if period is not None else None


async def get_period(session: AsyncSession, code: str) -> PeriodRecord:
    period = await find_period(session, code)
    if period is None:
        raise AdminError(f"no period with code {code!r}", "admin-no-period", code=code)
    return period


_periods = Period.__table__.c
_CURRENT_PERIOD = (
    select(_periods.id, _periods.code, _periods.opens_at, _periods.closes_at,
           _periods.review_opens_at, _periods.review_closes_at, _periods.liaison_deadline,
           _periods.rubric_code, _periods.rubric_text, _periods.closed_at, _periods.published_at)
    # The one row, chosen among the periods that have opened without reading their rubrics'
    # texts (a period carries its rubric's text; the years of them add up).
    .where(_periods.id == select(_periods.id).where(_periods.opens_at <= bindparam("now"))
           .order_by(case((_periods.closes_at > bindparam("now"), 0), else_=1),
                     _periods.opens_at.desc()).limit(1).scalar_subquery()))


async def current_period(session: AsyncSession, now: datetime) -> PeriodRecord | None:
    """The period whose owners' window is open now, else the latest that has opened."""
    rows = await run(session, _CURRENT_PERIOD, {"now": now})
    return PeriodRecord(*rows[0]) if rows else None


# --- staff invites ---------------------------------------------------------------------------

async def add_invite(session: AsyncSession, *, code: str, role: str, region: int | None,
                     province: str | None, name: str, expires_at: datetime, by: str) -> int:
    from storage.models_staff import StaffInvite

    invite = StaffInvite(code=code, role=role, region_code=region, province=province,
                         name=name, expires_at=expires_at, created_by=by)
    session.add(invite)
    await session.flush()
    return invite.id


@dataclass(frozen=True, slots=True)
class Invite:
    id: int
    role: str
    region: int | None
    province: str | None
    name: str


async def take_invite(session: AsyncSession, code: str, account_id: int, now: datetime
                      ) -> Invite | None:
    """Mark the invite used by this account, only if it is still unused and unexpired (one
    conditional UPDATE: of several people redeeming it at once exactly one wins). The role it
    gives (role, region, province, name), or None."""
    from sqlalchemy import update

    from storage.models_staff import StaffInvite

    row = (await session.execute(
        update(StaffInvite).where(StaffInvite.code == code, StaffInvite.used_at.is_(None),
                                  StaffInvite.expires_at > now)
        .values(used_at=now, used_by=account_id)
        .returning(StaffInvite.id, StaffInvite.role, StaffInvite.region_code,
                   StaffInvite.province, StaffInvite.name))).first()
    return Invite(*row) if row is not None else None


async def invite_state(session: AsyncSession, code: str, now: datetime) -> str | None:
    """Why an invite cannot be redeemed (`used`, `expired`); None when there is no such invite
    (or it can be)."""
    from storage.models_staff import StaffInvite

    row = await session.scalar(select(StaffInvite).where(StaffInvite.code == code))
    if row is None:
        return None
    if row.used_at is not None:
        return "used"
    return "expired" if row.expires_at <= now else None
