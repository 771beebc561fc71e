"""Evaluation periods: opening one (its windows and a snapshot of its rubric), editing or
cancelling it before it opens, extending its owners' window while it is open, listing them.

Each change is refused with a code the presentation side puts into words
(`admin-period-overlaps` names both windows), runs under the `periods` lock (of two overlapping
periods created at once, one is created and the other refused), and writes its audit row in its
transaction. An extension tells the owners who have not submitted the new last day (outbox).
"""

from __future__ import annotations

from datetime import datetime

from scoring.calendar import format_jalali_numeric, last_day, period_title, utcnow
from services.errors import Conflict, Invalid, NotFound
from services.send_hours import SendHours, by_day
from services.staff import label, require_hq
from services.uow import UnitOfWork
from storage import admin, periods, winners
from storage.accounts import Actor
from storage.admin import audit
from storage.exclusive import serialize
from storage.outbox import notify
from storage.records import PeriodRecord

__all__ = ["cancel_period", "create_period", "edit_period", "extend_period", "get_period",
           "list_periods", "read_rubric", "window_text"]


def window_text(opens_at: datetime, closes_at: datetime) -> str:
    """An owners' window as its Jalali first and last days (Latin digits; Persian texts show
    them in Persian digits)."""
    return (f"{format_jalali_numeric(opens_at, 'en')} – "
            f"{format_jalali_numeric(last_day(closes_at), 'en')}")


def _check_order(opens_at: datetime, closes_at: datetime, review_opens_at: datetime,
                 review_closes_at: datetime) -> None:
    if closes_at <= opens_at:
        raise Invalid("admin-period-closes-first")
    if review_closes_at < review_opens_at:
        raise Invalid("admin-review-closes-first")
    if review_opens_at < opens_at:
        raise Invalid("admin-review-before-owners")


async def _refuse_overlap(uow: UnitOfWork, code: str, opens_at: datetime, closes_at: datetime,
                          exclude_id: int | None = None) -> None:
    other = await periods.overlapping(uow.session, opens_at, closes_at, exclude_id)
    if other is not None:
        raise Conflict("admin-period-overlaps", code=code,
                       window=window_text(opens_at, closes_at), other=other.code,
                       other_window=window_text(other.opens_at, other.closes_at))


def _dates(p: PeriodRecord) -> dict[str, datetime | None]:
    return {"opens_at": p.opens_at, "closes_at": p.closes_at,
            "review_opens_at": p.review_opens_at, "review_closes_at": p.review_closes_at,
            "liaison_deadline": p.liaison_deadline}


async def _audit(uow: UnitOfWork, actor: Actor | None, action: str, period: PeriodRecord, *,
                 old: object = None, new: object = None, reason: str | None = None) -> None:
    await audit(uow.session, actor=label(actor),
                actor_account_id=actor.account_id if actor else None, action=action,
                entity="period", entity_id=period.id, old=old, new=new, reason=reason)


async def _get(uow: UnitOfWork, code: str) -> PeriodRecord:
    period = await admin.find_period(uow.session, code)
    if period is None:
        raise NotFound("admin-no-period", code=code)
    return period


# What another person may have done to a period since one looked at it.
_CHANGES = ("period.edit", "period.extend")


async def _under_lock(uow: UnitOfWork, code: str, seen: PeriodRecord | None) -> PeriodRecord:
    """The period under the `periods` lock, as it is now. Changed or cancelled by someone since
    `seen` (the period as the person saw it; by default as this transaction read it before
    waiting for the lock, so of two changes at once the second is refused): refused naming who
    and when (`admin-period-changed-by`, `admin-period-cancelled-by`)."""
    before = seen or await admin.find_period(uow.session, code)
    await serialize(uow.session, "periods")
    period = await periods.fresh(uow.session, code)
    if period is None:
        winner = await winners.period_cancel(uow.session, code)
        if winner is not None:
            raise Conflict("admin-period-cancelled-by", code=code, by=winner.name, at=winner.at)
        raise NotFound("admin-no-period", code=code)
    if before is not None and _dates(period) != _dates(before):
        winner = await winners.last_audited(uow.session, "period", period.id, _CHANGES)
        if winner is not None:
            raise Conflict("admin-period-changed-by", code=code, by=winner.name, at=winner.at)
    return period


async def _not_started(uow: UnitOfWork, code: str, now: datetime,
                       seen: PeriodRecord | None = None) -> PeriodRecord:
    """The period under the `periods` lock, if it has not opened yet."""
    period = await _under_lock(uow, code, seen)
    if period.opens_at <= now:
        raise Conflict("admin-period-started", code=code)
    return period


async def create_period(uow: UnitOfWork, *, code: str, opens_at: datetime, closes_at: datetime,
                        review_opens_at: datetime, review_closes_at: datetime,
                        rubric_code: str, rubric_text: str,
                        liaison_deadline: datetime | None = None,
                        actor: Actor | None = None) -> PeriodRecord:
    """Open a period (`actor` None: the command line). Refusals: `admin-period-closes-first`,
    `admin-review-closes-first`, `admin-review-before-owners`, `admin-period-exists` and
    `admin-period-overlaps` (also for the second of two at once)."""
    require_hq(actor)
    _check_order(opens_at, closes_at, review_opens_at, review_closes_at)
    async with uow:
        await serialize(uow.session, "periods")
        if await admin.find_period(uow.session, code) is not None:
            raise Conflict("admin-period-exists", code=code)
        await _refuse_overlap(uow, code, opens_at, closes_at)
        period = await admin.add_period(
            uow.session, code=code, opens_at=opens_at, closes_at=closes_at,
            review_opens_at=review_opens_at, review_closes_at=review_closes_at,
            liaison_deadline=liaison_deadline, rubric_code=rubric_code, rubric_text=rubric_text)
        await _audit(uow, actor, "period.create", period,
                     new={**_dates(period), "code": code, "rubric": rubric_code})
        await uow.commit()
    return period


async def edit_period(uow: UnitOfWork, code: str, *, opens_at: datetime | None = None,
                      closes_at: datetime | None = None,
                      review_opens_at: datetime | None = None,
                      review_closes_at: datetime | None = None,
                      liaison_deadline: datetime | None = None, reason: str | None = None,
                      actor: Actor | None = None, now: datetime | None = None,
                      seen: PeriodRecord | None = None) -> PeriodRecord:
    """Change the dates of a period that has not opened yet (a date not given stays, except the
    regions' window, which follows the owners' where they were the same). Refusals:
    `admin-no-period`, `admin-period-started`, the order refusals of `create_period` and
    `admin-period-overlaps`, `admin-period-changed-by` (also for the second of two at once),
    `admin-period-cancelled-by`."""
    require_hq(actor)
    now = now or utcnow()
    async with uow:
        period = await _not_started(uow, code, now, seen)
        old = _dates(period)
        given = {"opens_at": opens_at, "closes_at": closes_at,
                 "review_opens_at": review_opens_at, "review_closes_at": review_closes_at,
                 "liaison_deadline": liaison_deadline}
        # The regions' window follows the owners' where it was the same (the default).
        if review_opens_at is None and period.review_opens_at == period.opens_at:
            given["review_opens_at"] = opens_at
        if review_closes_at is None and period.review_closes_at == period.closes_at:
            given["review_closes_at"] = closes_at
        new = {**old, **{k: v for k, v in given.items() if v is not None}}
        if new == old:
            return period
        _check_order(new["opens_at"], new["closes_at"],  # type: ignore[arg-type]
                     new["review_opens_at"], new["review_closes_at"])  # type: ignore[arg-type]
        if new["opens_at"] <= now:  # type: ignore[operator]
            raise Invalid("admin-period-opens-in-past", code=code)
        await _refuse_overlap(uow, code, new["opens_at"], new["closes_at"],  # type: ignore[arg-type]
                              period.id)
        changed = {k: v for k, v in new.items() if v != old[k]}
        edited = await periods.set_dates(uow.session, period.id, **changed)
        await _audit(uow, actor, "period.edit", edited,
                     old={k: old[k] for k in changed}, new={**changed, "code": code},
                     reason=reason)
        await uow.commit()
    return edited


async def cancel_period(uow: UnitOfWork, code: str, *, reason: str,
                        actor: Actor | None = None, now: datetime | None = None,
                        seen: PeriodRecord | None = None) -> PeriodRecord:
    """Cancel a period that has not opened yet: it is removed, and the audit row keeps what it
    was. Refusals: `admin-reason-required`, `admin-no-period`, `admin-period-started`,
    `admin-period-cancelled-by` (also for the second of two at once),
    `admin-period-changed-by`."""
    require_hq(actor)
    if not reason.strip():
        raise Invalid("admin-reason-required")
    now = now or utcnow()
    async with uow:
        period = await _not_started(uow, code, now, seen)
        if not await periods.remove(uow.session, period.id):
            raise NotFound("admin-no-period", code=code)
        await _audit(uow, actor, "period.cancel", period,
                     old={**_dates(period), "code": code, "rubric": period.rubric_code},
                     reason=reason.strip())
        await uow.commit()
    return period


async def extend_period(uow: UnitOfWork, code: str, *, closes_at: datetime,
                        reason: str | None = None, actor: Actor | None = None,
                        now: datetime | None = None, hours: SendHours | None = None,
                        seen: PeriodRecord | None = None) -> tuple[PeriodRecord, int]:
    """Move the close of an open owners' window later; the review window's close follows when
    it would end first. The owners who have not submitted are told the new last day, within
    the send hours (`hours`: an extension made at night reaches them in the morning). The
    period as it is now and how many notices were queued. Refusals: `admin-no-period`,
    `admin-period-not-open`, `admin-extend-earlier`, `admin-period-overlaps`,
    `admin-period-changed-by` (also for the second of two at once), `admin-period-cancelled-by`.
    """
    require_hq(actor)
    now = now or utcnow()
    async with uow:
        period = await _under_lock(uow, code, seen)
        if not period.is_open(now):
            raise Conflict("admin-period-not-open", code=code)
        if closes_at <= period.closes_at:
            raise Invalid("admin-extend-earlier", code=code,
                          date=format_jalali_numeric(last_day(period.closes_at), "en"))
        await _refuse_overlap(uow, code, period.opens_at, closes_at, period.id)
        changes: dict[str, datetime | None] = {"closes_at": closes_at}
        if period.review_closes_at < closes_at:
            changes["review_closes_at"] = closes_at
        extended = await periods.set_dates(uow.session, period.id, **changes)
        day = format_jalali_numeric(last_day(closes_at), "en")
        told = 0
        for row in await periods.owners_not_submitted(uow.session, period.id):
            told += await notify(
                uow.session, _Recipient(row.id, row.platform, row.platform_user_id, row.locale),
                "period-extended-notice", kind="period",
                dedup_key=f"extend:{period.id}:{day}:{row.id}:{row.code}",
                not_before=by_day(now, hours),
                period_fa=period_title(period.code, "fa"),
                period_en=period_title(period.code, "en"), office=row.name, code=row.code,
                date=day)
        await _audit(uow, actor, "period.extend", extended,
                     old={k: _dates(period)[k] for k in changes},
                     new={**changes, "owners_told": told}, reason=reason)
        await uow.commit()
    return extended, told


class _Recipient:
    __slots__ = ("id", "locale", "platform", "platform_user_id")

    def __init__(self, account_id: int, platform: str, user_id: int, locale: str) -> None:
        self.id, self.platform, self.platform_user_id, self.locale = (
            account_id, platform, user_id, locale)


async def list_periods(uow: UnitOfWork) -> list[PeriodRecord]:
    async with uow:
        return await admin.list_periods(uow.session)


async def get_period(uow: UnitOfWork, code: str, actor: Actor | None = None) -> PeriodRecord:
    """One period with its rubric snapshot. Refusals: `admin-hq-only`, `admin-no-period`."""
    require_hq(actor)
    async with uow:
        return await _get(uow, code)


def read_rubric(text: str | None) -> tuple[str, str]:
    """The rubric a new period is scored with, as (its code, its TOML text): the sample when
    `text` is None, else `text` checked as `pishkhan period create --rubric` checks a file.
    Refusal: `admin-rubric-invalid` listing every problem."""
    from scoring.rubric import RubricError, load_rubric, load_sample_rubric
    from scoring.rubric.loader import sample_rubric_text

    if text is None:
        return load_sample_rubric().code, sample_rubric_text()
    try:
        return load_rubric(text if "\n" in text else text + "\n").code, text
    except RubricError as error:
        raise Invalid("admin-rubric-invalid", errors="; ".join(error.errors)) from None
