"""Staff invites: a one-time code HQ gives a new staff member, who types it in the chat to take
the role (nobody has to know their numeric user id). Single use, expiring."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime, _now


class StaffInvite(Base):
    __tablename__ = "staff_invites"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    region_code: Mapped[int | None] = mapped_column(ForeignKey("regions.code"))
    province: Mapped[str | None] = mapped_column(ForeignKey("provinces.name"))
    name: Mapped[str] = mapped_column(String(200), default="")
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    created_by: Mapped[str] = mapped_column(String(100), default="cli")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
