"""Accounts and who they are: the actor of every update."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Integer,
    Row,
    String,
    bindparam,
    cast,
    literal,
    null,
    select,
    union_all,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import dialect_insert, run
from storage.models import Account, AccountOffice, Expert, StaffRole, UTCDateTime


@dataclass(frozen=True, slots=True)
class Role:
    role: str
    region_code: int | None
    province: str | None


@dataclass(frozen=True, slots=True)
class Actor:
    account_id: int
    platform: str
    user_id: int
    first_name: str
    locale: str
    phone: str | None
    roles: tuple[Role, ...]
    office_ids: tuple[int, ...]
    current_office_id: int | None

    def has_role(self, role: str) -> bool:
        return any(r.role == role for r in self.roles)

    def regions(self, role: str = "reviewer") -> set[int]:
        return {r.region_code for r in self.roles if r.role == role and r.region_code}

    def provinces(self) -> set[str]:
        return {r.province for r in self.roles if r.role == "association" and r.province}

    @property
    def office_id(self) -> int | None:
        """The office this account acts for now: the chosen one, or its only one."""
        if self.current_office_id in self.office_ids:
            return self.current_office_id
        return self.office_ids[0] if len(self.office_ids) == 1 else None

    @property
    def is_staff(self) -> bool:
        """Any staff role, or a linked expert of the directory."""
        return bool(self.roles)

    @property
    def is_answerer(self) -> bool:
        """Answers owners' questions: a linked expert, a region liaison or HQ."""
        return any(r.role in ("expert", "liaison", "hq") for r in self.roles)


# The two statements every update runs, built once (building a select costs more than running it
# on SQLite) on the tables rather than the mapped classes, which skips the ORM's per-statement
# work: a third of the cost.
_accounts, _roles = Account.__table__.c, StaffRole.__table__.c
_links, _experts = AccountOffice.__table__.c, Expert.__table__.c
_ACCOUNT = select(_accounts.id, _accounts.first_name, _accounts.locale, _accounts.phone,
                  _accounts.current_office_id, _accounts.unreachable_at).where(
    _accounts.platform == bindparam("platform"),
    _accounts.platform_user_id == bindparam("user_id"))
# Staff roles, "expert" for an account an expert of the directory is linked to, and the linked
# offices: one query. Typed NULLs, so PostgreSQL can match the columns of the three parts.
_ROLES_AND_OFFICES = union_all(
    select(_roles.role, _roles.region_code, _roles.province,
           cast(null(), Integer).label("office_id"), cast(null(), UTCDateTime).label("linked_at"))
    .where(_roles.account_id == bindparam("account_id")),
    select(literal("expert"), cast(null(), Integer), cast(null(), String),
           cast(null(), Integer), cast(null(), UTCDateTime))
    .where(_experts.account_id == bindparam("account_id")),
    select(cast(null(), String), cast(null(), Integer), cast(null(), String),
           _links.office_id, _links.linked_at)
    .where(_links.account_id == bindparam("account_id")))
_REACHABLE = update(Account.__table__).where(_accounts.id == bindparam("account_id")).values(
    unreachable_at=None)


async def _account_row(session: AsyncSession, platform: str, user_id: int, first_name: str,
                       default_locale: str) -> Row[Any]:
    """The account's row, created (not committed) on first contact."""
    key = {"platform": platform, "user_id": user_id}
    rows = await run(session, _ACCOUNT, key)
    if rows:
        return rows[0]
    await session.execute(dialect_insert(session)(Account).values(
        platform=platform, platform_user_id=user_id, first_name=first_name[:200],
        locale=default_locale).on_conflict_do_nothing())
    rows = await run(session, _ACCOUNT, key)
    assert rows
    return rows[0]


async def load_actor(session: AsyncSession, platform: str, user_id: int, first_name: str = "",
                     default_locale: str = "fa") -> Actor:
    """Who is writing: the account (created on first contact), its roles and offices.

    Someone who writes to the bot can be reached again (they had blocked it, or never started
    it): their unreachable mark is cleared, so reminders and notices resume. Writes, never
    commits: `services.accounts.identify` does.
    """
    account = await _account_row(session, platform, user_id, first_name, default_locale)
    if account.unreachable_at is not None:
        await run(session, _REACHABLE, {"account_id": account.id})
    rows = await run(session, _ROLES_AND_OFFICES, {"account_id": account.id})
    roles = tuple(Role(role, region, province) for role, region, province, office, _ in rows
                  if office is None)
    offices = tuple(office for *_, office, linked_at in
                    sorted((r for r in rows if r.office_id is not None),
                           key=lambda r: (r.linked_at, r.office_id)))
    return Actor(account.id, platform, user_id, account.first_name, account.locale,
                 account.phone, roles, offices, account.current_office_id)


async def set_locale(session: AsyncSession, account_id: int, locale: str) -> None:
    await session.execute(update(Account).where(Account.id == account_id).values(locale=locale))
