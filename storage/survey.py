"""The citizens' satisfaction survey: who may rate, ratings and their integrity.

Links (each office's random token in its deep link): `storage.survey_links`, re-exported here.

Ratings. One per phone number per office per period; a later rating from the same number replaces
the earlier one in place. A number the citizen did not prove to be their own (a contact card
without the sender's user id: someone else's phone-book entry, or Bale leaving the id out) makes
an `unverified` rating: kept apart (it never replaces a verified one), never counted, never part
of a burst. The period a rating belongs to is `survey_period`: the newest unpublished
period that has opened, else the next one to open. Accounts linked to the office, the holder's
number, staff and linked experts cannot rate it.

Integrity. Per office at most `office_per_hour` ratings an hour, per account at most
`account_per_day` offices a day (refused). Inside a sliding window, `burst_top` top ratings or
`burst_new` ratings from accounts that first talked to the bot moments before open a flag for the
region: the burst's ratings, and every rating of the office while the burst goes on, are held
out of the score until a reviewer clears them (they count) or rejects them (they never count).

Scores and the reports of fees beyond the tariff: `storage.survey_scores`. Repository functions;
they never commit (`services.survey` does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.admin import AdminError, audit, period_record
from storage.db import dialect_insert
from storage.directory import read_csv_rows
from storage.exclusive import serialize
from storage.models import Account, AccountOffice, Period, StaffRole
from storage.models_survey import SurveyFlag, SurveyRating, SurveyService
from storage.outbox import notify
from storage.records import PeriodRecord
from storage.registry import clean_name
from storage.survey_links import (
    PAYLOAD_PREFIX,
    TOKEN_ALPHABET,
    TOKEN_LENGTH,
    TOKEN_MAX,
    SurveyOffice,
    deep_link,
    ensure_links,
    find_office,
    new_token,
    office_for_token,
    office_links,
    payload,
    rotate_token,
    token_from_payload,
)

__all__ = ["PAYLOAD_PREFIX", "TOKEN_ALPHABET", "TOKEN_LENGTH", "TOKEN_MAX", "SurveyOffice",
           "deep_link", "ensure_links", "find_office", "new_token", "office_for_token",
           "office_links", "payload", "rotate_token", "token_from_payload"]

STARS = (1, 2, 3, 4, 5)
TOP = 5
COMMENT_MAX = 1000
SERVICE_KEY = re.compile(r"[a-z0-9_]{1,16}")
# A sample list, labelled as such: HQ replaces it with `pishkhan survey services import`.
DEFAULT_SERVICES = (
    ("id_card", "کارت هوشمند ملی", "Smart national ID card"),
    ("insurance", "بیمه و تأمین اجتماعی", "Insurance and social security"),
    ("subsidy", "یارانه و سهام عدالت", "Subsidies and justice shares"),
    ("tax", "خدمات مالیاتی", "Tax services"),
    ("bills", "قبض، پرداخت و خدمات بانکی", "Bills, payments and banking"),
    ("other", "سایر خدمات", "Other services"),
)


@dataclass(frozen=True, slots=True)
class SurveyRules:
    window: timedelta = timedelta(minutes=60)
    burst_top: int = 8
    burst_new: int = 12
    new_account_age: timedelta = timedelta(hours=24)
    office_per_hour: int = 40
    account_per_day: int = 5
    min_respondents: int = 10  # when the rubric does not say (`min_respondents` of satisfaction)


def rules_from_settings(settings: Any) -> SurveyRules:
    """The rules, from `PISHKHAN_SURVEY_*` settings where they exist."""
    base = SurveyRules()

    def get(name: str, default: Any) -> Any:
        value = getattr(settings, f"survey_{name}", None)
        return default if value is None else value

    return SurveyRules(
        window=timedelta(minutes=get("window_minutes", base.window.total_seconds() / 60)),
        burst_top=get("burst_top", base.burst_top), burst_new=get("burst_new", base.burst_new),
        new_account_age=timedelta(hours=get("new_account_hours",
                                            base.new_account_age.total_seconds() / 3600)),
        office_per_hour=get("office_per_hour", base.office_per_hour),
        account_per_day=get("account_per_day", base.account_per_day))


class SurveyRefusal(Exception):
    """The citizen may not rate now: `key` is the catalog message that says why."""

    def __init__(self, key: str, **args: object) -> None:
        super().__init__(key)
        self.key = key
        self.args_ = args


@dataclass(frozen=True, slots=True)
class Service:
    key: str
    title_fa: str
    title_en: str

    def title(self, lang: str) -> str:
        return self.title_fa if lang == "fa" or not self.title_en else self.title_en


@dataclass(frozen=True, slots=True)
class RatingRecord:
    id: int
    office_id: int
    period_id: int
    account_id: int | None
    service: str
    stars: int
    extra_fee: bool | None
    comment: str | None
    status: str
    replaced: int


@dataclass(frozen=True, slots=True)
class RatingOutcome:
    rating: RatingRecord
    replaced: bool
    held: bool
    flag_id: int | None
    new_flag: bool


# --- services --------------------------------------------------------------------------------

async def services(session: AsyncSession) -> list[Service]:
    rows = (await session.scalars(select(SurveyService).order_by(
        SurveyService.position, SurveyService.key))).all()
    if not rows:
        return [Service(*row) for row in DEFAULT_SERVICES]
    return [Service(r.key, r.title_fa, r.title_en) for r in rows]


def read_services(path: Path) -> list[dict[str, Any]]:
    """A services file: key, title_fa, title_en, in asking order (2 to 12 rows)."""
    rows = read_csv_rows(path)
    if not 2 <= len(rows) <= 12:
        raise AdminError(f"{path.name}: give 2 to 12 services, not {len(rows)}",
                         "survey-services-count", name=path.name, count=len(rows))
    seen: set[str] = set()
    items = []
    for number, row in enumerate(rows, start=2):
        key = (row.get("key") or "").strip()
        title_fa = clean_name(row.get("title_fa") or "")
        if not SERVICE_KEY.fullmatch(key):
            raise AdminError(f"row {number}: key must be 1–16 of a-z, 0-9, _ (not {key!r})",
                             "survey-services-key", row=number, key=key)
        if key in seen:
            raise AdminError(f"row {number}: duplicate key {key!r}", "survey-services-twice",
                             row=number, key=key)
        if not title_fa or len(title_fa) > 60:
            raise AdminError(f"row {number}: title_fa must be 1–60 characters",
                             "survey-services-title", row=number)
        seen.add(key)
        items.append({"key": key, "title_fa": title_fa, "position": number,
                      "title_en": (row.get("title_en") or "").strip()[:100]})
    return items


async def replace_services(session: AsyncSession, items: list[dict[str, Any]]) -> list[str]:
    """Replace the list; the keys it had before."""
    old = [s.key for s in await services(session)]
    await session.execute(delete(SurveyService))
    session.add_all(SurveyService(**values) for values in items)
    await session.flush()
    return old


# --- who may rate, and when ------------------------------------------------------------------

async def survey_period(session: AsyncSession, now: datetime) -> PeriodRecord | None:
    """The period ratings go to now: the newest unpublished one that has opened, else the next
    one to open; None when there is none."""
    opened = await session.scalar(select(Period).where(
        Period.published_at.is_(None), Period.opens_at <= now)
        .order_by(Period.opens_at.desc()).limit(1))
    if opened is None:
        opened = await session.scalar(select(Period).where(
            Period.published_at.is_(None), Period.opens_at > now)
            .order_by(Period.opens_at).limit(1))
    return period_record(opened) if opened is not None else None


async def refusal(session: AsyncSession, office: SurveyOffice, *,
                  office_ids: tuple[int, ...], is_staff: bool, phone: str | None
                  ) -> str | None:
    """Why this account (or number) may not rate the office, as a catalog key; None if it may."""
    if office.id in office_ids or (phone is not None and phone == office.holder_phone):
        return "survey-own-office"
    if is_staff:  # staff roles, and experts of the directory linked to the account
        return "survey-staff"
    if phone is not None:
        linked = await session.scalar(
            select(Account.id).join(AccountOffice, AccountOffice.account_id == Account.id)
            .where(AccountOffice.office_id == office.id, Account.phone == phone).limit(1))
        if linked is not None:
            return "survey-own-office"
    return None


def _record(row: SurveyRating) -> RatingRecord:
    return RatingRecord(row.id, row.office_id, row.period_id, row.account_id, row.service,
                        row.stars, row.extra_fee, row.comment, row.status, row.replaced)


async def previous_rating(session: AsyncSession, period_id: int, office_id: int, phone: str,
                          *, verified: bool = True, account_id: int | None = None
                          ) -> RatingRecord | None:
    """The number's rating of the office; an unverified number sees only its own account's
    (a card of someone else's number tells nothing of their rating)."""
    query = select(SurveyRating).where(
        SurveyRating.period_id == period_id, SurveyRating.office_id == office_id,
        SurveyRating.phone == phone, SurveyRating.verified.is_(verified))
    if not verified:
        query = query.where(SurveyRating.account_id == account_id)
    row = await session.scalar(query)
    return _record(row) if row is not None else None


# --- rating ----------------------------------------------------------------------------------

async def rate(session: AsyncSession, *, office: SurveyOffice, period: PeriodRecord,
               account_id: int, platform: str, phone: str, service: str, stars: int,
               now: datetime, rules: SurveyRules = SurveyRules(), verified: bool = True,
               not_before: datetime | None = None) -> RatingOutcome:
    """Record (or replace) the number's rating of the office for the period, and hold it when it
    is part of a burst. Raises SurveyRefusal over a rate limit. Flushes; the caller commits.

    The office's ratings are taken one at a time (its limits, its bursts: two ratings at once
    must not both open a flag and tell the region twice), and saved with one INSERT … ON
    CONFLICT DO UPDATE on (period, office, number): of a double tap, the first inserts and the
    second replaces it, never a second row."""
    if stars not in STARS:
        raise ValueError(f"stars must be 1–5, not {stars!r}")
    await serialize(session, f"survey-office:{office.id}")
    hour_ago, day_ago = now - timedelta(hours=1), now - timedelta(days=1)
    this_hour = await session.scalar(select(func.count()).select_from(SurveyRating).where(
        SurveyRating.office_id == office.id, SurveyRating.rated_at > hour_ago,
        SurveyRating.phone != phone)) or 0
    if this_hour >= rules.office_per_hour:
        raise SurveyRefusal("survey-busy")
    other_offices = await session.scalar(
        select(func.count(func.distinct(SurveyRating.office_id))).where(
            SurveyRating.account_id == account_id, SurveyRating.rated_at > day_ago,
            SurveyRating.office_id != office.id)) or 0
    if other_offices >= rules.account_per_day:
        raise SurveyRefusal("survey-too-many")
    created = await session.scalar(select(Account.created_at).where(Account.id == account_id))
    fresh = {"account_id": account_id, "platform": platform, "service": service,
             "stars": stars, "new_account": now - (created or now) < rules.new_account_age,
             "rated_at": now, "status": "counted" if verified else "unverified",
             "flag_id": None, "comment": None, "extra_fee": None}
    upsert = dialect_insert(session)(SurveyRating).values(
        period_id=period.id, office_id=office.id, phone=phone, verified=verified, replaced=0,
        **fresh)
    saved = (await session.execute(upsert.on_conflict_do_update(
        index_elements=["period_id", "office_id", "phone", "verified"],
        set_={**fresh, "replaced": SurveyRating.replaced + 1})
        .returning(SurveyRating.id, SurveyRating.replaced))).one()
    row = await session.get(SurveyRating, saved.id, populate_existing=True)
    assert row is not None
    if not verified:  # never counted: neither part of a burst nor held
        return RatingOutcome(_record(row), saved.replaced > 0, False, None, False)
    flag_id, new_flag = await _check_burst(session, office, period.id, row, now, rules,
                                           not_before)
    return RatingOutcome(_record(row), saved.replaced > 0, row.status == "held", flag_id,
                         new_flag)


async def _check_burst(session: AsyncSession, office: SurveyOffice, period_id: int,
                       row: SurveyRating, now: datetime, rules: SurveyRules,
                       not_before: datetime | None = None) -> tuple[int | None, bool]:
    since = now - rules.window
    active = await session.scalar(select(SurveyFlag).where(
        SurveyFlag.office_id == office.id, SurveyFlag.period_id == period_id,
        SurveyFlag.status == "open", SurveyFlag.last_at > since)
        .order_by(SurveyFlag.id.desc()).limit(1))
    if active is not None:  # the burst goes on: everything the office gets waits with it
        row.status, row.flag_id = "held", active.id
        active.last_at = now
        await session.flush()
        return active.id, False
    recent = list((await session.scalars(select(SurveyRating).where(
        SurveyRating.office_id == office.id, SurveyRating.period_id == period_id,
        SurveyRating.rated_at > since, SurveyRating.status == "counted"))).all())
    top = [r for r in recent if r.stars == TOP]
    new = [r for r in recent if r.new_account]
    reasons = [name for name, rows, limit in (("top", top, rules.burst_top),
                                              ("new", new, rules.burst_new))
               if len(rows) >= limit]
    if not reasons:
        return None, False
    held = {r.id: r for r in (top if "top" in reasons else []) + (new if "new" in reasons
                                                                  else [])}
    flag = SurveyFlag(period_id=period_id, office_id=office.id, reason=",".join(reasons),
                      first_at=min(r.rated_at for r in held.values()), last_at=now)
    session.add(flag)
    await session.flush()
    for rating in held.values():
        rating.status, rating.flag_id = "held", flag.id
    if row.id not in held:  # a 3-star rating that completed a burst of new accounts
        row.status, row.flag_id = "held", flag.id
    await audit(session, actor="system", action="survey.flag", entity="office",
                entity_id=office.id, new={"flag": flag.id, "reason": flag.reason,
                                          "held": len(held)})
    await session.flush()
    await _notify_region(session, office, flag.id, len(held), not_before)
    return flag.id, True


async def region_reviewers(session: AsyncSession, region: int) -> list[Account]:
    """The region's reviewers that can be reached."""
    return list((await session.scalars(
        select(Account).join(StaffRole, StaffRole.account_id == Account.id)
        .where(StaffRole.role == "reviewer", StaffRole.region_code == region,
               Account.unreachable_at.is_(None)).distinct())).all())


async def _notify_region(session: AsyncSession, office: SurveyOffice, flag_id: int,
                         count: int, not_before: datetime | None = None) -> None:
    for account in await region_reviewers(session, office.region_code):
        await notify(session, account, "survey-flag-notice", kind="survey_flag",
                     not_before=not_before,
                     dedup_key=f"survey-flag:{flag_id}:{account.id}",
                     name=office.name, code=office.code, count=count)


async def owns_rating(session: AsyncSession, rating_id: int, account_id: int) -> bool:
    """Whether this account made the rating (callback data is never trusted)."""
    return await session.scalar(select(SurveyRating.id).where(
        SurveyRating.id == rating_id, SurveyRating.account_id == account_id)) is not None


async def _set_own(session: AsyncSession, rating_id: int, account_id: int,
                   **values: object) -> bool:
    changed = await session.execute(update(SurveyRating).where(
        SurveyRating.id == rating_id, SurveyRating.account_id == account_id).values(**values))
    return bool(changed.rowcount)  # type: ignore[attr-defined]


async def set_fee(session: AsyncSession, rating_id: int, account_id: int, value: bool | None
                  ) -> bool:
    """False when the rating is not this account's."""
    return await _set_own(session, rating_id, account_id, extra_fee=value)


async def set_comment(session: AsyncSession, rating_id: int, account_id: int, text: str
                      ) -> bool:
    """False when the rating is not this account's."""
    return await _set_own(session, rating_id, account_id,
                          comment=" ".join(text.split())[:COMMENT_MAX] or None)
