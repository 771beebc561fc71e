"""The outbox: every message to someone other than the sender of the current update.

A row is written in the same transaction as the change it reports, rendered for its recipient's
platform and language at that moment, and later drained by the sender (`delivery/outbox.py`), which
marks it sent only after the platform said OK. `dedup_key` makes a message idempotent: enqueueing
the same key twice leaves one row (reminders, results, notifications on re-run commands).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Account, Outbox
from texts.i18n import Translator


def markup_to_json(markup: Any) -> dict[str, Any] | None:
    """An aiogram markup (or a plain dict) as JSON-ready data."""
    if markup is None:
        return None
    if isinstance(markup, dict):
        return markup
    return markup.model_dump(exclude_none=True, mode="json")


async def enqueue(session: AsyncSession, *, platform: str, chat_id: int, text: str,
                  kind: str, reply_markup: Any = None, account_id: int | None = None,
                  dedup_key: str | None = None, not_before: datetime | None = None,
                  extra: dict[str, Any] | None = None) -> bool:
    """Add one message; False when a row with the same `dedup_key` exists already.

    Does not commit: the caller commits it together with the change it reports.
    """
    if dedup_key is not None:
        exists = await session.scalar(select(Outbox.id).where(Outbox.dedup_key == dedup_key))
        if exists is not None:
            return False
    for pending in session.new:  # the same key added earlier in this very transaction
        if isinstance(pending, Outbox) and dedup_key and pending.dedup_key == dedup_key:
            return False
    payload: dict[str, Any] = {"text": text}
    if reply_markup is not None:
        payload["reply_markup"] = markup_to_json(reply_markup)
    if extra:
        payload.update(extra)
    row = Outbox(platform=platform, chat_id=chat_id, account_id=account_id, kind=kind,
                 dedup_key=dedup_key, payload_json=json.dumps(payload, ensure_ascii=False))
    if not_before is not None:
        row.not_before = not_before
    session.add(row)
    return True


async def enqueue_to_account(session: AsyncSession, account: Account, key: str, *, kind: str,
                             reply_markup: Any = None, dedup_key: str | None = None,
                             **args: object) -> bool:
    """A catalog message rendered in the account's language for the account's platform."""
    t = Translator(account.locale, account.platform)
    return await enqueue(session, platform=account.platform,
                         chat_id=account.platform_user_id, text=t(key, **args), kind=kind,
                         reply_markup=reply_markup, account_id=account.id,
                         dedup_key=dedup_key)
