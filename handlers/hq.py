"""Headquarters: rank a period and publish its results from the bot (`/publish`); see who acts
for an office and unlink an account (`/links <office code>`, the chat's `pishkhan accounts
list|unlink`).

Buttons are `HqCb` (`hq:<action>:<period id>`); the role is checked against the database for every
update, and the period is loaded again on every press. Publishing asks once for confirmation;
publishing a published period only says when it was published.
"""

from __future__ import annotations

from datetime import datetime

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from handlers.review_base import HasRole
from scoring.calendar import format_jalali_date, period_title
from services import accounts, results
from services.clock import Clock
from services.errors import ServiceError
from services.uow import UnitOfWork
from storage.accounts import Actor
from storage.results import RankSummary, ResultsError
from texts.i18n import Translator
from texts.keyboards import InlineKeyboardBuilder
from texts.link_callbacks import LinkCb
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


# --- who acts for an office, and unlinking by hand --------------------------------------------

async def show_links(message: Message, command: CommandObject, actor: Actor, t: Translator,
                     uow: UnitOfWork) -> None:
    code = (command.args or "").strip()
    if not code:
        await message.answer(t("hq-links-usage"))
        return
    try:
        links = await accounts.hq_links(uow, actor, code)
    except ServiceError as error:
        await message.answer(t(error.code, **error.params))
        return
    if not links:
        await message.answer(t("hq-links-none", code=code))
        return
    lines = [t("hq-links-title", name=links[0].office_name, code=links[0].office_code)]
    kb = InlineKeyboardBuilder()
    for number, link in enumerate(links, start=1):
        lines.append(t("hq-links-line", number=number, name=link.first_name or "—",
                       platform=t(f"hq-links-platform-{link.platform}"), user=str(link.user_id),
                       via=t(f"hq-links-via-{link.via}" if link.via in ("contact", "code")
                             else "hq-links-via-other"),
                       date=format_jalali_date(link.linked_at, t.lang)))
        kb.button(text=t("hq-links-button-unlink", number=number),
                  callback_data=LinkCb(action="u", office=link.office_code,
                                       platform=link.platform, user=link.user_id))
    kb.adjust(2)
    await message.answer("\n".join(lines), reply_markup=kb.as_markup())


async def on_unlink(callback: CallbackQuery, callback_data: LinkCb, actor: Actor,
                    t: Translator, uow: UnitOfWork) -> None:
    message = callback.message
    if not isinstance(message, Message):
        await callback.answer(t("rv-stale"), show_alert=True)
        return
    who = {"platform": t(f"hq-links-platform-{callback_data.platform}"),
           "user": str(callback_data.user), "code": callback_data.office}
    if callback_data.action == "u":  # ask once: the person loses the office at once
        await callback.answer()
        kb = InlineKeyboardBuilder()
        kb.button(text=t("hq-links-button-confirm"),
                  callback_data=LinkCb(action="uy", office=callback_data.office,
                                       platform=callback_data.platform, user=callback_data.user))
        await message.answer(t("hq-links-ask", **who), reply_markup=kb.as_markup())
        return
    try:
        done = await accounts.hq_unlink(uow, actor, office_code=callback_data.office,
                                        platform=callback_data.platform,
                                        user_id=callback_data.user)
    except ServiceError as error:
        await callback.answer(t(error.code, **error.params), show_alert=True)
        return
    await callback.answer()
    await message.answer(t("hq-links-unlinked", name=done.office_name, **who))


def setup() -> Router:
    """This feature's handlers on a new router (each call builds a new one)."""
    router = Router(name=__name__)
    router.message.filter(HasRole("hq"))
    router.callback_query.filter(HasRole("hq"))
    router.message.register(open_panel, Command("publish"))
    router.callback_query.register(on_button, HqCb.filter())
    router.message.register(show_links, Command("links"))
    router.callback_query.register(on_unlink, LinkCb.filter())
    return router
