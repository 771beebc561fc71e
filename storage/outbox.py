"""The outbox: every message to someone other than the sender of the current update.

A row is written in the same transaction as the change it reports and later drained by the
sender (`delivery/outbox.py`), which marks it sent only after the platform said OK. What a row
holds is **data**: a notice (`notify`: its name, its arguments and the recipient's language),
rendered in words by `texts.notices` when it is sent; or, for a file passed on as it is, the
Bot API call's fields (`enqueue`). `dedup_key` makes a message idempotent: enqueueing the same key
twice leaves one row (reminders, results, notifications on re-run commands).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Outbox


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
