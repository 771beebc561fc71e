"""Linking an account to offices: by the owner's own verified number, or by a one-time code."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.text import to_ascii_digits
from storage.admin import AdminError, audit
from storage.models import Account, AccountOffice, LinkAttempt, LinkCode, Office

# No 0/O, 1/I/L: a code is read off paper or a phone call and typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_DAYS = 7
WRONG_CODES_PER_HOUR = 5


async def offices_for_phone(session: AsyncSession, phone: str) -> list[Office]:
    return list((await session.scalars(
        select(Office).where(Office.holder_phone == phone).order_by(Office.code))).all())


async def link(session: AsyncSession, account_id: int, office_ids: list[int], via: str,
               actor: str) -> None:
    """Link offices to the account (idempotent); the first becomes current if none is."""
    existing = set((await session.scalars(select(AccountOffice.office_id).where(
        AccountOffice.account_id == account_id))).all())
    for office_id in office_ids:
        if office_id not in existing:
            session.add(AccountOffice(account_id=account_id, office_id=office_id, via=via))
            await audit(session, actor=actor, action="account.link", entity="account",
                        entity_id=account_id, new={"office_id": office_id, "via": via})
    account = await session.get(Account, account_id)
    assert account is not None
    if account.current_office_id not in (*existing, *office_ids):
        account.current_office_id = office_ids[0] if len(office_ids) == 1 else None


async def set_phone(session: AsyncSession, account_id: int, phone: str) -> None:
    account = await session.get(Account, account_id)
    assert account is not None
    account.phone = phone


async def choose_office(session: AsyncSession, account_id: int, office_id: int) -> bool:
    """Make a linked office the current one; False when it is not linked to this account."""
    linked = await session.scalar(select(AccountOffice.office_id).where(
        AccountOffice.account_id == account_id, AccountOffice.office_id == office_id))
    if linked is None:
        return False
    account = await session.get(Account, account_id)
    assert account is not None
    account.current_office_id = office_id
    return True


async def issue_code(session: AsyncSession, office_code: str, now: datetime,
                     actor: str = "cli") -> tuple[str, datetime, Office]:
    office = await session.scalar(select(Office).where(Office.code == office_code.strip()))
    if office is None:
        raise AdminError(f"no office with code {office_code!r}")
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    expires = now + timedelta(days=CODE_DAYS)
    session.add(LinkCode(code=code, office_id=office.id, expires_at=expires))
    await audit(session, actor=actor, action="linkcode.issue", entity="office",
                entity_id=office.id, new={"expires_at": expires})
    await session.commit()
    return code, expires, office


def normalize_code(text: str) -> str:
    return "".join(ch for ch in to_ascii_digits(text).upper() if ch.isascii() and ch.isalnum())


async def wrong_codes_last_hour(session: AsyncSession, account_id: int, now: datetime) -> int:
    return int(await session.scalar(select(func.count()).select_from(LinkAttempt).where(
        LinkAttempt.account_id == account_id, LinkAttempt.at > now - timedelta(hours=1))) or 0)


async def redeem_code(session: AsyncSession, account_id: int, text: str, now: datetime,
                      actor: str) -> Office | str:
    """The office the code links, or a reason key: `code-limit`, `code-wrong`, `code-used`,
    `code-expired`. A wrong code counts against the hourly limit. Commits."""
    if await wrong_codes_last_hour(session, account_id, now) >= WRONG_CODES_PER_HOUR:
        return "code-limit"
    row = await session.scalar(select(LinkCode).where(LinkCode.code == normalize_code(text)))
    reason = None
    if row is None:
        reason = "code-wrong"
    elif row.used_at is not None:
        reason = "code-used"
    elif row.expires_at <= now:
        reason = "code-expired"
    if reason is not None:
        session.add(LinkAttempt(account_id=account_id, at=now))
        await session.commit()
        return reason
    assert row is not None
    row.used_at, row.used_by = now, account_id
    office = await session.get(Office, row.office_id)
    assert office is not None
    await link(session, account_id, [office.id], "code", actor)
    await choose_office(session, account_id, office.id)
    await session.commit()
    return office
