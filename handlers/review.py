"""The region's reviewer: the queue, a declaration, its files, and the actions on it.

`/review` opens the queue. Buttons are the typed factories of `texts.review_callbacks`
(`rv:<action>[:<id>[:<number>]]`) and nothing in them is trusted: `services.review` loads the
declaration, file, office or report again and refuses one outside the reviewer's regions, or an
action outside the period's review window. Steps that need typing (an adjusted value and its
reason, a comment, a rejection reason) keep only ids in the FSM and check them again when the
text arrives; each has a twin that explains what is expected when something else arrives.
Committee decisions and discrepancy reports are in `handlers.review_inputs`.
"""

from __future__ import annotations

import json
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.types import CallbackQuery, Message

from handlers import review_inputs as _inputs  # noqa: F401 - registers its actions and steps
from handlers.filters import TYPED, when
from handlers.review_base import Ctx, HasRole, Step, button, new_router, router, typed
from handlers.review_views import send_all_files, send_declaration
from scoring.answers import AnswerError, from_json, parse_answer, to_json
from scoring.calendar import format_jalali_date
from services import review
from services.errors import Invalid, NotFound, ServiceError
from services.review import GRACE_DAYS
from storage.accounts import Actor
from storage.review import ReviewTarget
from texts import review as views
from texts.i18n import Translator
from texts.keyboards import InlineKeyboardBuilder
from texts.review_callbacks import ReviewCb, ReviewIdCb, ReviewListCb, ReviewPairCb
from texts.review_text import QUICK_REASONS, TICK, explain
from texts.views import format_value, title

__all__ = ["HasRole", "setup"]


# ---------------------------------------------------------------------------------------------
# Entry points


@router.message(Command("review"))
async def open_queue(message: Message, **data: Any) -> None:
    c = Ctx.of(message, data)
    await c.state.clear()
    try:
        await _show_queue(c)
    except ServiceError as error:
        await message.answer(explain(c.t, error))


# ---------------------------------------------------------------------------------------------
# Queue, lists, opening, next


async def _show_queue(c: Ctx) -> None:
    await c.state.clear()
    queue = await review.queue(c.uow, c.actor, c.now)
    names = views.region_names(queue.regions, c.t.lang)
    await c.message.answer(views.queue_text(c.t, queue.period, names, queue.counts,
                                            queue.refusal),
                           reply_markup=views.queue_keyboard(c.t, queue.counts))


@button(ReviewCb, "q")
async def _queue(c: Ctx, cb: ReviewCb) -> None:
    await _show_queue(c)


@button(ReviewListCb, "l")
async def _list(c: Ctx, cb: ReviewListCb) -> None:
    page = await review.page(c.uow, c.actor, c.now, cb.which, cb.page, views.PER_PAGE)
    await c.message.answer(views.list_text(c.t, page.which, page.rows, page.total, page.page),
                           reply_markup=views.list_keyboard(c.t, page.which, page.rows,
                                                            page.total, page.page))


@button(ReviewIdCb, "o")
async def _open(c: Ctx, cb: ReviewIdCb) -> None:
    await c.state.clear()
    await send_declaration(c.message, c.t, await review.open_declaration(c.uow, c.actor, cb.id,
                                                                         now=c.now))


@button(ReviewCb, "n")
@button(ReviewIdCb, "n")
async def _next(c: Ctx, cb: ReviewCb | ReviewIdCb) -> None:
    await c.state.clear()
    await _open_next(c, getattr(cb, "id", 0))


async def _open_next(c: Ctx, after: int = 0) -> None:
    found = await review.next_declaration(c.uow, c.actor, c.now, after)
    if found is None:
        await c.message.answer(c.t("rv-queue-empty"), reply_markup=views.single(
            c.t, "rv-button-queue", ReviewCb(action="q").pack()))
        return
    await send_declaration(c.message, c.t, found)


async def _reopen(c: Ctx, declaration_id: int) -> None:
    await send_declaration(c.message, c.t,
                           await review.open_declaration(c.uow, c.actor, declaration_id,
                                                         now=c.now))


# ---------------------------------------------------------------------------------------------
# Files


@button(ReviewIdCb, "f")
async def _files(c: Ctx, cb: ReviewIdCb) -> None:
    target = await review.target(c.uow, c.actor, cb.id)
    await c.answer()  # sending many files takes longer than a button may wait
    count = await send_all_files(c.message, c.t, c.platform, c.store, target)
    await c.message.answer(c.t("rv-files-sent", count=count),
                           reply_markup=views.action_keyboard(c.t, target, with_files=False))


@button(ReviewIdCb, "x")
async def _reject_ask(c: Ctx, cb: ReviewIdCb) -> None:
    _, evidence = await review.evidence(c.uow, c.actor, cb.id, actionable_at=c.now)
    await c.edit_markup(views.reasons_keyboard(c.t, evidence.id))


@button(ReviewPairCb, "xr")
async def _reject_quick(c: Ctx, cb: ReviewPairCb) -> None:
    if cb.n >= len(QUICK_REASONS):
        raise NotFound("rv-stale")
    reason = QUICK_REASONS[cb.n]
    await review.reject_evidence(c.uow, c.actor, cb.id, "@" + reason, c.now)
    await c.answer(c.t("rv-file-rejected-toast", reason=c.t(f"rv-reason-{reason}")))
    await c.edit_markup(views.single(
        c.t, "rv-button-unreject", ReviewIdCb(action="ux", id=cb.id).pack()))


@button(ReviewIdCb, "xt")
async def _reject_typed_ask(c: Ctx, cb: ReviewIdCb) -> None:
    target, evidence = await review.evidence(c.uow, c.actor, cb.id, actionable_at=c.now)
    await c.state.set_state(Step.reject_reason)
    await c.state.set_data({"e": evidence.id})
    await c.message.answer(c.t("rv-reject-ask"), reply_markup=views.single(
        c.t, "rv-button-cancel", ReviewIdCb(action="o", id=target.view.id).pack()))


@button(ReviewIdCb, "xc")
async def _reject_cancel(c: Ctx, cb: ReviewIdCb) -> None:
    _, evidence = await review.evidence(c.uow, c.actor, cb.id)
    await c.edit_markup(views.file_keyboard(c.t, evidence))


@button(ReviewIdCb, "ux")
async def _unreject(c: Ctx, cb: ReviewIdCb) -> None:
    await review.restore_evidence(c.uow, c.actor, cb.id, c.now)
    await c.answer(c.t("rv-file-restored"))
    await c.edit_markup(views.single(
        c.t, "rv-button-reject", ReviewIdCb(action="x", id=cb.id).pack()))


@router.message(StateFilter(Step.reject_reason), TYPED)
async def take_reject_reason(message: Message, **data: Any) -> None:
    c = Ctx.of(message, data)

    async def work() -> None:
        state = await c.state.get_data()
        target = await review.reject_evidence(c.uow, c.actor, int(state.get("e", 0)),
                                              message.text or "", c.now)
        await c.state.clear()
        await message.answer(c.t("rv-file-rejected-typed"))
        await _reopen(c, target.view.id)

    await typed(c, work)


# ---------------------------------------------------------------------------------------------
# Confirm


@button(ReviewIdCb, "c")
async def _confirm_ask(c: Ctx, cb: ReviewIdCb) -> None:
    opened = await review.open_declaration(c.uow, c.actor, cb.id, actionable_at=c.now)
    target, breakdown = opened.target, opened.breakdown
    rejected = sum(1 for e in target.view.evidence if e.rejected_reason)
    kb = InlineKeyboardBuilder()
    kb.button(text=c.t("rv-button-confirm-yes"),
              callback_data=ReviewIdCb(action="cy", id=target.view.id))
    kb.button(text=c.t("rv-button-cancel"),
              callback_data=ReviewIdCb(action="o", id=target.view.id))
    kb.adjust(1)
    await c.message.answer(c.t("rv-confirm-ask", name=target.office.name,
                               total=breakdown.total, rank=breakdown.rank,
                               adjusted=len(target.accepted), rejected=rejected),
                           reply_markup=kb.as_markup())


@button(ReviewIdCb, "cy")
async def _confirm(c: Ctx, cb: ReviewIdCb) -> None:
    done = await review.confirm(c.uow, c.actor, cb.id, c.now)
    await c.answer(c.t("rv-confirmed-toast"))
    await c.message.answer(c.t("rv-confirmed", name=done.target.office.name,
                               code=done.target.office.code))
    await _open_next(c, done.target.view.id)


# ---------------------------------------------------------------------------------------------
# Adjust a value


@button(ReviewIdCb, "a")
async def _adjust_pick(c: Ctx, cb: ReviewIdCb) -> None:
    target = await review.target(c.uow, c.actor, cb.id, actionable_at=c.now)
    await c.message.answer(c.t("rv-adjust-pick"), reply_markup=views.item_buttons(
        c.t, target, "ai", ReviewIdCb(action="o", id=target.view.id).pack()))


def _item(target: ReviewTarget, index: int) -> Any:
    if not 0 <= index < len(target.items):
        raise NotFound("rv-stale")
    return target.items[index]


@button(ReviewPairCb, "ai")
async def _adjust_ask(c: Ctx, cb: ReviewPairCb) -> None:
    target = await review.target(c.uow, c.actor, cb.id, actionable_at=c.now)
    item = _item(target, cb.n)
    if item.kind == "staff_list":
        raise Invalid("rv-adjust-staff")
    await c.state.set_state(Step.value)
    await c.state.set_data({"d": target.view.id, "i": cb.n})
    lines = [c.t("rv-adjust-ask", title=title(item, c.t.lang),
                 declared=format_value(item, target.view.answers.get(item.key), c.t))]
    if item.kind in ("choice", "multi_choice"):
        lines += [c.t("rv-adjust-option", number=n, option=title(o, c.t.lang))
                  for n, o in enumerate(item.options, start=1)]
        lines.append(c.t("rv-adjust-options-how"))
    elif item.kind == "yes_no":
        lines.append(c.t("rv-adjust-yes-no"))
    await c.message.answer("\n".join(lines), reply_markup=views.single(
        c.t, "rv-button-cancel", ReviewIdCb(action="o", id=target.view.id).pack()))


async def _step(c: Ctx) -> tuple[int, int, dict[str, Any]]:
    state = await c.state.get_data()
    return int(state.get("d", 0)), int(state.get("i", -1)), state


@router.message(StateFilter(Step.value), TYPED)
async def take_value(message: Message, **data: Any) -> None:
    c = Ctx.of(message, data)

    async def work() -> None:
        declaration_id, index, _ = await _step(c)
        target = await review.target(c.uow, c.actor, declaration_id, actionable_at=c.now)
        item = _item(target, index)
        try:
            value = parse_answer(item, message.text or "")
        except AnswerError as error:
            await message.answer(c.t(error.key, **error.args))
            return
        await c.state.update_data(v=json.dumps(to_json(value), ensure_ascii=False))
        await c.state.set_state(Step.reason)
        await message.answer(c.t("rv-adjust-reason-ask", title=title(item, c.t.lang),
                                 value=format_value(item, value, c.t)),
                             reply_markup=views.single(c.t, "rv-button-cancel", ReviewIdCb(
                                 action="o", id=target.view.id).pack()))

    await typed(c, work)


@router.message(StateFilter(Step.reason), TYPED)
async def take_reason(message: Message, **data: Any) -> None:
    c = Ctx.of(message, data)

    async def work() -> None:
        declaration_id, index, state = await _step(c)
        target = await review.target(c.uow, c.actor, declaration_id)
        item = _item(target, index)
        try:
            value = from_json(item, json.loads(state.get("v", "null")))
        except AnswerError as error:
            raise NotFound("rv-stale") from error
        done = await review.adjust(c.uow, c.actor, declaration_id, index, value,
                                   message.text or "", c.now)
        await c.state.clear()
        await message.answer(c.t("rv-adjusted", title=title(done.item, c.t.lang),
                                 value=format_value(done.item, done.value, c.t)))
        await _reopen(c, declaration_id)

    await typed(c, work)


# ---------------------------------------------------------------------------------------------
# Return to the owner


async def _return_screen(c: Ctx, target: ReviewTarget) -> None:
    await c.message.answer(views.return_text(c.t, target), reply_markup=views.item_buttons(
        c.t, target, "ri", ReviewIdCb(action="o", id=target.view.id).pack()))


@button(ReviewIdCb, "r")
async def _return_start(c: Ctx, cb: ReviewIdCb) -> None:
    await c.state.clear()
    await _return_screen(c, await review.target(c.uow, c.actor, cb.id, actionable_at=c.now))


@button(ReviewPairCb, "ri")
async def _comment_ask(c: Ctx, cb: ReviewPairCb) -> None:
    target = await review.target(c.uow, c.actor, cb.id, actionable_at=c.now)
    item = _item(target, cb.n)
    await c.state.set_state(Step.comment)
    await c.state.set_data({"d": target.view.id, "i": cb.n})
    value = format_value(item, target.value(item.key), c.t)
    text = c.t("rv-comment-ask", title=title(item, c.t.lang), value=value)
    if item.key in target.view.comments:
        text += "\n" + c.t("rv-comment-current", comment=target.view.comments[item.key])
    await c.message.answer(text, reply_markup=views.single(
        c.t, "rv-button-cancel", ReviewIdCb(action="r", id=target.view.id).pack()))


@router.message(StateFilter(Step.comment), TYPED)
async def take_comment(message: Message, **data: Any) -> None:
    c = Ctx.of(message, data)

    async def work() -> None:
        declaration_id, index, _ = await _step(c)
        text = (message.text or "").strip()
        target = await review.comment(c.uow, c.actor, declaration_id, index,
                                      "" if text == "-" else text, c.now)
        await c.state.clear()
        await _return_screen(c, target)

    await typed(c, work)


@button(ReviewIdCb, "rs")
async def _return_grace(c: Ctx, cb: ReviewIdCb) -> None:
    target = await review.target(c.uow, c.actor, cb.id, actionable_at=c.now)
    if not views.has_return_notes(target):
        raise Invalid("rv-return-empty")
    kb = InlineKeyboardBuilder()
    if target.period.is_open(c.now):
        kb.button(text=c.t("rv-button-grace-none", date=format_jalali_date(
            target.period.closes_at - TICK, c.t.lang)),
            callback_data=ReviewPairCb(action="rg", id=target.view.id, n=0))
    for days in GRACE_DAYS:
        kb.button(text=c.t("rv-button-grace-days", days=days),
                  callback_data=ReviewPairCb(action="rg", id=target.view.id, n=days))
    kb.button(text=c.t("rv-button-cancel"),
              callback_data=ReviewIdCb(action="r", id=target.view.id))
    kb.adjust(1)
    await c.message.answer(c.t("rv-grace-ask"), reply_markup=kb.as_markup())


@button(ReviewPairCb, "rg")
async def _return(c: Ctx, cb: ReviewPairCb) -> None:
    done = await review.return_to_owner(c.uow, c.actor, cb.id, cb.n, c.now)
    await c.answer(c.t("rv-returned-toast"))
    await c.message.answer(c.t("rv-returned", name=done.target.office.name,
                               date=format_jalali_date(done.deadline - TICK, c.t.lang)))
    await _open_next(c, done.target.view.id)


# ---------------------------------------------------------------------------------------------
# The twins: a button of no known shape, or something else where text is awaited; registered
# after every action and step


@router.callback_query(when(F.data.startswith("rv:")))
async def stale_button(callback: CallbackQuery, t: Translator) -> None:
    await callback.answer(t("rv-stale"), show_alert=True)


@router.message(StateFilter(Step))
async def text_expected(message: Message, t: Translator) -> None:
    """A file, sticker, voice note or command where a typed answer is awaited."""
    await message.answer(t("rv-text-expected"))


async def _not_owner(_event: object, actor: Actor) -> bool:
    return not actor.office_ids


@router.message(StateFilter(None), TYPED, _not_owner)
async def staff_panel(message: Message, **data: Any) -> None:
    """Anything a reviewer (who is not also an owner) types outside a step: the queue."""
    await open_queue(message, **data)


def setup() -> Router:
    """The reviewer's router (this module's and `handlers.review_inputs`' handlers)."""
    return new_router()
