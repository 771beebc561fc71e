"""Staff roles, and what HQ keeps for the experts' side: the expert directory, the frequent
questions and the official holidays.

Each use case takes the actor who asks: `None` is the command line (an operator on the server);
an account must hold the `hq` role. Every change writes its audit row in its transaction.
Adding a role someone has already, removing one that is gone, a holiday twice: of two such
requests at once, one changes and the other is told (`admin-staff-exists`, `admin-no-staff`…).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from services.errors import Conflict, Forbidden, Invalid, NotFound
from services.uow import UnitOfWork
from storage import admin, directory
from storage.accounts import Actor
from storage.admin import PLATFORMS, ROLES, AdminError, audit
from storage.directory import FaqEntry
from storage.exclusive import serialize
from storage.records import ExpertRecord, StaffRecord

__all__ = ["FaqEntry", "HolidayChange", "add_holiday", "add_staff", "import_experts",
           "import_faq", "list_experts", "list_faqs", "list_holidays", "list_staff",
           "remove_holiday", "remove_staff"]


@dataclass(frozen=True, slots=True)
class HolidayChange:
    day: date
    changed: bool  # False: the day was there already with that name


def label(actor: Actor | None) -> str:
    """Who the audit log names: an account as `platform:id`, the command line as `cli`."""
    return "cli" if actor is None else f"{actor.platform}:{actor.user_id}"


def require_hq(actor: Actor | None) -> None:
    if actor is not None and not actor.has_role("hq"):
        raise Forbidden("admin-hq-only")


def _refused(error: AdminError) -> Invalid:
    return Invalid(error.code, **error.params)


async def _write_audit(uow: UnitOfWork, actor: Actor | None, *, action: str, entity: str,
                       entity_id: object, old: object = None, new: object = None) -> None:
    await audit(uow.session, actor=label(actor),
                actor_account_id=actor.account_id if actor else None, action=action,
                entity=entity, entity_id=entity_id, old=old, new=new)


# --- staff roles -----------------------------------------------------------------------------

async def add_staff(uow: UnitOfWork, *, platform: str, user_id: int, role: str,
                    region: int | None = None, province: str | None = None, name: str = "",
                    actor: Actor | None = None) -> StaffRecord:
    """Give a platform account a role: a reviewer or liaison of a region, an association member
    of a province, or HQ. Refusals: `admin-unknown-role`, `admin-needs-region`,
    `admin-unknown-region`, `admin-needs-province`, `admin-unknown-province`,
    `admin-unknown-platform`, and `admin-staff-exists` (also for the second of two at once)."""
    require_hq(actor)
    if role not in ROLES:
        raise Invalid("admin-unknown-role", role=role, roles=", ".join(ROLES))
    async with uow:
        if role in ("reviewer", "liaison"):
            if region is None:
                raise Invalid("admin-needs-region", role=role)
            if not await admin.region_exists(uow.session, region):
                raise Invalid("admin-unknown-region", region=str(region))
            province = None
        elif role == "association":
            if not province:
                raise Invalid("admin-needs-province")
            registered = await admin.province_named(uow.session, province)
            if registered is None:
                raise Invalid("admin-unknown-province", province=province)
            province, region = registered, None
        else:
            region = province = None
        if platform not in PLATFORMS:
            raise Invalid("admin-unknown-platform", platform=platform)
        await serialize(uow.session, f"staff:{platform}:{user_id}")
        account = await admin.get_or_create_account(uow.session, platform, user_id)
        if await admin.has_staff_role(uow.session, account.id, role, region, province):
            raise Conflict("admin-staff-exists", platform=platform, user=str(user_id))
        record = await admin.add_staff_role(uow.session, account, role=role, region=region,
                                            province=province, name=name)
        await _write_audit(uow, actor, action="staff.add", entity="staff",
                           entity_id=record.id,
                           new={"platform": platform, "user_id": user_id, "role": role,
                                "region": region, "province": province, "name": name})
        await uow.commit()
    return record


async def list_staff(uow: UnitOfWork, actor: Actor | None = None) -> list[StaffRecord]:
    require_hq(actor)
    async with uow:
        return await admin.list_staff(uow.session)


async def remove_staff(uow: UnitOfWork, staff_id: int, actor: Actor | None = None) -> None:
    """Take a role away. Refused with `admin-no-staff` when there is no such role (any more)."""
    require_hq(actor)
    async with uow:
        old = await admin.delete_staff_role(uow.session, staff_id)
        if old is None:
            raise NotFound("admin-no-staff", id=str(staff_id))
        await _write_audit(uow, actor, action="staff.remove", entity="staff",
                           entity_id=staff_id, old=old)
        await uow.commit()


# --- the expert directory and the frequent questions -----------------------------------------

async def list_experts(uow: UnitOfWork) -> list[ExpertRecord]:
    async with uow:
        return await admin.list_experts(uow.session)


async def import_experts(uow: UnitOfWork, path: Path, actor: Actor | None = None) -> int:
    """Replace the directory with a CSV (name, phone, category, topic_fa, topic_en, hours);
    a bad row writes nothing. How many experts the directory holds now."""
    require_hq(actor)
    try:
        experts = directory.read_experts(path)
    except AdminError as error:
        raise _refused(error) from error
    async with uow:
        await serialize(uow.session, "experts")
        old = [e.name for e in await admin.list_experts(uow.session)]
        await directory.replace_experts(uow.session, experts)
        await _write_audit(uow, actor, action="experts.import", entity="experts",
                           entity_id="*", old=old, new=[e["name"] for e in experts])
        await uow.commit()
    return len(experts)


async def list_faqs(uow: UnitOfWork) -> list[FaqEntry]:
    async with uow:
        return await directory.list_faqs(uow.session)


async def import_faq(uow: UnitOfWork, path: Path, actor: Actor | None = None) -> int:
    """Replace the frequent questions with a CSV (category, question_fa, answer_fa,
    question_en, answer_en); a bad row writes nothing. How many the list holds now."""
    require_hq(actor)
    try:
        items = directory.read_faq(path)
    except AdminError as error:
        raise _refused(error) from error
    async with uow:
        await serialize(uow.session, "faq")
        await directory.replace_faq(uow.session, items)
        await _write_audit(uow, actor, action="faq.import", entity="faq", entity_id="*",
                           new={"count": len(items), "file": path.name})
        await uow.commit()
    return len(items)


# --- holidays --------------------------------------------------------------------------------

async def list_holidays(uow: UnitOfWork) -> list[tuple[date, str]]:
    async with uow:
        return await directory.list_holidays(uow.session)


async def add_holiday(uow: UnitOfWork, day: date, name: str = "", actor: Actor | None = None
                      ) -> HolidayChange:
    """Add an official holiday (or rename one). Adding it again changes nothing."""
    require_hq(actor)
    async with uow:
        await serialize(uow.session, "holidays")
        old = await directory.put_holiday(uow.session, day, name)
        if old is not None and (not name or old == name):
            return HolidayChange(day, changed=False)
        await _write_audit(uow, actor, action="holiday.add", entity="holiday",
                           entity_id=day.isoformat(), old=None if old is None else {"name": old},
                           new={"name": name})
        await uow.commit()
    return HolidayChange(day, changed=True)


async def remove_holiday(uow: UnitOfWork, day: date, actor: Actor | None = None) -> None:
    """Refused with `admin-no-holiday` when the day is not in the list (any more)."""
    require_hq(actor)
    async with uow:
        if not await directory.delete_holiday(uow.session, day):
            raise NotFound("admin-no-holiday", day=day.isoformat())
        await _write_audit(uow, actor, action="holiday.remove", entity="holiday",
                           entity_id=day.isoformat())
        await uow.commit()
