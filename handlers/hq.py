"""Headquarters: rank a period and publish its results from the bot (`/publish`).

Buttons are `hq:<action>:<period id>`; the role is checked against the database for every
update, and the period is loaded again on every press. Publishing asks once for confirmation;
publishing a published period only says when it was published.
"""

from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.review_base import HasRole, who
from scoring.calendar import format_jalali_date, period_title
from services.clock import Clock
from storage.accounts import Actor
from storage.admin import period_record
from storage.models import Declaration, Period
from storage.records import PeriodRecord
from storage.results import (
    RankSummary,
    ResultsError,
    publish,
    publish_refusal,
    published_count,
    rank_period,
)
from texts.i18n import Translator
from texts.keyboards import InlineKeyboardBuilder

router = Router(name=__name__)
router.message.filter(HasRole("hq"))
router.callback_query.filter(HasRole("hq"))


async def _latest(session: AsyncSession, now: datetime) -> PeriodRecord | None:
    """The latest period that has opened and is not yet published, else the latest opened."""
    rows = (await session.scalars(select(Period).where(Period.opens_at <= now)
                                  .order_by(Period.opens_at.desc()))).all()
    for row in rows:
        if row.published_at is None:
            return period_record(row)
    return period_record(rows[0]) if rows else None


def _explain(t: Translator, error: ResultsError) -> str:
    return t(error.key, **{name: format_jalali_date(value, t.lang)
                           if isinstance(value, datetime) else value
                           for name, value in error.args_.items()})


def _ranking_lines(t: Translator, summary: RankSummary) -> list[str]:
    return [t("hq-ranked", offices=summary.offices,
              declared=summary.by_source.get("declared", 0),
              carried=summary.by_source.get("carried_forward", 0),
              minimum=summary.by_source.get("minimum", 0)),
            t("hq-ranks", one=summary.by_rank.get(1, 0), two=summary.by_rank.get(2, 0),
              three=summary.by_rank.get(3, 0)),
            t("hq-changed", changed=summary.changed, unchanged=summary.unchanged)]


async def _panel(message: Message, session: AsyncSession, t: Translator,
                 period: PeriodRecord, now: datetime) -> None:
    by_status = dict((await session.execute(
        select(Declaration.status, func.count()).where(Declaration.period_id == period.id)
        .group_by(Declaration.status))).all())
    lines = [t("hq-title", period=period_title(period.code, t.lang)),
             t("hq-declarations", submitted=by_status.get("submitted", 0),
               returned=by_status.get("returned", 0),
               confirmed=by_status.get("confirmed", 0) + by_status.get("published", 0),
               drafts=by_status.get("draft", 0)),
             t("hq-results", count=await published_count(session, period.id))]
    kb = InlineKeyboardBuilder()
    if period.published_at is not None:
        lines.append(t("hq-already", date=format_jalali_date(period.published_at, t.lang)))
    else:
        refusal = publish_refusal(period, now)
        if refusal is not None:
            lines.append(_explain(t, refusal))
        kb.button(text=t("hq-button-rank"), callback_data=f"hq:r:{period.id}")
        if refusal is None:
            kb.button(text=t("hq-button-publish"), callback_data=f"hq:p:{period.id}")
        kb.adjust(1)
    await message.answer("\n".join(lines), reply_markup=kb.as_markup())


def _check(period: PeriodRecord, now: datetime) -> None:
    refusal = publish_refusal(period, now)
    if period.published_at is None and refusal is not None:
        raise refusal


@router.message(Command("publish"))
async def open_panel(message: Message, session: AsyncSession, t: Translator,
                     clock: Clock) -> None:
    now = clock.now()
    period = await _latest(session, now)
    if period is None:
        await message.answer(t("rv-no-period"))
        return
    await _panel(message, session, t, period, now)


@router.callback_query(F.data.startswith("hq:"))
async def on_button(callback: CallbackQuery, session: AsyncSession, actor: Actor,
                    t: Translator, clock: Clock) -> None:
    parts = (callback.data or "").split(":")
    message = callback.message
    if len(parts) != 3 or parts[1] not in ("r", "p", "py") or not parts[2].isdigit() \
            or not isinstance(message, Message):
        await callback.answer(t("rv-stale"), show_alert=True)
        return
    row = await session.get(Period, int(parts[2]))
    if row is None:
        await callback.answer(t("rv-stale"), show_alert=True)
        return
    period = period_record(row)
    now = clock.now()
    answered = False
    try:
        if parts[1] == "r":
            answered = await callback.answer(t("hq-ranking"))
            summary = await rank_period(session, period.id, now)
            await session.commit()
            key = "hq-rank-frozen" if summary.frozen else "hq-rank-done"
            await message.answer("\n".join([t(key, period=period_title(period.code, t.lang),
                                               seconds=round(summary.seconds, 2)),
                                             *_ranking_lines(t, summary)]))
        elif parts[1] == "p":
            _check(period, now)
            answered = await callback.answer()
            kb = InlineKeyboardBuilder()
            kb.button(text=t("hq-button-publish-yes"), callback_data=f"hq:py:{period.id}")
            await message.answer(t("hq-publish-ask", period=period_title(period.code, t.lang)),
                                 reply_markup=kb.as_markup())
        else:
            _check(period, now)
            answered = await callback.answer(t("hq-publishing"))
            summary = await publish(session, period.id, now, actor=who(actor).label,
                                    actor_account_id=actor.account_id)
            if summary.already:
                await message.answer(t("hq-already", date=format_jalali_date(
                    summary.published_at, t.lang)))
                return
            assert summary.ranking is not None
            lines = [t("hq-published", period=period_title(period.code, t.lang),
                       queued=summary.queued, unreachable=summary.unreachable),
                     *_ranking_lines(t, summary.ranking)]
            await message.answer("\n".join(lines))
    except ResultsError as error:
        await session.rollback()
        text = _explain(t, error)
        if answered:
            await message.answer(text)
        else:
            await callback.answer(text, show_alert=True)
