"""The console's login links and sessions: rows in, plain data out, never a commit.

Tokens are never stored, only their SHA-256. Redeeming a link is one conditional UPDATE (unused
and unexpired), so of two browsers opening the same link at once exactly one gets a session.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.console_models import ConsoleLink, ConsoleSession
from storage.models import Account

LINK_LIFETIME = timedelta(minutes=10)
IDLE_LIMIT = timedelta(hours=12)
TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class SessionRecord:
    id: int
    account_id: int
    platform: str
    user_id: int
    csrf: str


async def add_link(session: AsyncSession, account_id: int, token: str, now: datetime) -> None:
    session.add(ConsoleLink(token_hash=digest(token), account_id=account_id,
                            expires_at=now + LINK_LIFETIME, created_at=now))
    await session.flush()


async def link_state(session: AsyncSession, token: str, now: datetime) -> str:
    """Why a link cannot be used: «unknown», «used», «expired»; or «fresh»."""
    row = await session.scalar(select(ConsoleLink).where(ConsoleLink.token_hash == digest(token)))
    if row is None:
        return "unknown"
    if row.used_at is not None:
        return "used"
    return "expired" if row.expires_at <= now else "fresh"


async def redeem_link(session: AsyncSession, token: str, now: datetime) -> int | None:
    """Mark the link used if it is unused and unexpired; its account, else None."""
    result = await session.execute(
        update(ConsoleLink).where(ConsoleLink.token_hash == digest(token),
                                  ConsoleLink.used_at.is_(None), ConsoleLink.expires_at > now)
        .values(used_at=now).returning(ConsoleLink.account_id))
    return result.scalar_one_or_none()


async def add_session(session: AsyncSession, account_id: int, token: str, csrf: str,
                      now: datetime) -> None:
    session.add(ConsoleSession(token_hash=digest(token), account_id=account_id, csrf=csrf,
                               created_at=now, last_seen_at=now))
    await session.flush()


async def live_session(session: AsyncSession, token: str, now: datetime) -> SessionRecord | None:
    """The session of this cookie if it has not ended nor idled past the limit; it is marked
    seen now (at most once a minute)."""
    row = (await session.execute(
        select(ConsoleSession.id, ConsoleSession.account_id, Account.platform,
               Account.platform_user_id, ConsoleSession.csrf, ConsoleSession.last_seen_at)
        .join(Account, Account.id == ConsoleSession.account_id)
        .where(ConsoleSession.token_hash == digest(token), ConsoleSession.ended_at.is_(None))
    )).first()
    if row is None or row.last_seen_at + IDLE_LIMIT <= now:
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        await session.execute(update(ConsoleSession).where(ConsoleSession.id == row.id)
                              .values(last_seen_at=now))
    return SessionRecord(row.id, row.account_id, row.platform, row.platform_user_id, row.csrf)


async def end_session(session: AsyncSession, session_id: int, now: datetime) -> None:
    await session.execute(update(ConsoleSession).where(ConsoleSession.id == session_id,
                                                       ConsoleSession.ended_at.is_(None))
                          .values(ended_at=now))


async def end_sessions_of(session: AsyncSession, account_id: int, now: datetime) -> int:
    """End every session of an account (its staff role was taken away); how many."""
    result = await session.execute(
        update(ConsoleSession).where(ConsoleSession.account_id == account_id,
                                     ConsoleSession.ended_at.is_(None)).values(ended_at=now))
    return int(getattr(result, "rowcount", 0) or 0)
