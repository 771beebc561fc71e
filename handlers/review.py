"""The region's reviewer: the queue, a declaration, its files, and the actions on it.

`/review` opens the queue. Every button is `rv:<action>:<args>` and nothing in it is trusted: the
declaration, file, office or report it names is loaded again and must belong to one of the
reviewer's regions (`storage.review` refuses otherwise), the period's review window must be open
for an action, and typed values are parsed by the rubric. Steps that need typing (an adjusted
value and its reason, a comment, a rejection reason) keep only ids in the FSM and check them again
when the text arrives; each has a twin that explains what is expected when something else
arrives. Committee decisions and discrepancy reports are in `handlers.review_inputs`.
"""

from __future__ import annotations

import json
from typing import Any

from aiogram import F
from aiogram.filters import Command, StateFilter
from aiogram.types import CallbackQuery, Message

from handlers import review_inputs as _inputs  # noqa: F401 - registers its actions and steps
from handlers import review_views as views
from handlers.review_base import (
    ACTIONS,
    TYPED,
    Ctx,
    HasRole,
    Step,
    action,
    arg,
    router,
    typed,
    who,
)
from handlers.review_views import cbd, explain, single
from scoring.answers import AnswerError, from_json, parse_answer, to_json
from scoring.calendar import format_jalali_date
from storage import review
from storage.accounts import Actor
from storage.review import ReviewError, ReviewTarget
from texts.i18n import Translator
from texts.keyboards import InlineKeyboardBuilder
from texts.views import format_value, title

__all__ = ["HasRole", "router", "who"]

# ---------------------------------------------------------------------------------------------
# Entry points


@router.message(Command("review"))
async def open_queue(message: Message, **data: Any) -> None:
    c = Ctx.of(message, data)
    await c.state.clear()
    try:
        await _queue(c, [])
    except ReviewError as error:
        await message.answer(explain(c.t, error))


@router.callback_query(F.data.startswith("rv:"))
async def on_button(callback: CallbackQuery, t: Translator, **data: Any) -> None:
    parts = (callback.data or "").split(":")
    handler = ACTIONS.get(parts[1]) if len(parts) > 1 else None
    if handler is None or not isinstance(callback.message, Message):
        await callback.answer(t("rv-stale"), show_alert=True)
        return
    c = Ctx.of(callback.message, {**data, "t": t}, callback)
    try:
        await handler(c, parts[2:])
    except ReviewError as error:
        await c.session.rollback()
        text = explain(t, error)
        if c.answered:
            await callback.message.answer(text)
        else:
            await c.answer(text, alert=True)
        return
    await c.answer()


# ---------------------------------------------------------------------------------------------
# Queue, lists, opening, next


@action("q")
async def _queue(c: Ctx, args: list[str]) -> None:
    await c.state.clear()
    period = await c.period()
    counts = await review.queue_counts(c.session, period.id, c.regions)
    names = await views.region_names(c.session, c.regions, c.t.lang)
    await c.message.answer(views.queue_text(c.t, period, names, counts, c.now),
                           reply_markup=views.queue_keyboard(c.t, counts))


@action("l")
async def _list(c: Ctx, args: list[str]) -> None:
    which, page = (args[0] if args else ""), arg(args, 1)
    if which not in review.FILTERS:
        raise ReviewError("rv-stale")
    period = await c.period()
    rows, total = await review.list_queue(c.session, period.id, c.regions, which, page,
                                          views.PER_PAGE)
    await c.message.answer(views.list_text(c.t, which, rows, total, page),
                           reply_markup=views.list_keyboard(c.t, which, rows, total, page))


@action("o")
async def _open(c: Ctx, args: list[str]) -> None:
    await c.state.clear()
    await views.send_declaration(c.message, c.session, c.t, await c.target(arg(args, 0)))


@action("n")
async def _next(c: Ctx, args: list[str]) -> None:
    await c.state.clear()
    after = arg(args, 0) if args else 0
    if after:  # the one we move on from must be the region's too
        await review.check_region(c.session, after, c.regions)
    await _open_next(c, after)


async def _open_next(c: Ctx, after: int = 0) -> None:
    period = await c.period()
    found = await review.next_to_review(c.session, period.id, c.regions, after or None)
    if found is None:
        await c.message.answer(c.t("rv-queue-empty"),
                               reply_markup=single(c.t, "rv-button-queue", cbd("q")))
        return
    await views.send_declaration(c.message, c.session, c.t, await c.target(found))


# ---------------------------------------------------------------------------------------------
# Files


@action("f")
async def _files(c: Ctx, args: list[str]) -> None:
    target = await c.target(arg(args, 0))
    await c.answer()  # sending many files takes longer than a button may wait
    count = await views.send_all_files(c.message, c.t, c.platform, c.store, target)
    await c.message.answer(c.t("rv-files-sent", count=count),
                           reply_markup=views.action_keyboard(c.t, target, with_files=False))


@action("x")
async def _reject_ask(c: Ctx, args: list[str]) -> None:
    target, evidence = await review.evidence_target(c.session, arg(args, 0), c.regions)
    review.must_be_actionable(target, c.now)
    await c.message.edit_reply_markup(reply_markup=views.reasons_keyboard(c.t, evidence.id))


@action("xr")
async def _reject_quick(c: Ctx, args: list[str]) -> None:
    index = arg(args, 1)
    if index >= len(review.QUICK_REASONS):
        raise ReviewError("rv-stale")
    reason = review.QUICK_REASONS[index]
    target, evidence = await review.evidence_target(c.session, arg(args, 0), c.regions)
    await review.reject_evidence(c.session, target, evidence.id, "@" + reason, c.who, c.now)
    await c.session.commit()
    await c.answer(c.t("rv-file-rejected-toast", reason=c.t(f"rv-reason-{reason}")))
    await c.message.edit_reply_markup(reply_markup=single(c.t, "rv-button-unreject",
                                                          cbd("ux", evidence.id)))


@action("xt")
async def _reject_typed_ask(c: Ctx, args: list[str]) -> None:
    target, evidence = await review.evidence_target(c.session, arg(args, 0), c.regions)
    review.must_be_actionable(target, c.now)
    await c.state.set_state(Step.reject_reason)
    await c.state.set_data({"e": evidence.id})
    await c.message.answer(c.t("rv-reject-ask"), reply_markup=single(
        c.t, "rv-button-cancel", cbd("o", target.view.id)))


@action("xc")
async def _reject_cancel(c: Ctx, args: list[str]) -> None:
    _, evidence = await review.evidence_target(c.session, arg(args, 0), c.regions)
    await c.message.edit_reply_markup(reply_markup=views.file_keyboard(c.t, evidence))


@action("ux")
async def _unreject(c: Ctx, args: list[str]) -> None:
    target, evidence = await review.evidence_target(c.session, arg(args, 0), c.regions)
    await review.restore_evidence(c.session, target, evidence.id, c.who, c.now)
    await c.session.commit()
    await c.answer(c.t("rv-file-restored"))
    await c.message.edit_reply_markup(reply_markup=single(c.t, "rv-button-reject",
                                                          cbd("x", evidence.id)))


@router.message(Step.reject_reason, TYPED)
async def take_reject_reason(message: Message, **data: Any) -> None:
    c = Ctx.of(message, data)

    async def work() -> None:
        state = await c.state.get_data()
        target, evidence = await review.evidence_target(c.session, int(state.get("e", 0)),
                                                        c.regions)
        await review.reject_evidence(c.session, target, evidence.id, message.text or "",
                                     c.who, c.now)
        await c.session.commit()
        await c.state.clear()
        await message.answer(c.t("rv-file-rejected-typed"))
        await views.send_declaration(message, c.session, c.t, await c.target(target.view.id))

    await typed(c, work)


# ---------------------------------------------------------------------------------------------
# Confirm


@action("c")
async def _confirm_ask(c: Ctx, args: list[str]) -> None:
    target = await c.target(arg(args, 0))
    review.must_be_actionable(target, c.now)
    breakdown = await review.provisional(c.session, target)
    rejected = sum(1 for e in target.view.evidence if e.rejected_reason)
    kb = InlineKeyboardBuilder()
    kb.button(text=c.t("rv-button-confirm-yes"), callback_data=cbd("cy", target.view.id))
    kb.button(text=c.t("rv-button-cancel"), callback_data=cbd("o", target.view.id))
    kb.adjust(1)
    await c.message.answer(c.t("rv-confirm-ask", name=target.office.name,
                               total=breakdown.total, rank=breakdown.rank,
                               adjusted=len(target.accepted), rejected=rejected),
                           reply_markup=kb.as_markup())


@action("cy")
async def _confirm(c: Ctx, args: list[str]) -> None:
    target = await c.target(arg(args, 0))
    await review.confirm(c.session, target, c.who, c.now)
    await c.session.commit()
    await c.answer(c.t("rv-confirmed-toast"))
    await c.message.answer(c.t("rv-confirmed", name=target.office.name,
                               code=target.office.code))
    await _open_next(c, target.view.id)


# ---------------------------------------------------------------------------------------------
# Adjust a value


@action("a")
async def _adjust_pick(c: Ctx, args: list[str]) -> None:
    target = await c.target(arg(args, 0))
    review.must_be_actionable(target, c.now)
    await c.message.answer(c.t("rv-adjust-pick"), reply_markup=views.item_buttons(
        c.t, target, "ai", cbd("o", target.view.id)))


@action("ai")
async def _adjust_ask(c: Ctx, args: list[str]) -> None:
    target = await c.target(arg(args, 0))
    review.must_be_actionable(target, c.now)
    index = arg(args, 1)
    item = target.item(index)
    if item.kind == "staff_list":
        raise ReviewError("rv-adjust-staff")
    await c.state.set_state(Step.value)
    await c.state.set_data({"d": target.view.id, "i": index})
    lines = [c.t("rv-adjust-ask", title=title(item, c.t.lang),
                 declared=format_value(item, target.view.answers.get(item.key), c.t))]
    if item.kind in ("choice", "multi_choice"):
        lines += [c.t("rv-adjust-option", number=n, option=title(o, c.t.lang))
                  for n, o in enumerate(item.options, start=1)]
        lines.append(c.t("rv-adjust-options-how"))
    elif item.kind == "yes_no":
        lines.append(c.t("rv-adjust-yes-no"))
    await c.message.answer("\n".join(lines), reply_markup=single(
        c.t, "rv-button-cancel", cbd("o", target.view.id)))


async def _step_target(c: Ctx) -> tuple[ReviewTarget, int, dict[str, Any]]:
    state = await c.state.get_data()
    target = await c.target(int(state.get("d", 0)))
    return target, int(state.get("i", -1)), state


@router.message(Step.value, TYPED)
async def take_value(message: Message, **data: Any) -> None:
    c = Ctx.of(message, data)

    async def work() -> None:
        target, index, _ = await _step_target(c)
        review.must_be_actionable(target, c.now)
        item = target.item(index)
        try:
            value = parse_answer(item, message.text or "")
        except AnswerError as error:
            await message.answer(c.t(error.key, **error.args))
            return
        await c.state.update_data(v=json.dumps(to_json(value), ensure_ascii=False))
        await c.state.set_state(Step.reason)
        await message.answer(c.t("rv-adjust-reason-ask", title=title(item, c.t.lang),
                                 value=format_value(item, value, c.t)),
                             reply_markup=single(c.t, "rv-button-cancel",
                                                 cbd("o", target.view.id)))

    await typed(c, work)


@router.message(Step.reason, TYPED)
async def take_reason(message: Message, **data: Any) -> None:
    c = Ctx.of(message, data)

    async def work() -> None:
        target, index, state = await _step_target(c)
        item = target.item(index)
        value = from_json(item, json.loads(state.get("v", "null")))
        await review.adjust(c.session, target, item.key, value, message.text or "", c.who,
                            c.now)
        await c.session.commit()
        await c.state.clear()
        await message.answer(c.t("rv-adjusted", title=title(item, c.t.lang),
                                 value=format_value(item, value, c.t)))
        await views.send_declaration(message, c.session, c.t, await c.target(target.view.id))

    await typed(c, work)


# ---------------------------------------------------------------------------------------------
# Return to the owner


async def _return_screen(c: Ctx, target: ReviewTarget) -> None:
    lines = [c.t("rv-return-title", name=target.office.name)]
    for number, item in enumerate(target.items, start=1):
        if item.key in target.view.comments:
            lines.append(c.t("rv-return-comment", number=number, title=title(item, c.t.lang),
                             comment=target.view.comments[item.key]))
    rejected = review.rejected_to_tell(target)
    if rejected:
        lines.append(c.t("rv-return-rejected", count=len(rejected)))
    if len(lines) == 1:
        lines.append(c.t("rv-return-nothing-yet"))
    lines.append(c.t("rv-return-how"))
    await c.message.answer("\n".join(lines), reply_markup=views.item_buttons(
        c.t, target, "ri", cbd("o", target.view.id)))


@action("r")
async def _return_start(c: Ctx, args: list[str]) -> None:
    await c.state.clear()
    target = await c.target(arg(args, 0))
    review.must_be_actionable(target, c.now)
    await _return_screen(c, target)


@action("ri")
async def _comment_ask(c: Ctx, args: list[str]) -> None:
    target = await c.target(arg(args, 0))
    review.must_be_actionable(target, c.now)
    index = arg(args, 1)
    item = target.item(index)
    await c.state.set_state(Step.comment)
    await c.state.set_data({"d": target.view.id, "i": index})
    value = format_value(item, target.value(item.key), c.t)
    text = c.t("rv-comment-ask", title=title(item, c.t.lang), value=value)
    if item.key in target.view.comments:
        text += "\n" + c.t("rv-comment-current", comment=target.view.comments[item.key])
    await c.message.answer(text, reply_markup=single(c.t, "rv-button-cancel",
                                                     cbd("r", target.view.id)))


@router.message(Step.comment, TYPED)
async def take_comment(message: Message, **data: Any) -> None:
    c = Ctx.of(message, data)

    async def work() -> None:
        target, index, _ = await _step_target(c)
        item = target.item(index)
        text = (message.text or "").strip()
        await review.set_comment(c.session, target, item.key, "" if text == "-" else text,
                                 c.who, c.now)
        await c.session.commit()
        await c.state.clear()
        await _return_screen(c, await c.target(target.view.id))

    await typed(c, work)


@action("rs")
async def _return_grace(c: Ctx, args: list[str]) -> None:
    target = await c.target(arg(args, 0))
    review.must_be_actionable(target, c.now)
    if not target.view.comments and not review.rejected_to_tell(target):
        raise ReviewError("rv-return-empty")
    kb = InlineKeyboardBuilder()
    if target.period.is_open(c.now):
        kb.button(text=c.t("rv-button-grace-none", date=format_jalali_date(
            target.period.closes_at - review.TICK, c.t.lang)),
            callback_data=cbd("rg", target.view.id, 0))
    for days in review.GRACE_DAYS:
        kb.button(text=c.t("rv-button-grace-days", days=days),
                  callback_data=cbd("rg", target.view.id, days))
    kb.button(text=c.t("rv-button-cancel"), callback_data=cbd("r", target.view.id))
    kb.adjust(1)
    await c.message.answer(c.t("rv-grace-ask"), reply_markup=kb.as_markup())


@action("rg")
async def _return(c: Ctx, args: list[str]) -> None:
    target = await c.target(arg(args, 0))
    deadline = await review.return_to_owner(c.session, target, c.who, c.now, arg(args, 1))
    await c.session.commit()
    await c.answer(c.t("rv-returned-toast"))
    await c.message.answer(c.t("rv-returned", name=target.office.name,
                               date=format_jalali_date(deadline - review.TICK, c.t.lang)))
    await _open_next(c, target.view.id)


# ---------------------------------------------------------------------------------------------
# The twins: what is expected when something else arrives, registered after every step


@router.message(StateFilter(Step))
async def text_expected(message: Message, t: Translator) -> None:
    """A file, sticker, voice note or command where a typed answer is awaited."""
    await message.answer(t("rv-text-expected"))


def _not_owner(_event: object, actor: Actor) -> bool:
    return not actor.office_ids


@router.message(StateFilter(None), TYPED, _not_owner)
async def staff_panel(message: Message, **data: Any) -> None:
    """Anything a reviewer (who is not also an owner) types outside a step: the queue."""
    await open_queue(message, **data)
