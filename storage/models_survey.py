"""The citizens' satisfaction survey: links on posters, ratings, and bursts held for review.

- `SurveyLink`: the random token in an office's deep link (`/start s_<token>`). The office's id is
  never in a link; a link can be revoked and a new poster printed.
- `SurveyService`: HQ's list of services a citizen may say they received (empty: a built-in
  sample list).
- `SurveyRating`: one per phone number per office per period, `verified` or not; a later one from
  the same number replaces the earlier in place (an unverified one only an unverified one).
  `status` decides whether it counts: `counted`, `held` (part of a suspicious burst, until a
  reviewer decides), `rejected` (the reviewer set it aside) or `unverified` (the number came on a
  card that did not prove to be the sender's own: kept, never counted).
- `SurveyFlag`: a burst the region reviews; its held ratings point to it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime, _now


class SurveyLink(Base):
    __tablename__ = "survey_links"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int] = mapped_column(
        ForeignKey("offices.id", ondelete="CASCADE"), index=True
    )
    token: Mapped[str] = mapped_column(String(24), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SurveyService(Base):
    __tablename__ = "survey_services"
    key: Mapped[str] = mapped_column(String(16), primary_key=True)
    title_fa: Mapped[str] = mapped_column(String(100))
    title_en: Mapped[str] = mapped_column(String(100), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class SurveyFlag(Base):
    __tablename__ = "survey_flags"
    __table_args__ = (Index("ix_survey_flags_office_period", "office_id", "period_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="CASCADE"))
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(20))  # "top", "new" or "top,new"
    status: Mapped[str] = mapped_column(String(10), default="open")  # open|cleared|rejected
    first_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class SurveyRating(Base):
    __tablename__ = "survey_ratings"
    __table_args__ = (
        UniqueConstraint("period_id", "office_id", "phone", "verified"),
        Index("ix_survey_ratings_office_at", "office_id", "rated_at"),
        Index("ix_survey_ratings_account_at", "account_id", "rated_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="CASCADE"))
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"))
    phone: Mapped[str] = mapped_column(String(20))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    platform: Mapped[str] = mapped_column(String(10))
    service: Mapped[str] = mapped_column(String(16))
    stars: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    # "Was a fee beyond the official tariff asked?": None when the citizen did not say.
    extra_fee: Mapped[bool | None] = mapped_column(Boolean)
    # The account had first talked to the bot shortly before rating (a burst signal).
    new_account: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default="counted")
    # The number was the sender's own (their contact card, its user id theirs).
    verified: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    flag_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_flags.id", ondelete="SET NULL"), index=True
    )
    replaced: Mapped[int] = mapped_column(Integer, default=0)
    rated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
