"""The inbox: every update a platform delivered, kept before it is acknowledged.

Polling stores a batch before the next `getUpdates` confirms its offset; the webhook stores an
update before it answers 200. A worker then takes each row and marks it done in the same
transaction as the change it made, so an update is neither lost (a crash leaves it here, to be
handled on restart) nor handled twice (`(platform, bot_id, update_id)` is unique: a re-delivered
or replayed update is not stored again, on any worker, after any restart). An update whose
change is committed but whose reply is not sent (`replying`) is handled again once its lease
runs out, so a crash between a commit and its reply does not leave the person in silence.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime, _now

# new: to handle; replying: its use case committed the change (and this mark), its reply not
# yet sent; done: handled and answered; parked: failed too often (`pishkhan inbox`).
NEW, REPLYING, DONE, PARKED = "new", "replying", "done", "parked"
OPEN_SQL = "state IN ('new', 'replying')"  # as storage.inbox writes it, so the index applies


class InboxUpdate(Base):
    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("platform", "bot_id", "update_id"),
        Index("ix_inbox_state_due_at", "state", "due_at"),
        # "an earlier update of this chat is open" (storage.inbox.take): the open rows only,
        # a handful, however many handled ones the inbox keeps
        Index("ix_inbox_open", "platform", "bot_id", "chat_id", "id",
              postgresql_where=text(OPEN_SQL), sqlite_where=text(OPEN_SQL)),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(10))
    bot_id: Mapped[int] = mapped_column(BigInteger)
    update_id: Mapped[int] = mapped_column(BigInteger)
    chat_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)  # handled in order
    payload: Mapped[str] = mapped_column(Text)  # the update as the platform sent it (JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    state: Mapped[str] = mapped_column(String(10), default=NEW)  # new|replying|done|parked
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)  # taken no earlier
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
