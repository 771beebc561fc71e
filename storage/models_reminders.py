"""Which reminder sweeps have run: one row per (period, kind, milestone).

The reminder sweep writes this row in the same transaction as the outbox rows of a milestone, so
a milestone is either swept completely or not at all, and after downtime the sweep can tell that
a later milestone has already gone out (only the latest due reminder of a kind is ever sent).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime, _now


class ReminderSweep(Base):
    __tablename__ = "reminder_sweeps"
    period_id: Mapped[int] = mapped_column(
        ForeignKey("periods.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # owners | liaison | close
    milestone: Mapped[str] = mapped_column(String(30), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    swept_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    recipients: Mapped[int] = mapped_column(Integer, default=0)
