"""SQLAlchemy 2 models: the database is the single source of truth.

Every platform user id is stored with its platform: Bale's and Telegram's ids overlap. Instants
are stored as UTC (`UTCDateTime` hands back aware datetimes on SQLite too). The wizard's state is
the draft declaration itself: one `Answer` row per question, committed as it arrives.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use UTC-aware instants")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Region(Base):
    __tablename__ = "regions"
    code: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name_fa: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    seat: Mapped[str] = mapped_column(String(100), default="")
    # The region's public contact line, shown to an owner whose number is not in the registry.
    contact_phone: Mapped[str | None] = mapped_column(String(40))


class Province(Base):
    __tablename__ = "provinces"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    region_code: Mapped[int] = mapped_column(ForeignKey("regions.code"), index=True)


class Office(Base):
    __tablename__ = "offices"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    office_type: Mapped[str] = mapped_column(String(20))
    region_code: Mapped[int] = mapped_column(ForeignKey("regions.code"), index=True)
    province: Mapped[str] = mapped_column(String(100))
    city: Mapped[str] = mapped_column(String(100))
    holder_name: Mapped[str] = mapped_column(String(200))
    holder_phone: Mapped[str] = mapped_column(String(20), index=True)
    address: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, onupdate=_now)


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("platform", "platform_user_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(10))
    platform_user_id: Mapped[int] = mapped_column(BigInteger)
    first_name: Mapped[str] = mapped_column(String(200), default="")
    username: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    locale: Mapped[str] = mapped_column(String(5), default="fa")
    current_office_id: Mapped[int | None] = mapped_column(
        ForeignKey("offices.id", ondelete="SET NULL")
    )
    unreachable_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class AccountOffice(Base):
    __tablename__ = "account_offices"
    account_id: Mapped[int] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True
    )
    office_id: Mapped[int] = mapped_column(
        ForeignKey("offices.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    via: Mapped[str] = mapped_column(String(10))  # contact | code
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class StaffRole(Base):
    __tablename__ = "staff_roles"
    __table_args__ = (UniqueConstraint("account_id", "role", "region_code", "province"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))  # reviewer | association | hq | liaison
    region_code: Mapped[int | None] = mapped_column(ForeignKey("regions.code"))
    province: Mapped[str | None] = mapped_column(ForeignKey("provinces.name"))
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class Expert(Base):
    __tablename__ = "experts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(40))
    topic_fa: Mapped[str] = mapped_column(String(200), default="")
    topic_en: Mapped[str] = mapped_column(String(200), default="")
    # declaration | evidence | scoring | technical | discrepancy | supervisor
    category: Mapped[str] = mapped_column(String(20), default="declaration")
    hours: Mapped[str] = mapped_column(String(100), default="")
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))


class Period(Base):
    __tablename__ = "periods"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    review_opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    review_closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    liaison_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rubric_code: Mapped[str] = mapped_column(String(50))
    # The snapshot of the rubric this period is scored by: later edits of the file change nothing.
    rubric_text: Mapped[str] = mapped_column(Text)
    # Reminder milestones, as TOML-free JSON: [{"key": "d7", "before_close_hours": 168}, ...]
    milestones_json: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class LinkCode(Base):
    __tablename__ = "link_codes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class LinkAttempt(Base):
    """A wrong one-time code, counted to limit guessing (5 an hour per account)."""

    __tablename__ = "link_attempts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    __table_args__ = (Index("ix_link_attempts_account_at", "account_id", "at"),)


class Declaration(Base):
    __tablename__ = "declarations"
    __table_args__ = (UniqueConstraint("office_id", "period_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"))
    period_id: Mapped[int] = mapped_column(
        ForeignKey("periods.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(12), default="draft")
    version: Mapped[int] = mapped_column(Integer, default=0)
    # Which question the owner is on: the FSM can always be rebuilt from this.
    current_item: Mapped[str | None] = mapped_column(String(50))
    grace_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When a reviewer of the region opened this submission (None: not yet, or it moved since):
    # from then on the owner may not edit it, only report a discrepancy (issue 20).
    review_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, onupdate=_now)


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("declaration_id", "item_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    declaration_id: Mapped[int] = mapped_column(
        ForeignKey("declarations.id", ondelete="CASCADE")
    )
    item_key: Mapped[str] = mapped_column(String(50))
    value_json: Mapped[str] = mapped_column(Text)
    # Set by a reviewer who adjusts the item; the score uses it instead of the declared value.
    accepted_json: Mapped[str | None] = mapped_column(Text)
    review_comment: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, onupdate=_now)


class Evidence(Base):
    __tablename__ = "evidence"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    declaration_id: Mapped[int] = mapped_column(
        ForeignKey("declarations.id", ondelete="CASCADE"), index=True
    )
    item_key: Mapped[str] = mapped_column(String(50))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    mime: Mapped[str] = mapped_column(String(50))
    filename: Mapped[str | None] = mapped_column(String(200))
    platform: Mapped[str] = mapped_column(String(10))
    file_id: Mapped[str] = mapped_column(String(300))
    rejected_reason: Mapped[str | None] = mapped_column(Text)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class Discrepancy(Base):
    __tablename__ = "discrepancies"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int] = mapped_column(
        ForeignKey("offices.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(20))  # name | type | address | holder
    text: Mapped[str] = mapped_column(Text)
    evidence_sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | fixed | answered
    answer: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ExternalScore(Base):
    __tablename__ = "external_scores"
    period_id: Mapped[int] = mapped_column(
        ForeignKey("periods.id", ondelete="CASCADE"), primary_key=True
    )
    office_id: Mapped[int] = mapped_column(
        ForeignKey("offices.id", ondelete="CASCADE"), primary_key=True
    )
    association: Mapped[float | None] = mapped_column(Numeric(8, 2))
    satisfaction: Mapped[float | None] = mapped_column(Numeric(8, 2))
    satisfaction_mean: Mapped[float | None] = mapped_column(Numeric(4, 2))
    respondents: Mapped[int | None] = mapped_column(Integer)


class NegativePoint(Base):
    __tablename__ = "negative_points"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="CASCADE"))
    office_id: Mapped[int] = mapped_column(
        ForeignKey("offices.id", ondelete="CASCADE"), index=True
    )
    item_key: Mapped[str] = mapped_column(String(50))
    decided_on: Mapped[str] = mapped_column(String(10))  # Jalali date as typed, normalised
    reference: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class Result(Base):
    __tablename__ = "results"
    period_id: Mapped[int] = mapped_column(
        ForeignKey("periods.id", ondelete="CASCADE"), primary_key=True
    )
    office_id: Mapped[int] = mapped_column(
        ForeignKey("offices.id", ondelete="CASCADE"), primary_key=True
    )
    source: Mapped[str] = mapped_column(String(20))  # declared | carried_forward | minimum
    total: Mapped[float] = mapped_column(Numeric(8, 2))
    rank: Mapped[int] = mapped_column(Integer)
    service_share: Mapped[int] = mapped_column(Integer)
    breakdown_json: Mapped[str] = mapped_column(Text)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    # 1 as ranked and published; each correction after publishing adds one (issue 21)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class Outbox(Base):
    """A message to someone other than the sender of the current update.

    Written in the same transaction as the change it reports; drained by the sender, which claims a
    row with a lease, sends it, and marks it sent only after the API said OK.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "platform", "not_before"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(10))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    # Makes a message idempotent: e.g. "remind:<period>:<office>:<account>:<milestone>".
    dedup_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    payload_json: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditLog(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, index=True)
    actor_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    actor: Mapped[str] = mapped_column(String(100))  # "cli", "system", "bale:123", …
    action: Mapped[str] = mapped_column(String(50))
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str] = mapped_column(String(50))
    old: Mapped[str | None] = mapped_column(Text)
    new: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)



class Ticket(Base):
    """A question from an owner to the experts; escalates when nobody answers in time."""

    __tablename__ = "tickets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    office_id: Mapped[int] = mapped_column(
        ForeignKey("offices.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    period_id: Mapped[int | None] = mapped_column(ForeignKey("periods.id", ondelete="SET NULL"))
    # declaration | evidence | scoring | technical | discrepancy
    category: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default="open")  # open | answered | closed
    level: Mapped[int] = mapped_column(Integer, default=0)  # 0 liaison, 1 hq expert, 2 supervisor
    assignee_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    rating: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now, onupdate=_now)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TicketMessage(Base):
    __tablename__ = "ticket_messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), index=True
    )
    author_account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL")
    )
    author_role: Mapped[str] = mapped_column(String(10))  # owner | expert | system
    text: Mapped[str] = mapped_column(Text, default="")
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    file_mime: Mapped[str | None] = mapped_column(String(50))
    file_platform: Mapped[str | None] = mapped_column(String(10))
    file_id: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class Faq(Base):
    """Frequent questions kept by HQ; experts answer from this list with one tap."""

    __tablename__ = "faq"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(20))
    question_fa: Mapped[str] = mapped_column(Text)
    answer_fa: Mapped[str] = mapped_column(Text)
    question_en: Mapped[str] = mapped_column(Text, default="")
    answer_en: Mapped[str] = mapped_column(Text, default="")


class Holiday(Base):
    """Official holidays, which do not count as working hours for escalation."""

    __tablename__ = "holidays"
    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # ISO Gregorian date
    name: Mapped[str] = mapped_column(String(100), default="")


# Feature tables defined beside their feature; imported here so that `Base.metadata` (and so
# Alembic's comparison and every test) knows every table.
from storage import (  # noqa: E402,F401
    console_models,
    models_inbox,
    models_reminders,
    models_staff,
    models_survey,
)
