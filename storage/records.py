"""Plain frozen records that repositories hand out: nothing downstream can lazy-load."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class RegionRecord:
    code: int
    name_fa: str
    name_en: str
    seat: str
    contact_phone: str | None


@dataclass(frozen=True, slots=True)
class OfficeRecord:
    id: int
    code: str
    name: str
    office_type: str
    region_code: int
    province: str
    city: str
    holder_name: str
    holder_phone: str


@dataclass(frozen=True, slots=True)
class AccountRecord:
    id: int
    platform: str
    platform_user_id: int
    first_name: str
    phone: str | None
    locale: str
    current_office_id: int | None
    unreachable_at: datetime | None


@dataclass(frozen=True, slots=True)
class StaffRecord:
    id: int
    account_id: int
    platform: str
    platform_user_id: int
    role: str
    region_code: int | None
    province: str | None
    name: str


@dataclass(frozen=True, slots=True)
class ExpertRecord:
    id: int
    name: str
    phone: str
    topic_fa: str
    topic_en: str
    category: str
    hours: str
    account_id: int | None


@dataclass(frozen=True, slots=True)
class PeriodRecord:
    id: int
    code: str
    opens_at: datetime
    closes_at: datetime
    review_opens_at: datetime
    review_closes_at: datetime
    liaison_deadline: datetime | None
    rubric_code: str
    rubric_text: str
    closed_at: datetime | None
    published_at: datetime | None

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at

    def review_is_open(self, now: datetime) -> bool:
        return self.review_opens_at <= now < self.review_closes_at
