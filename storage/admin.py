"""Administration: staff roles, the expert directory, periods and the audit log.

Used by the `pishkhan` command line and by HQ's screens in the bot. Functions return records and
raise `AdminError` with a one-line reason a person can act on.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

from sqlalchemy import bindparam, case, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.calendar import utcnow
from storage.db import run
from storage.models import Account, AuditLog, Expert, Period, Province, Region, StaffRole
from storage.records import ExpertRecord, PeriodRecord, RegionRecord, StaffRecord

PLATFORMS = ("bale", "telegram")
ROLES = ("reviewer", "association", "hq", "liaison")


class AdminError(ValueError):
    pass


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
    if platform not in PLATFORMS:
        raise AdminError(f"unknown platform {platform!r} (bale or telegram)")
    account = await session.scalar(select(Account).where(
        Account.platform == platform, Account.platform_user_id == user_id))
    if account is None:
        account = Account(platform=platform, platform_user_id=user_id, first_name=first_name)
        session.add(account)
        await session.flush()
    return account


# --- regions ---------------------------------------------------------------------------------

async def list_regions(session: AsyncSession) -> list[RegionRecord]:
    rows = (await session.scalars(select(Region).order_by(Region.code))).all()
    return [RegionRecord(r.code, r.name_fa, r.name_en, r.seat, r.contact_phone) for r in rows]


# --- staff -----------------------------------------------------------------------------------

async def add_staff(session: AsyncSession, *, platform: str, user_id: int, role: str,
                    region: int | None = None, province: str | None = None, name: str = "",
                    actor: str = "cli") -> StaffRecord:
    if role not in ROLES:
        raise AdminError(f"unknown role {role!r} ({', '.join(ROLES)})")
    if role in ("reviewer", "liaison"):
        if region is None:
            raise AdminError(f"a {role} is bound to a region: give --region")
        if await session.get(Region, region) is None:
            raise AdminError(f"unknown region {region}")
        province = None
    elif role == "association":
        if not province:
            raise AdminError("an association member is bound to a province: give --province")
        if await session.get(Province, province) is None:
            raise AdminError(f"unknown province {province!r}")
        region = None
    else:
        region = province = None
    account = await get_or_create_account(session, platform, user_id)
    existing = await session.scalar(select(StaffRole).where(
        StaffRole.account_id == account.id, StaffRole.role == role,
        StaffRole.region_code.is_(None) if region is None else StaffRole.region_code == region,
        StaffRole.province.is_(None) if province is None else StaffRole.province == province))
    if existing is not None:
        raise AdminError(f"{platform}:{user_id} already has that role")
    staff = StaffRole(account_id=account.id, role=role, region_code=region, province=province,
                      name=name)
    session.add(staff)
    await session.flush()
    await audit(session, actor=actor, action="staff.add", entity="staff", entity_id=staff.id,
                new={"platform": platform, "user_id": user_id, "role": role, "region": region,
                     "province": province, "name": name})
    await session.commit()
    return _staff_record(staff, account)


def _staff_record(staff: StaffRole, account: Account) -> StaffRecord:
    return StaffRecord(staff.id, account.id, account.platform, account.platform_user_id,
                       staff.role, staff.region_code, staff.province, staff.name)


async def list_staff(session: AsyncSession) -> list[StaffRecord]:
    rows = (await session.execute(
        select(StaffRole, Account).join(Account, Account.id == StaffRole.account_id)
        .order_by(StaffRole.role, StaffRole.region_code, StaffRole.id))).all()
    return [_staff_record(staff, account) for staff, account in rows]


async def remove_staff(session: AsyncSession, staff_id: int, actor: str = "cli") -> None:
    staff = await session.get(StaffRole, staff_id)
    if staff is None:
        raise AdminError(f"no staff role with id {staff_id}")
    await audit(session, actor=actor, action="staff.remove", entity="staff", entity_id=staff_id,
                old={"account_id": staff.account_id, "role": staff.role,
                     "region": staff.region_code, "province": staff.province})
    await session.execute(delete(StaffRole).where(StaffRole.id == staff_id))
    await session.commit()


# --- experts ---------------------------------------------------------------------------------

EXPERT_CATEGORIES = ("declaration", "evidence", "scoring", "technical", "discrepancy",
                     "supervisor")


async def list_experts(session: AsyncSession) -> list[ExpertRecord]:
    rows = (await session.scalars(select(Expert).order_by(Expert.id))).all()
    return [ExpertRecord(e.id, e.name, e.phone, e.topic_fa, e.topic_en, e.category, e.hours,
                         e.account_id) for e in rows]


async def import_experts(session: AsyncSession, path: Path, actor: str = "cli") -> int:
    """Replace the directory with a CSV: name, phone, category, topic_fa, topic_en, hours."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise AdminError(f"cannot read {path}: {exc}") from exc
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows:
        raise AdminError(f"{path.name}: no rows")
    experts = []
    for number, row in enumerate(rows, start=2):
        name, phone = (row.get("name") or "").strip(), (row.get("phone") or "").strip()
        category = (row.get("category") or "declaration").strip()
        if not name or not phone:
            raise AdminError(f"row {number}: name and phone are required")
        if category not in EXPERT_CATEGORIES:
            raise AdminError(f"row {number}: unknown category {category!r}")
        experts.append(Expert(name=name, phone=phone, category=category,
                              topic_fa=(row.get("topic_fa") or "").strip(),
                              topic_en=(row.get("topic_en") or "").strip(),
                              hours=(row.get("hours") or "").strip()))
    old = [e.name for e in await list_experts(session)]
    await session.execute(delete(Expert))
    session.add_all(experts)
    await audit(session, actor=actor, action="experts.import", entity="experts", entity_id="*",
                old=old, new=[e.name for e in experts])
    await session.commit()
    return len(experts)


# --- periods ---------------------------------------------------------------------------------

def period_record(p: Period) -> PeriodRecord:
    return PeriodRecord(p.id, p.code, p.opens_at, p.closes_at, p.review_opens_at,
                        p.review_closes_at, p.liaison_deadline, p.rubric_code, p.rubric_text,
                        p.closed_at, p.published_at)


async def create_period(session: AsyncSession, *, code: str, opens_at: datetime,
                        closes_at: datetime, review_opens_at: datetime,
                        review_closes_at: datetime, rubric_code: str, rubric_text: str,
                        liaison_deadline: datetime | None = None,
                        actor: str = "cli") -> PeriodRecord:
    if await session.scalar(select(Period).where(Period.code == code)) is not None:
        raise AdminError(f"a period with code {code!r} exists already")
    if review_closes_at < review_opens_at:
        raise AdminError("the review window closes before it opens")
    if review_opens_at < opens_at:
        raise AdminError("the review window cannot open before the owners' window")
    period = Period(code=code, opens_at=opens_at, closes_at=closes_at,
                    review_opens_at=review_opens_at, review_closes_at=review_closes_at,
                    liaison_deadline=liaison_deadline, rubric_code=rubric_code,
                    rubric_text=rubric_text)
    session.add(period)
    await session.flush()
    await audit(session, actor=actor, action="period.create", entity="period",
                entity_id=period.id, new={"code": code, "opens_at": opens_at,
                                          "closes_at": closes_at, "rubric": rubric_code})
    await session.commit()
    return period_record(period)


async def list_periods(session: AsyncSession) -> list[PeriodRecord]:
    rows = (await session.scalars(select(Period).order_by(Period.opens_at))).all()
    return [period_record(p) for p in rows]


async def get_period(session: AsyncSession, code: str) -> PeriodRecord:
    period = await session.scalar(select(Period).where(Period.code == code))
    if period is None:
        raise AdminError(f"no period with code {code!r}")
    return period_record(period)


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
