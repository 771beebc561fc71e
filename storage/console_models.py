"""The staff console's tables: one-time login links and the sessions they become, plus the index
the console's queue reads a region's declarations by (period, status, submission time)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, Declaration, UTCDateTime, _now


class ConsoleLink(Base):
    """A link a staff member asked for (/console in the bot, or the command line): single use,
    valid ten minutes; only the SHA-256 of its token is kept."""

    __tablename__ = "console_links"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class ConsoleSession(Base):
    """A browser's session: the cookie's SHA-256, its CSRF token, and when it was last used
    (it ends after twelve idle hours, at logout, or when its account stops being staff)."""

    __tablename__ = "console_sessions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"),
                                            index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# The queue: a region's declarations of a period in one state, oldest submission first.
Index("ix_declarations_queue", Declaration.period_id, Declaration.status,
      Declaration.submitted_at)
