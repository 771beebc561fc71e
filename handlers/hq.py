"""Headquarters: rank a period and publish its results from the bot (`/publish`).

Buttons are `HqCb` (`hq:<action>:<period id>`); the role is checked against the database for every
update, and the period is loaded again on every press. Publishing asks once for confirmation;
publishing a published period only says when it was published.
"""

from __future__ import annotations

from datetime import datetime

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from handlers.review_base import HasRole
from scoring.calendar import format_jalali_date, period_title
from services import results
from services.clock import Clock
from services.errors import ServiceError
from services.uow import UnitOfWork
from storage.accounts import Actor
from storage.results import RankSummary, ResultsError
from texts.i18n import Translator
from texts.keyboards import InlineKeyboardBuilder
from texts.review_callbacks import HqCb


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


async def _panel(message: Message, t: Translator, panel: results.Panel) -> None:
    period, by_status = panel.period, panel.by_status
    lines = [t("hq-title", period=period_title(period.code, t.lang)),
             t("hq-declarations", submitted=by_status.get("submitted", 0),
               returned=by_status.get("returned", 0),
               confirmed=by_status.get("confirmed", 0) + by_status.get("published", 0),
               drafts=by_status.get("draft", 0)),
             t("hq-results", count=panel.results)]
    kb = InlineKeyboardBuilder()
    if period.published_at is not None:
        lines.append(t("hq-already", date=format_jalali_date(period.published_at, t.lang)))
    else:
        if panel.refusal is not None:
            lines.append(_explain(t, panel.refusal))
        kb.button(text=t("hq-button-rank"), callback_data=HqCb(action="r", period=period.id))
        if panel.refusal is None:
            kb.button(text=t("hq-button-publish"),
                      callback_data=HqCb(action="p", period=period.id))
        kb.adjust(1)
    await message.answer("\n".join(lines), reply_markup=kb.as_markup())


async def open_panel(message: Message, actor: Actor, t: Translator, clock: Clock,
                     uow: UnitOfWork) -> None:
    panel = await results.panel(uow, actor, clock.now())
    if panel is None:
        await message.answer(t("rv-no-period"))
        return
    await _panel(message, t, panel)


async def on_button(callback: CallbackQuery, callback_data: HqCb, actor: Actor,
                    t: Translator, clock: Clock, uow: UnitOfWork) -> None:
    message = callback.message
    if not isinstance(message, Message):
        await callback.answer(t("rv-stale"), show_alert=True)
        return
    now = clock.now()
    action = callback_data.action
    answered = False
    try:
        period = await results.publishable(uow, actor, callback_data.period, now) \
            if action != "r" else None
        if action == "r":
            answered = await callback.answer(t("hq-ranking"))
            summary = await results.rank(uow, actor, callback_data.period, now)
            key = "hq-rank-frozen" if summary.frozen else "hq-rank-done"
            await message.answer("\n".join([t(key, period=period_title(summary.period_code,
                                                                         t.lang),
                                               seconds=round(summary.seconds, 2)),
                                             *_ranking_lines(t, summary)]))
        elif action == "p":
            assert period is not None
            answered = await callback.answer()
            kb = InlineKeyboardBuilder()
            kb.button(text=t("hq-button-publish-yes"),
                      callback_data=HqCb(action="py", period=period.id))
            await message.answer(t("hq-publish-ask", period=period_title(period.code, t.lang)),
                                 reply_markup=kb.as_markup())
        else:
            answered = await callback.answer(t("hq-publishing"))
            summary = await results.publish(uow, actor, callback_data.period, now)
            if summary.already:
                await message.answer(t("hq-already", date=format_jalali_date(
                    summary.published_at, t.lang)))
                return
            assert summary.ranking is not None
            lines = [t("hq-published", period=period_title(summary.period_code, t.lang),
                       queued=summary.queued, unreachable=summary.unreachable),
                     *_ranking_lines(t, summary.ranking)]
            await message.answer("\n".join(lines))
    except ResultsError as error:
        text = _explain(t, error)
        if answered:
            await message.answer(text)
        else:
            await callback.answer(text, show_alert=True)
    except ServiceError:
        await callback.answer(t("rv-stale"), show_alert=True)


def setup() -> Router:
    """This feature's handlers on a new router (each call builds a new one)."""
    router = Router(name=__name__)
    router.message.filter(HasRole("hq"))
    router.callback_query.filter(HasRole("hq"))
    router.message.register(open_panel, Command("publish"))
    router.callback_query.register(on_button, HqCb.filter())
    return router
