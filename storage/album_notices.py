"""The acknowledgement of an album (issue 20 item 2), kept in the outbox so that it survives a
killed process: each part of an album (one `media_group_id`) adds its file's name to one queued
notice, in the same transaction as the file, and moves the notice's `not_before` a quiet moment
later; the outbox sender sends it once the parts stop coming. Parts arriving at different
workers write the same row (the declaration row is locked by the caller). A part arriving after
the notice went starts a new one."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import constant
from storage.models import Outbox
from storage.outbox import Recipient

NOTICE = "evidence-album-received"


async def note_part(session: AsyncSession, recipient: Recipient, group: str, name: str | None,
                    count: int, not_before: datetime, **args: Any) -> None:
    """Add one part (`name`: its file name, None for a photo) to the album's queued notice, or
    queue one; `count` is the question's files with this part; `args` the notice's other data."""
    prefix = f"album:{group}#"
    # The queued rows of this chat, by the outbox's index of queued rows (`ix_outbox_due`):
    # the state written into the statement (`constant`), else PostgreSQL's plan for the
    # prepared statement, made without the values, read every message ever sent
    # (tests/reminders/test_album_notice_cost.py).
    row = await session.scalar(
        select(Outbox).where(Outbox.status == constant("queued"),
                             Outbox.platform == recipient.platform,
                             Outbox.chat_id == recipient.platform_user_id,
                             Outbox.dedup_key.like(prefix + "%"))
        .order_by(Outbox.id.desc()).limit(1).with_for_update())
    if row is not None:
        payload = json.loads(row.payload_json)
        payload["args"]["names"].append(name)
        payload["args"]["count"] = max(count, payload["args"]["count"])
        row.payload_json = json.dumps(payload, ensure_ascii=False)
        row.not_before = not_before
        return
    payload = {"notice": NOTICE, "locale": recipient.locale,
               "args": {**args, "names": [name], "count": count}}
    session.add(Outbox(platform=recipient.platform, chat_id=recipient.platform_user_id,
                       account_id=recipient.id, kind="evidence.album",
                       dedup_key=f"{prefix}{count}", not_before=not_before,
                       payload_json=json.dumps(payload, ensure_ascii=False)))
    await session.flush()
