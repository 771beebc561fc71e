"""The citizens' satisfaction survey: links, ratings and their integrity.

Links. Each office has a random token (14 characters, about 70 bits) in its deep link
`/start s_<token>`: nothing in a link says which office it is, and a token can be rotated when a
poster is abused. The same token serves Bale and Telegram.

Ratings. One per phone number per office per period; a later rating from the same number replaces
the earlier one in place. The period a rating belongs to is `survey_period`: the newest unpublished
period that has opened, else the next one to open. Accounts linked to the office, the holder's
number, staff and linked experts cannot rate it.

Integrity. Per office at most `office_per_hour` ratings an hour, per account at most
`account_per_day` offices a day (refused). Inside a sliding window, `burst_top` top ratings or
`burst_new` ratings from accounts that first talked to the bot moments before open a flag for the
region: the burst's ratings, and every rating of the office while the burst goes on, are held
out of the score until a reviewer clears them (they count) or rejects them (they never count).

Scores and the reports of fees beyond the tariff: `storage.survey_scores`.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.text import normalize_persian, to_ascii_digits
from storage.admin import AdminError, audit, period_record
from storage.models import (
    Account,
    AccountOffice,
    Office,
    Period,
    StaffRole,
)
from storage.models_survey import SurveyFlag, SurveyLink, SurveyRating, SurveyService
from storage.records import PeriodRecord

PAYLOAD_PREFIX = "s_"
TOKEN_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no l/1, o/0: a link may be read aloud
TOKEN_LENGTH = 14
_TOKEN = re.compile(r"^[a-z0-9]{6,24}$")
STARS = (1, 2, 3, 4, 5)
TOP = 5
COMMENT_MAX = 1000
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
class SurveyOffice:
    id: int
    code: str
    name: str
    city: str
    region_code: int
    holder_phone: str
    token: str


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


# --- links -----------------------------------------------------------------------------------

def new_token() -> str:
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def payload(token: str) -> str:
    return PAYLOAD_PREFIX + token


def token_from_payload(args: str | None) -> str | None:
    """`s_<token>` → the token; None for anything that is not one."""
    text = (args or "").strip()
    if not text.startswith(PAYLOAD_PREFIX):
        return None
    token = text[len(PAYLOAD_PREFIX):].lower()
    return token if _TOKEN.match(token) else None


def deep_link(platform: str, username: str, token: str) -> str:
    """The link a poster's QR code holds: Telegram's t.me or Bale's ble.ir."""
    host = "ble.ir" if platform == "bale" else "t.me"
    return f"https://{host}/{username.lstrip('@')}?start={payload(token)}"


def _survey_office(office: Office, token: str) -> SurveyOffice:
    return SurveyOffice(office.id, office.code, office.name, office.city, office.region_code,
                        office.holder_phone, token)


async def ensure_links(session: AsyncSession, office_ids: list[int]) -> dict[int, str]:
    """The active token of each office, created where missing (flushes; the caller commits)."""
    tokens: dict[int, str] = {}
    for start in range(0, len(office_ids), 500):
        chunk = office_ids[start:start + 500]
        tokens.update((await session.execute(
            select(SurveyLink.office_id, SurveyLink.token).where(
                SurveyLink.office_id.in_(chunk), SurveyLink.revoked_at.is_(None)))).all())
    for office_id in office_ids:
        if office_id not in tokens:
            tokens[office_id] = new_token()
            session.add(SurveyLink(office_id=office_id, token=tokens[office_id]))
    await session.flush()
    return tokens


async def rotate_link(session: AsyncSession, office_code: str, now: datetime,
                      actor: str = "cli") -> SurveyOffice:
    """Revoke the office's token (old posters stop working) and issue a new one; commits."""
    office = await _office_by_code(session, office_code)
    await session.execute(update(SurveyLink).where(
        SurveyLink.office_id == office.id, SurveyLink.revoked_at.is_(None))
        .values(revoked_at=now))
    token = new_token()
    session.add(SurveyLink(office_id=office.id, token=token))
    await audit(session, actor=actor, action="survey.link.rotate", entity="office",
                entity_id=office.id)
    await session.commit()
    return _survey_office(office, token)


async def _office_by_code(session: AsyncSession, code: str) -> Office:
    office = await session.scalar(select(Office).where(
        Office.code == to_ascii_digits(code).strip()))
    if office is None:
        raise AdminError(f"no office with code {code!r}")
    return office


async def office_for_token(session: AsyncSession, token: str) -> SurveyOffice | None:
    row = (await session.execute(
        select(Office, SurveyLink.token).join(SurveyLink, SurveyLink.office_id == Office.id)
        .where(SurveyLink.token == token, SurveyLink.revoked_at.is_(None)))).first()
    return _survey_office(row[0], row[1]) if row else None


async def office_links(session: AsyncSession, *, region: int | None = None,
                       office_code: str | None = None,
                       office_id: int | None = None) -> list[SurveyOffice]:
    """Offices (all, one region's, or one) with their tokens, by code; creates missing tokens
    (the caller commits)."""
    query = select(Office).order_by(Office.region_code, Office.code)
    if office_code is not None:
        query = query.where(Office.id == (await _office_by_code(session, office_code)).id)
    if office_id is not None:
        query = query.where(Office.id == office_id)
    if region is not None:
        query = query.where(Office.region_code == region)
    offices = list((await session.scalars(query)).all())
    tokens = await ensure_links(session, [o.id for o in offices])
    return [_survey_office(o, tokens[o.id]) for o in offices]


# --- services --------------------------------------------------------------------------------

async def services(session: AsyncSession) -> list[Service]:
    rows = (await session.scalars(select(SurveyService).order_by(
        SurveyService.position, SurveyService.key))).all()
    if not rows:
        return [Service(*row) for row in DEFAULT_SERVICES]
    return [Service(r.key, r.title_fa, r.title_en) for r in rows]


async def import_services(session: AsyncSession, path: Path, actor: str = "cli") -> int:
    """Replace the list from a CSV: key, title_fa, title_en (in asking order); commits."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise AdminError(f"cannot read {path}: {exc}") from exc
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows:
        raise AdminError(f"{path.name}: no rows")
    if not 2 <= len(rows) <= 12:
        raise AdminError(f"{path.name}: give 2 to 12 services, not {len(rows)}")
    seen: set[str] = set()
    items = []
    for number, row in enumerate(rows, start=2):
        key = (row.get("key") or "").strip()
        title_fa = normalize_persian(row.get("title_fa") or "")
        if not re.fullmatch(r"[a-z0-9_]{1,16}", key):
            raise AdminError(f"row {number}: key must be 1–16 of a-z, 0-9, _ (not {key!r})")
        if key in seen:
            raise AdminError(f"row {number}: duplicate key {key!r}")
        if not title_fa or len(title_fa) > 60:
            raise AdminError(f"row {number}: title_fa must be 1–60 characters")
        seen.add(key)
        items.append(SurveyService(key=key, title_fa=title_fa, position=number,
                                   title_en=(row.get("title_en") or "").strip()[:100]))
    old = [s.key for s in await services(session)]
    for row in (await session.scalars(select(SurveyService))).all():
        await session.delete(row)
    await session.flush()
    session.add_all(items)
    await audit(session, actor=actor, action="survey.services.import", entity="survey",
                entity_id="services", old=old, new=[i.key for i in items])
    await session.commit()
    return len(items)


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


async def previous_rating(session: AsyncSession, period_id: int, office_id: int, phone: str
                          ) -> RatingRecord | None:
    row = await session.scalar(select(SurveyRating).where(
        SurveyRating.period_id == period_id, SurveyRating.office_id == office_id,
        SurveyRating.phone == phone))
    return _record(row) if row is not None else None


# --- rating ----------------------------------------------------------------------------------

async def rate(session: AsyncSession, *, office: SurveyOffice, period: PeriodRecord,
               account_id: int, platform: str, phone: str, service: str, stars: int,
               now: datetime, rules: SurveyRules = SurveyRules()) -> RatingOutcome:
    """Record (or replace) the number's rating of the office for the period, and hold it when it
    is part of a burst. Raises SurveyRefusal over a rate limit. Flushes; the caller commits."""
    if stars not in STARS:
        raise ValueError(f"stars must be 1–5, not {stars!r}")
    row = await session.scalar(select(SurveyRating).where(
        SurveyRating.period_id == period.id, SurveyRating.office_id == office.id,
        SurveyRating.phone == phone))
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
    account = await session.get(Account, account_id)
    created = account.created_at if account is not None else now
    new_account = now - created < rules.new_account_age
    replaced = row is not None
    if row is None:
        row = SurveyRating(period_id=period.id, office_id=office.id, phone=phone)
        session.add(row)
    else:
        row.replaced = (row.replaced or 0) + 1
        row.comment = None
        row.extra_fee = None
    row.account_id, row.platform, row.service, row.stars = account_id, platform, service, stars
    row.new_account, row.rated_at = new_account, now
    row.status, row.flag_id = "counted", None
    await session.flush()
    flag_id, new_flag = await _check_burst(session, office, period.id, row, now, rules)
    return RatingOutcome(_record(row), replaced, row.status == "held", flag_id, new_flag)


async def _check_burst(session: AsyncSession, office: SurveyOffice, period_id: int,
                       row: SurveyRating, now: datetime, rules: SurveyRules
                       ) -> tuple[int | None, bool]:
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
    await _notify_region(session, office, flag, len(held))
    return flag.id, True


async def _notify_region(session: AsyncSession, office: SurveyOffice, flag: SurveyFlag,
                         count: int) -> None:
    from storage.outbox import enqueue_to_account

    reviewers = (await session.scalars(
        select(Account).join(StaffRole, StaffRole.account_id == Account.id)
        .where(StaffRole.role == "reviewer", StaffRole.region_code == office.region_code,
               Account.unreachable_at.is_(None)).distinct())).all()
    for account in reviewers:
        await enqueue_to_account(session, account, "survey-flag-notice", kind="survey_flag",
                                 dedup_key=f"survey-flag:{flag.id}:{account.id}",
                                 name=office.name, code=office.code, count=count)


async def own_rating(session: AsyncSession, rating_id: int, account_id: int
                     ) -> SurveyRating | None:
    """The rating, if this account made it (callback data is never trusted)."""
    row = await session.get(SurveyRating, rating_id)
    return row if row is not None and row.account_id == account_id else None


async def set_fee(session: AsyncSession, rating_id: int, account_id: int, value: bool | None
                  ) -> bool:
    row = await own_rating(session, rating_id, account_id)
    if row is None:
        return False
    row.extra_fee = value
    return True


async def set_comment(session: AsyncSession, rating_id: int, account_id: int, text: str
                      ) -> bool:
    row = await own_rating(session, rating_id, account_id)
    if row is None:
        return False
    row.comment = " ".join(text.split())[:COMMENT_MAX] or None
    return True
