"""Linking an account to offices: rows of `account_offices`, `link_codes`, `link_attempts`;
and unlinking (by hand, or when the registry names another licence holder).

Repository functions: they read and write, never commit (`services.linking` does).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.text import to_ascii_digits
from storage.admin import audit
from storage.declarations import office_record
from storage.models import Account, AccountOffice, LinkAttempt, LinkCode, Office
from storage.records import OfficeRecord

# No 0/O, 1/I/L: a code is read off paper or a phone call and typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_DAYS = 7
# Five wrong codes, each within an hour of the one before, and the person waits 15 minutes
# from the fifth; then the count starts again. 31^8 codes: guessing one takes centuries.
WRONG_CODES = 5
WRONG_CODES_WINDOW = timedelta(hours=1)
WRONG_CODES_WAIT = timedelta(minutes=15)


async def offices_for_phone(session: AsyncSession, phone: str) -> list[OfficeRecord]:
    rows = (await session.scalars(
        select(Office).where(Office.holder_phone == phone).order_by(Office.code))).all()
    return [office_record(o) for o in rows]


async def office_by_code(session: AsyncSession, code: str) -> OfficeRecord | None:
    office = await session.scalar(select(Office).where(Office.code == code.strip()))
    return office_record(office) if office is not None else None


async def offices_by_id(session: AsyncSession, office_ids: list[int] | tuple[int, ...]
                        ) -> list[OfficeRecord]:
    """The offices, in the order asked; ids that do not exist are left out."""
    rows = {o.id: o for o in (await session.scalars(
        select(Office).where(Office.id.in_(list(office_ids))))).all()} if office_ids else {}
    return [office_record(rows[i]) for i in office_ids if i in rows]


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
    await session.execute(update(Account).where(Account.id == account_id).values(phone=phone))


async def is_linked(session: AsyncSession, account_id: int, office_id: int) -> bool:
    return await session.scalar(select(AccountOffice.office_id).where(
        AccountOffice.account_id == account_id, AccountOffice.office_id == office_id)) is not None


async def choose_office(session: AsyncSession, account_id: int, office_id: int) -> bool:
    """Make a linked office the current one; False when it is not linked to this account."""
    if not await is_linked(session, account_id, office_id):
        return False
    await session.execute(update(Account).where(Account.id == account_id).values(
        current_office_id=office_id))
    return True


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


async def add_code(session: AsyncSession, office_id: int, code: str, expires_at: datetime
                   ) -> None:
    session.add(LinkCode(code=code, office_id=office_id, expires_at=expires_at))
    await session.flush()


def normalize_code(text: str) -> str:
    return "".join(ch for ch in to_ascii_digits(text).upper() if ch.isascii() and ch.isalnum())


def locked_until(attempts: list[datetime]) -> datetime | None:
    """When the wait after the latest run of `WRONG_CODES` wrong codes ends (None: no run).
    A run is five wrong codes each within `WRONG_CODES_WINDOW` of the one before; a wait
    starts a new count."""
    run: list[datetime] = []
    until = None
    for at in sorted(attempts):
        if run and at - run[-1] >= WRONG_CODES_WINDOW:
            run = []
        run.append(at)
        if len(run) >= WRONG_CODES:
            until, run = at + WRONG_CODES_WAIT, []
    return until


async def code_lock(session: AsyncSession, account_id: int, now: datetime) -> datetime | None:
    """Until when this account may not try a code (None: it may now)."""
    since = now - WRONG_CODES * WRONG_CODES_WINDOW - WRONG_CODES_WAIT
    attempts = list((await session.scalars(select(LinkAttempt.at).where(
        LinkAttempt.account_id == account_id, LinkAttempt.at > since, LinkAttempt.at <= now)
    )).all())
    until = locked_until(attempts)
    return until if until is not None and now < until else None


async def add_wrong_attempt(session: AsyncSession, account_id: int, at: datetime) -> None:
    session.add(LinkAttempt(account_id=account_id, at=at))
    await session.flush()


async def code_state(session: AsyncSession, code: str, now: datetime) -> str | None:
    """Why a code cannot be redeemed (`wrong`, `used`, `expired`), or None when it can."""
    row = await session.scalar(select(LinkCode).where(LinkCode.code == code))
    if row is None:
        return "wrong"
    if row.used_at is not None:
        return "used"
    if row.expires_at <= now:
        return "expired"
    return None


async def take_code(session: AsyncSession, code: str, account_id: int, now: datetime
                    ) -> int | None:
    """Mark the code used by this account, only if it is still unused and unexpired: one
    conditional UPDATE, so of two (or twenty) accounts redeeming it at once exactly one wins.
    The office it links, or None for the losers."""
    taken = await session.execute(
        update(LinkCode).where(LinkCode.code == code, LinkCode.used_at.is_(None),
                               LinkCode.expires_at > now)
        .values(used_at=now, used_by=account_id).returning(LinkCode.office_id))
    row = taken.first()
    return row[0] if row is not None else None


async def code_used_by(session: AsyncSession, code: str, account_id: int) -> int | None:
    """The office of a code this account has redeemed already (None for any other code)."""
    return await session.scalar(select(LinkCode.office_id).where(
        LinkCode.code == code, LinkCode.used_by == account_id, LinkCode.used_at.is_not(None)))


def code_expiry(now: datetime) -> datetime:
    return now + timedelta(days=CODE_DAYS)


# --- who is linked, and unlinking ------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class LinkRecord:
    """One account linked to one office, and how."""

    account_id: int
    platform: str
    user_id: int
    first_name: str
    phone: str | None
    locale: str
    office_id: int
    office_code: str
    office_name: str
    via: str
    linked_at: datetime

    # What `storage.outbox.notify` needs of a recipient.
    @property
    def id(self) -> int:
        return self.account_id

    @property
    def platform_user_id(self) -> int:
        return self.user_id


async def list_links(session: AsyncSession, *, office_id: int | None = None,
                     account_id: int | None = None) -> list[LinkRecord]:
    """The links of an office, of an account, or (neither given) all, by office code."""
    query = (select(Account.id, Account.platform, Account.platform_user_id, Account.first_name,
                    Account.phone, Account.locale, Office.id, Office.code, Office.name,
                    AccountOffice.via, AccountOffice.linked_at)
             .join(AccountOffice, AccountOffice.account_id == Account.id)
             .join(Office, Office.id == AccountOffice.office_id)
             .order_by(Office.code, AccountOffice.linked_at, Account.id))
    if office_id is not None:
        query = query.where(AccountOffice.office_id == office_id)
    if account_id is not None:
        query = query.where(AccountOffice.account_id == account_id)
    return [LinkRecord(*row) for row in (await session.execute(query)).all()]


async def account_by_platform_id(session: AsyncSession, platform: str, user_id: int
                                 ) -> int | None:
    return await session.scalar(select(Account.id).where(
        Account.platform == platform, Account.platform_user_id == user_id))


async def unlink(session: AsyncSession, account_id: int, office_id: int) -> str | None:
    """Remove the link: one DELETE … RETURNING, so of two removals at once one removes it and
    the other gets None. The account stops acting for the office at once (its current office is
    cleared when it was this one). How it had been linked, or None when it was not."""
    row = (await session.execute(delete(AccountOffice).where(
        AccountOffice.account_id == account_id, AccountOffice.office_id == office_id)
        .returning(AccountOffice.via))).first()
    if row is None:
        return None
    await session.execute(update(Account).where(
        Account.id == account_id, Account.current_office_id == office_id)
        .values(current_office_id=None))
    return str(row[0])


async def accounts_with_phone(session: AsyncSession, phone: str) -> list[Account]:
    """Accounts whose proven number (their own contact) is this one."""
    return list((await session.scalars(select(Account).where(Account.phone == phone)
                                       .order_by(Account.id))).all())


async def revoke_codes(session: AsyncSession, office_id: int, now: datetime) -> int:
    """End the office's unused codes now (they were issued for a holder who is no longer);
    how many."""
    ended = await session.execute(update(LinkCode).where(
        LinkCode.office_id == office_id, LinkCode.used_at.is_(None), LinkCode.expires_at > now)
        .values(expires_at=now))
    return int(ended.rowcount or 0)  # type: ignore[attr-defined]
