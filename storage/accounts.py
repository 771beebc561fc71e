"""Accounts and who they are: the actor of every update."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import literal, null, select, union_all
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account, AccountOffice, Expert, StaffRole


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


async def ensure_account(session: AsyncSession, platform: str, user_id: int, first_name: str,
                         default_locale: str) -> Account:
    account = await session.scalar(select(Account).where(
        Account.platform == platform, Account.platform_user_id == user_id))
    if account is not None:
        return account
    if session.bind is not None and session.bind.dialect.name == "sqlite":
        statement = sqlite_insert(Account).values(
            platform=platform, platform_user_id=user_id, first_name=first_name[:200],
            locale=default_locale).on_conflict_do_nothing()
        await session.execute(statement)
    else:
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        await session.execute(pg_insert(Account).values(
            platform=platform, platform_user_id=user_id, first_name=first_name[:200],
            locale=default_locale).on_conflict_do_nothing())
    await session.commit()
    account = await session.scalar(select(Account).where(
        Account.platform == platform, Account.platform_user_id == user_id))
    assert account is not None
    return account


async def load_actor(session: AsyncSession, platform: str, user_id: int, first_name: str = "",
                     default_locale: str = "fa") -> Actor:
    account = await ensure_account(session, platform, user_id, first_name, default_locale)
    if account.unreachable_at is not None:
        # They wrote to the bot, so it can reach them again (they had blocked it, or never
        # started it): reminders and notices resume.
        account.unreachable_at = None
        await session.commit()
    # Staff roles, and "expert" for an account an expert of the directory is linked to: one query.
    roles = (await session.execute(union_all(
        select(StaffRole.role, StaffRole.region_code, StaffRole.province)
        .where(StaffRole.account_id == account.id),
        select(literal("expert"), null(), null()).select_from(Expert)
        .where(Expert.account_id == account.id)))).all()
    offices = (await session.scalars(select(AccountOffice.office_id)
                                     .where(AccountOffice.account_id == account.id)
                                     .order_by(AccountOffice.linked_at))).all()
    return Actor(account.id, platform, user_id, account.first_name, account.locale,
                 account.phone, tuple(Role(*r) for r in roles), tuple(offices),
                 account.current_office_id)
