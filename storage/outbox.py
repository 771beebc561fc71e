"""The outbox: every message to someone other than the sender of the current update.

A row is written in the same transaction as the change it reports and later drained by the
sender (`delivery/outbox/`), which marks it sent only after the platform said OK. What a row
holds is **data**: a notice (`notify`: its name, its arguments and the recipient's language),
rendered in words by `texts.notices` when it is sent; or, for a file passed on as it is, the
Bot API call's fields (`enqueue`). `dedup_key` makes a message idempotent: enqueueing the same key
twice leaves one row (reminders, results, notifications on re-run commands).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import constant
from storage.models import Account, Outbox


class Recipient(Protocol):
    """An account, as a row or a record: who gets a notice, where, in which language."""

    id: int
    platform: str
    platform_user_id: int
    locale: str


def markup_to_json(markup: Any) -> dict[str, Any] | None:
    """A markup (a pydantic model or a plain dict) as JSON-ready data."""
    if markup is None:
        return None
    if isinstance(markup, dict):
        return markup
    return markup.model_dump(exclude_none=True, mode="json")


async def enqueue(session: AsyncSession, *, platform: str, chat_id: int, kind: str,
                  text: str | None = None, reply_markup: Any = None,
                  account_id: int | None = None, dedup_key: str | None = None,
                  not_before: datetime | None = None, extra: dict[str, Any] | None = None
                  ) -> bool:
    """Add one Bot API call as it is; False when a row with the same `dedup_key` exists already.

    Does not commit: the caller commits it together with the change it reports.
    """
    payload: dict[str, Any] = {}
    if text is not None:
        payload["text"] = text
    if reply_markup is not None:
        payload["reply_markup"] = markup_to_json(reply_markup)
    if extra:
        payload.update(extra)
    return await _add(session, platform=platform, chat_id=chat_id, kind=kind, payload=payload,
                      account_id=account_id, dedup_key=dedup_key, not_before=not_before)


async def notify(session: AsyncSession, recipient: Recipient, notice: str, /, *,
                 kind: str | None = None, dedup_key: str | None = None,
                 not_before: datetime | None = None, **args: Any) -> bool:
    """Queue a notice for an account: its name (a catalog key, or a renderer registered in
    `texts.notices`) and its arguments, plain JSON data; rendered in the recipient's language
    for the recipient's platform when it is sent. False when `dedup_key` was queued already."""
    payload = {"notice": notice, "args": args, "locale": recipient.locale}
    return await _add(session, platform=recipient.platform, chat_id=recipient.platform_user_id,
                      kind=kind or notice, payload=payload, account_id=recipient.id,
                      dedup_key=dedup_key, not_before=not_before)


async def _add(session: AsyncSession, *, platform: str, chat_id: int, kind: str,
               payload: dict[str, Any], account_id: int | None, dedup_key: str | None,
               not_before: datetime | None) -> bool:
    if dedup_key is not None:
        exists = await session.scalar(select(Outbox.id).where(Outbox.dedup_key == dedup_key))
        if exists is not None:
            return False
        for pending in session.new:  # the same key added earlier in this very transaction
            if isinstance(pending, Outbox) and pending.dedup_key == dedup_key:
                return False
    row = Outbox(platform=platform, chat_id=chat_id, account_id=account_id, kind=kind,
                 dedup_key=dedup_key, payload_json=json.dumps(payload, ensure_ascii=False))
    if not_before is not None:
        row.not_before = not_before
    session.add(row)
    return True


async def enqueue_to_account(session: AsyncSession, account: Recipient, key: str, *,
                             kind: str, dedup_key: str | None = None, **args: Any) -> bool:
    """A catalog message for the account: a notice whose renderer is the catalog entry."""
    return await notify(session, account, key, kind=kind, dedup_key=dedup_key, **args)


# --- the sender's side: claiming, leases and outcomes (the sender commits) -------------------

@dataclass(slots=True)
class Claimed:
    """A row taken for sending, with the attempt it is on."""

    id: int
    chat_id: int
    account_id: int | None
    payload_json: str
    attempts: int


def _due(platform: str, now: datetime) -> Any:
    """Queued and due, or in flight with its lease run out. The states are written into the
    statement (`storage.db.constant`): the sender asks this all the time, beside every message
    ever sent."""
    return and_(Outbox.platform == platform,
                or_(and_(Outbox.status == constant("queued"), Outbox.not_before <= now),
                    and_(Outbox.status == constant("sending"), Outbox.lease_until < now)))


async def has_due(session: AsyncSession, platforms: Iterable[str], now: datetime) -> bool:
    """Anything to send now (a read: polling an empty outbox takes no write lock)."""
    return await session.scalar(select(Outbox.id).where(or_(
        *(_due(p, now) for p in platforms))).limit(1)) is not None


async def claim(session: AsyncSession, platform: str, limit: int, now: datetime,
                lease_until: datetime) -> list[Claimed]:
    """Take up to `limit` due rows, oldest first, marking them `sending` until `lease_until`."""
    due = _due(platform, now)
    pick = select(Outbox.id).where(due).order_by(Outbox.id).limit(limit)
    bind = session.bind
    if bind is not None and bind.dialect.name == "postgresql":
        # A CTE runs once; `id IN (subquery … LIMIT n)` may be re-run by the planner and then
        # claims more than n rows. SKIP LOCKED: two senders never wait for each other's rows.
        picked = pick.with_for_update(skip_locked=True).cte("picked")
        statement = update(Outbox).where(Outbox.id == picked.c.id)
    else:  # SQLite: one writer at a time, the statement is atomic as it stands
        statement = update(Outbox).where(Outbox.id.in_(pick.scalar_subquery()), due)
    result = await session.execute(
        statement.values(status="sending", lease_until=lease_until,
                         attempts=Outbox.attempts + 1)
        .returning(Outbox.id, Outbox.chat_id, Outbox.account_id, Outbox.payload_json,
                   Outbox.attempts)
        .execution_options(synchronize_session=False))
    return sorted((Claimed(*row) for row in result.all()), key=lambda r: r.id)


async def release(session: AsyncSession, ids: list[int]) -> None:
    """Rows whose request never went out: queued again, the attempt not counted."""
    await session.execute(
        update(Outbox).where(Outbox.id.in_(ids), Outbox.status == "sending")
        .values(status="queued", lease_until=None, attempts=Outbox.attempts - 1)
        .execution_options(synchronize_session=False))


async def take_back(session: AsyncSession, platform: str) -> int:
    """Everything a dead sender of this platform left in flight, queued again."""
    result = await session.execute(
        update(Outbox).where(Outbox.platform == platform, Outbox.status == "sending")
        .values(status="queued", lease_until=None)
        .execution_options(synchronize_session=False))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def renew(session: AsyncSession, ids: list[int], lease_until: datetime) -> None:
    await session.execute(
        update(Outbox).where(Outbox.id.in_(ids), Outbox.status == "sending")
        .values(lease_until=lease_until).execution_options(synchronize_session=False))


async def record(session: AsyncSession, platform: str, now: datetime, *, sent: list[int],
                 others: list[dict[str, Any]], unreachable: list[tuple[int | None, int]]
                 ) -> None:
    """Outcomes of a batch: `sent` ids; `others` as `{id, status, …}` rows; the accounts
    (account id, or None and the chat id) that cannot be reached any more."""
    if sent:
        await session.execute(
            update(Outbox).where(Outbox.id.in_(sent))
            .values(status="sent", sent_at=now, lease_until=None, last_error=None)
            .execution_options(synchronize_session=False))
    if others:
        await session.execute(update(Outbox), others)
    accounts = {account for account, _ in unreachable if account is not None}
    if accounts:
        await session.execute(
            update(Account).where(Account.id.in_(accounts), Account.unreachable_at.is_(None))
            .values(unreachable_at=now).execution_options(synchronize_session=False))
    for account, chat_id in unreachable:
        if account is None:
            await session.execute(
                update(Account).where(Account.platform == platform,
                                      Account.platform_user_id == chat_id,
                                      Account.unreachable_at.is_(None))
                .values(unreachable_at=now).execution_options(synchronize_session=False))
