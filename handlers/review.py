"""The region's reviewer: the queue, a declaration, its files, and every action on it.

`/review` opens the queue. Every button is `rv:<action>:<args>` and nothing in it is trusted: the
declaration, file, office or report it names is loaded again and must belong to one of the
reviewer's regions (`storage.review` refuses otherwise), the period's review window must be open
for an action, and typed values are parsed by the rubric. Steps that need typing (an adjusted
value and its reason, a comment, a rejection reason, a committee decision, a discrepancy fix) keep
only ids in the FSM and check them again when the text arrives; each has a twin that explains
what is expected when something else arrives.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import BufferedInputFile, CallbackQuery, Message, TelegramObject
from aiogram.utils.keyboard import InlineKeyboardBuilder
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.i18n import Translator
from bot.views import format_value, title
from handlers import review_views as views
from handlers.review_views import cbd, explain, single
from scoring.answers import AnswerError, from_json, parse_answer, to_json
from scoring.calendar import format_jalali_date
from storage import review, review_inputs
from storage.accounts import Actor
from storage.declarations import period_rubric
from storage.evidence import EvidenceStore, sniff
from storage.review import ReviewError, ReviewTarget, Who

router = Router(name=__name__)


class HasRole(Filter):
    """The actor (loaded from the database for this very update) holds the role."""

    def __init__(self, *roles: str) -> None:
        self.roles = roles

    async def __call__(self, event: TelegramObject, actor: Actor | None = None) -> bool:
        return actor is not None and any(actor.has_role(role) for role in self.roles)


router.message.filter(HasRole("reviewer"))
router.callback_query.filter(HasRole("reviewer"))


class Step(StatesGroup):
    value = State()
    reason = State()
    comment = State()
    reject_reason = State()
    neg_office = State()
    neg_date = State()
    neg_reference = State()
    neg_note = State()
    disc_fix = State()
    disc_answer = State()


def who(actor: Actor) -> Who:
    return Who(f"{actor.platform}:{actor.user_id}", actor.account_id)


def _int(args: list[str], index: int) -> int:
    if index >= len(args) or not args[index].isdigit():
        raise ReviewError("rv-stale")
    return int(args[index])


@dataclass
class Ctx:
    """One button press (or typed step): what every action needs."""

    message: Message
    session: AsyncSession
    actor: Actor
    t: Translator
    now: datetime
    state: FSMContext
    platform: str
    store: EvidenceStore
    callback: CallbackQuery | None = None
    answered: bool = field(default=False)

    @property
    def regions(self) -> set[int]:
        return self.actor.regions("reviewer")

    @property
    def who(self) -> Who:
        return who(self.actor)

    async def answer(self, text: str | None = None, alert: bool = False) -> None:
        if self.callback is not None and not self.answered:
            self.answered = True
            await self.callback.answer(text, show_alert=alert)

    async def target(self, declaration_id: int) -> ReviewTarget:
        return await review.open_declaration(self.session, declaration_id, self.regions)

    async def period(self) -> Any:
        period = await review.review_period(self.session, self.now)
        if period is None:
            raise ReviewError("rv-no-period")
        return period


Action = Callable[[Ctx, list[str]], Awaitable[None]]
ACTIONS: dict[str, Action] = {}


def action(name: str) -> Callable[[Action], Action]:
    def register(fn: Action) -> Action:
        ACTIONS[name] = fn
        return fn

    return register


# ---------------------------------------------------------------------------------------------
# Entry points


@router.message(Command("review"))
async def open_queue(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                     clock: Clock, state: FSMContext, platform: str,
                     evidence_store: EvidenceStore) -> None:
    await state.clear()
    ctx = Ctx(message, session, actor, t, clock.now(), state, platform, evidence_store)
    try:
        await _queue(ctx, [])
    except ReviewError as error:
        await message.answer(explain(t, error))


@router.callback_query(F.data.startswith("rv:"))
async def on_button(callback: CallbackQuery, session: AsyncSession, actor: Actor,
                    t: Translator, clock: Clock, state: FSMContext, platform: str,
                    evidence_store: EvidenceStore) -> None:
    parts = (callback.data or "").split(":")
    handler = ACTIONS.get(parts[1]) if len(parts) > 1 else None
    if handler is None or not isinstance(callback.message, Message):
        await callback.answer(t("rv-stale"), show_alert=True)
        return
    ctx = Ctx(callback.message, session, actor, t, clock.now(), state, platform,
              evidence_store, callback)
    try:
        await handler(ctx, parts[2:])
    except ReviewError as error:
        await session.rollback()
        text = explain(t, error)
        if ctx.answered:
            await callback.message.answer(text)
        else:
            await ctx.answer(text, alert=True)
        return
    await ctx.answer()


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
    which = args[0] if args else ""
    page = _int(args, 1)
    period = await c.period()
    rows, total = await review.list_queue(c.session, period.id, c.regions, which, page,
                                          views.PER_PAGE)
    await c.message.answer(views.list_text(c.t, which, rows, total, page),
                           reply_markup=views.list_keyboard(c.t, which, rows, total, page))


@action("o")
async def _open(c: Ctx, args: list[str]) -> None:
    await c.state.clear()
    target = await c.target(_int(args, 0))
    await views.send_declaration(c.message, c.session, c.t, target)


@action("n")
async def _next(c: Ctx, args: list[str]) -> None:
    await c.state.clear()
    after = _int(args, 0) if args else 0
    if after:
        await c.target(after)  # the one we move on from must be ours too
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
    target = await c.target(_int(args, 0))
    await c.answer()  # sending many files takes longer than a button may wait
    count = await views.send_all_files(c.message, c.t, c.platform, c.store, target)
    await c.message.answer(c.t("rv-files-sent", count=count),
                           reply_markup=views.action_keyboard(c.t, target, with_files=False))


@action("x")
async def _reject_ask(c: Ctx, args: list[str]) -> None:
    target, evidence = await review.evidence_target(c.session, _int(args, 0), c.regions)
    review.must_be_actionable(target, c.now)
    await c.message.edit_reply_markup(reply_markup=views.reasons_keyboard(c.t, evidence.id))


@action("xr")
async def _reject_quick(c: Ctx, args: list[str]) -> None:
    index = _int(args, 1)
    if index >= len(review.QUICK_REASONS):
        raise ReviewError("rv-stale")
    reason = review.QUICK_REASONS[index]
    target, evidence = await review.evidence_target(c.session, _int(args, 0), c.regions)
    await review.reject_evidence(c.session, target, evidence.id, "@" + reason, c.who, c.now)
    await c.session.commit()
    await c.answer(c.t("rv-file-rejected-toast", reason=c.t(f"rv-reason-{reason}")))
    await c.message.edit_reply_markup(reply_markup=single(c.t, "rv-button-unreject",
                                                          cbd("ux", evidence.id)))


@action("xt")
async def _reject_typed_ask(c: Ctx, args: list[str]) -> None:
    target, evidence = await review.evidence_target(c.session, _int(args, 0), c.regions)
    review.must_be_actionable(target, c.now)
    await c.state.set_state(Step.reject_reason)
    await c.state.set_data({"e": evidence.id})
    await c.message.answer(c.t("rv-reject-ask"),
                           reply_markup=single(c.t, "rv-button-cancel", cbd("o", target.view.id)))


@action("xc")
async def _reject_cancel(c: Ctx, args: list[str]) -> None:
    _, evidence = await review.evidence_target(c.session, _int(args, 0), c.regions)
    await c.message.edit_reply_markup(reply_markup=views.file_keyboard(c.t, evidence))


@action("ux")
async def _unreject(c: Ctx, args: list[str]) -> None:
    target, evidence = await review.evidence_target(c.session, _int(args, 0), c.regions)
    await review.restore_evidence(c.session, target, evidence.id, c.who, c.now)
    await c.session.commit()
    await c.answer(c.t("rv-file-restored"))
    await c.message.edit_reply_markup(reply_markup=single(c.t, "rv-button-reject",
                                                          cbd("x", evidence.id)))


@router.message(Step.reject_reason, F.text)
async def take_reject_reason(message: Message, session: AsyncSession, actor: Actor,
                             t: Translator, clock: Clock, state: FSMContext, platform: str,
                             evidence_store: EvidenceStore) -> None:
    c = Ctx(message, session, actor, t, clock.now(), state, platform, evidence_store)

    async def work() -> None:
        data = await state.get_data()
        target, evidence = await review.evidence_target(session, int(data.get("e", 0)),
                                                        c.regions)
        await review.reject_evidence(session, target, evidence.id, message.text or "",
                                     c.who, c.now)
        await session.commit()
        await state.clear()
        await message.answer(t("rv-file-rejected-typed"))
        await views.send_declaration(message, session, t, await c.target(target.view.id))

    await _typed(c, work)


# ---------------------------------------------------------------------------------------------
# Confirm


@action("c")
async def _confirm_ask(c: Ctx, args: list[str]) -> None:
    target = await c.target(_int(args, 0))
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
    target = await c.target(_int(args, 0))
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
    target = await c.target(_int(args, 0))
    review.must_be_actionable(target, c.now)
    await c.message.answer(c.t("rv-adjust-pick"),
                           reply_markup=views.item_buttons(c.t, target, "ai",
                                                           cbd("o", target.view.id)))


@action("ai")
async def _adjust_ask(c: Ctx, args: list[str]) -> None:
    target = await c.target(_int(args, 0))
    review.must_be_actionable(target, c.now)
    index = _int(args, 1)
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
    await c.message.answer("\n".join(lines),
                           reply_markup=single(c.t, "rv-button-cancel", cbd("o", target.view.id)))


async def _step_target(c: Ctx) -> tuple[ReviewTarget, int, dict[str, Any]]:
    data = await c.state.get_data()
    target = await c.target(int(data.get("d", 0)))
    return target, int(data.get("i", -1)), data


@router.message(Step.value, F.text)
async def take_value(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                     clock: Clock, state: FSMContext, platform: str,
                     evidence_store: EvidenceStore) -> None:
    c = Ctx(message, session, actor, t, clock.now(), state, platform, evidence_store)

    async def work() -> None:
        target, index, _ = await _step_target(c)
        review.must_be_actionable(target, c.now)
        item = target.item(index)
        try:
            value = parse_answer(item, message.text or "")
        except AnswerError as error:
            await message.answer(t(error.key, **error.args))
            return
        await state.update_data(v=json.dumps(to_json(value), ensure_ascii=False))
        await state.set_state(Step.reason)
        await message.answer(t("rv-adjust-reason-ask", title=title(item, t.lang),
                               value=format_value(item, value, t)),
                             reply_markup=single(t, "rv-button-cancel", cbd("o", target.view.id)))

    await _typed(c, work)


@router.message(Step.reason, F.text)
async def take_reason(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                      clock: Clock, state: FSMContext, platform: str,
                      evidence_store: EvidenceStore) -> None:
    c = Ctx(message, session, actor, t, clock.now(), state, platform, evidence_store)

    async def work() -> None:
        target, index, data = await _step_target(c)
        item = target.item(index)
        value = from_json(item, json.loads(data.get("v", "null")))
        await review.adjust(session, target, item.key, value, message.text or "", c.who,
                            c.now)
        await session.commit()
        await state.clear()
        await message.answer(t("rv-adjusted", title=title(item, t.lang),
                               value=format_value(item, value, t)))
        await views.send_declaration(message, session, t, await c.target(target.view.id))

    await _typed(c, work)


# ---------------------------------------------------------------------------------------------
# Return to the owner


async def _return_screen(c: Ctx, target: ReviewTarget) -> None:
    lines = [c.t("rv-return-title", name=target.office.name)]
    for number, item in enumerate(target.items, start=1):
        if item.key in target.view.comments:
            lines.append(c.t("rv-return-comment", number=number, title=title(item, c.t.lang),
                             comment=target.view.comments[item.key]))
    rejected = [e for e in target.view.evidence if e.rejected_reason]
    if rejected:
        lines.append(c.t("rv-return-rejected", count=len(rejected)))
    if len(lines) == 1:
        lines.append(c.t("rv-return-nothing-yet"))
    lines.append(c.t("rv-return-how"))
    await c.message.answer("\n".join(lines),
                           reply_markup=views.item_buttons(c.t, target, "ri",
                                                           cbd("o", target.view.id)))


@action("r")
async def _return_start(c: Ctx, args: list[str]) -> None:
    await c.state.clear()
    target = await c.target(_int(args, 0))
    review.must_be_actionable(target, c.now)
    await _return_screen(c, target)


@action("ri")
async def _comment_ask(c: Ctx, args: list[str]) -> None:
    target = await c.target(_int(args, 0))
    review.must_be_actionable(target, c.now)
    index = _int(args, 1)
    item = target.item(index)
    await c.state.set_state(Step.comment)
    await c.state.set_data({"d": target.view.id, "i": index})
    value = format_value(item, target.value(item.key), c.t)
    text = c.t("rv-comment-ask", title=title(item, c.t.lang), value=value)
    if item.key in target.view.comments:
        text += "\n" + c.t("rv-comment-current", comment=target.view.comments[item.key])
    await c.message.answer(text, reply_markup=single(c.t, "rv-button-cancel",
                                                     cbd("r", target.view.id)))


@router.message(Step.comment, F.text)
async def take_comment(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                       clock: Clock, state: FSMContext, platform: str,
                       evidence_store: EvidenceStore) -> None:
    c = Ctx(message, session, actor, t, clock.now(), state, platform, evidence_store)

    async def work() -> None:
        target, index, _ = await _step_target(c)
        item = target.item(index)
        text = (message.text or "").strip()
        await review.set_comment(session, target, item.key, "" if text == "-" else text,
                                 c.who, c.now)
        await session.commit()
        await state.clear()
        await _return_screen(c, await c.target(target.view.id))

    await _typed(c, work)


@action("rs")
async def _return_grace(c: Ctx, args: list[str]) -> None:
    target = await c.target(_int(args, 0))
    review.must_be_actionable(target, c.now)
    if not target.view.comments and not any(e.rejected_reason for e in target.view.evidence):
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
    target = await c.target(_int(args, 0))
    deadline = await review.return_to_owner(c.session, target, c.who, c.now, _int(args, 1))
    await c.session.commit()
    await c.answer(c.t("rv-returned-toast"))
    await c.message.answer(c.t("rv-returned", name=target.office.name,
                               date=format_jalali_date(deadline - review.TICK, c.t.lang)))
    await _open_next(c, target.view.id)


# ---------------------------------------------------------------------------------------------
# Negative points (committee decisions)


@action("ng")
async def _negative_code(c: Ctx, args: list[str]) -> None:
    check = review.action_refusal(await c.period(), c.now)
    if check is not None:
        raise check
    await c.state.set_state(Step.neg_office)
    await c.message.answer(c.t("rv-neg-ask-office"),
                           reply_markup=single(c.t, "rv-button-cancel", cbd("q")))


async def _negative_items(c: Ctx, office_id: int) -> None:
    office = await review_inputs.region_office(c.session, office_id, c.regions)
    period = await c.period()
    review.check_window(period, c.now)
    rubric = period_rubric(period)
    existing = await review_inputs.list_negatives(c.session, office.id, period.id)
    lines = [c.t("rv-neg-pick", name=office.name, code=office.code)]
    for item in existing:
        negative = next((n for n in rubric.negatives if n.key == item.item_key), None)
        lines.append(c.t("rv-neg-existing", title=title(negative, c.t.lang) if negative
                         else item.item_key, reference=item.reference, date=item.decided_on))
    kb = InlineKeyboardBuilder()
    for index, negative in enumerate(rubric.negatives):
        kb.button(text=c.t("rv-button-neg-item", title=title(negative, c.t.lang),
                           points=negative.points),
                  callback_data=cbd("ngi", office.id, index))
    kb.button(text=c.t("rv-button-cancel"), callback_data=cbd("q"))
    kb.adjust(1)
    await c.message.answer("\n".join(lines), reply_markup=kb.as_markup())


@action("ngo")
async def _negative_for_office(c: Ctx, args: list[str]) -> None:
    await c.state.clear()
    await _negative_items(c, _int(args, 0))


@router.message(Step.neg_office, F.text)
async def take_negative_office(message: Message, session: AsyncSession, actor: Actor,
                               t: Translator, clock: Clock, state: FSMContext, platform: str,
                               evidence_store: EvidenceStore) -> None:
    c = Ctx(message, session, actor, t, clock.now(), state, platform, evidence_store)

    async def work() -> None:
        office = await review_inputs.office_by_code(session, message.text or "")
        if office is None:
            await message.answer(t("rv-neg-no-office"))
            return
        await state.clear()
        await _negative_items(c, office.id)

    await _typed(c, work)


@action("ngi")
async def _negative_date_ask(c: Ctx, args: list[str]) -> None:
    office = await review_inputs.region_office(c.session, _int(args, 0), c.regions)
    period = await c.period()
    review.check_window(period, c.now)
    rubric = period_rubric(period)
    index = _int(args, 1)
    if index >= len(rubric.negatives):
        raise ReviewError("rv-stale")
    await c.state.set_state(Step.neg_date)
    await c.state.set_data({"o": office.id, "k": rubric.negatives[index].key})
    await c.message.answer(c.t("rv-neg-ask-date", title=title(rubric.negatives[index],
                                                              c.t.lang)),
                           reply_markup=single(c.t, "rv-button-cancel", cbd("q")))


@router.message(Step.neg_date, F.text)
async def take_negative_date(message: Message, session: AsyncSession, actor: Actor,
                             t: Translator, clock: Clock, state: FSMContext, platform: str,
                             evidence_store: EvidenceStore) -> None:
    c = Ctx(message, session, actor, t, clock.now(), state, platform, evidence_store)

    async def work() -> None:
        day = review_inputs.parse_decision_date(message.text or "", c.now)
        await state.update_data(day=day.isoformat())
        await state.set_state(Step.neg_reference)
        await message.answer(t("rv-neg-ask-reference"))

    await _typed(c, work)


@router.message(Step.neg_reference, F.text)
async def take_negative_reference(message: Message, session: AsyncSession, actor: Actor,
                                  t: Translator, clock: Clock, state: FSMContext, platform: str,
                                  evidence_store: EvidenceStore) -> None:
    c = Ctx(message, session, actor, t, clock.now(), state, platform, evidence_store)

    async def work() -> None:
        reference = (message.text or "").strip()
        if not reference or len(reference) > 100:
            raise ReviewError("rv-neg-bad-reference")
        await state.update_data(reference=reference)
        await state.set_state(Step.neg_note)
        await message.answer(t("rv-neg-ask-note"),
                             reply_markup=single(t, "rv-button-no-note", cbd("ngn")))

    await _typed(c, work)


async def _save_negative(c: Ctx, note: str) -> None:
    data = await c.state.get_data()
    office = await review_inputs.region_office(c.session, int(data.get("o", 0)), c.regions)
    period = await c.period()
    rubric = period_rubric(period)
    if "day" not in data or "reference" not in data:
        raise ReviewError("rv-stale")
    record = await review_inputs.add_negative(
        c.session, office, period, rubric, str(data.get("k")), date.fromisoformat(data["day"]),
        data["reference"], note, c.who, c.now)
    await c.session.commit()
    await c.state.clear()
    negative = rubric.negative(record.item_key)
    await c.message.answer(c.t("rv-neg-saved", title=title(negative, c.t.lang),
                               name=office.name, code=office.code, points=negative.points),
                           reply_markup=single(c.t, "rv-button-queue", cbd("q")))


@router.message(Step.neg_note, F.text)
async def take_negative_note(message: Message, session: AsyncSession, actor: Actor,
                             t: Translator, clock: Clock, state: FSMContext, platform: str,
                             evidence_store: EvidenceStore) -> None:
    c = Ctx(message, session, actor, t, clock.now(), state, platform, evidence_store)
    await _typed(c, lambda: _save_negative(c, message.text or ""))


@action("ngn")
async def _negative_without_note(c: Ctx, args: list[str]) -> None:
    if await c.state.get_state() != Step.neg_note.state:
        raise ReviewError("rv-stale")
    await _save_negative(c, "")


# ---------------------------------------------------------------------------------------------
# Discrepancy reports


@action("d")
async def _discrepancies(c: Ctx, args: list[str]) -> None:
    await c.state.clear()
    reports = await review_inputs.open_discrepancies(c.session, c.regions)
    lines = [c.t("rv-disc-title", count=len(reports))]
    kb = InlineKeyboardBuilder()
    for report in reports:
        lines.append(c.t("rv-disc-line", number=report.id, name=report.office.name,
                         code=report.office.code, field=c.t(f"disc-field-{report.field}")))
        kb.button(text=c.t("rv-button-disc", number=report.id),
                  callback_data=cbd("do", report.id))
    kb.button(text=c.t("rv-button-queue"), callback_data=cbd("q"))
    kb.adjust(3)
    await c.message.answer("\n".join(lines), reply_markup=kb.as_markup())


def _shown(c: Ctx, report: review_inputs.DiscrepancyRecord, value: str) -> str:
    if report.field == "type":
        return c.t(f"rv-type-{value}") if value in ("urban", "rural_ict") else value
    return value or c.t("value-none")


@action("do")
async def _discrepancy(c: Ctx, args: list[str]) -> None:
    await c.state.clear()
    report = await review_inputs.get_discrepancy(c.session, _int(args, 0), c.regions)
    text = c.t("rv-disc-detail", number=report.id, name=report.office.name,
               code=report.office.code, field=c.t(f"disc-field-{report.field}"),
               current=_shown(c, report, report.current), text=report.text,
               date=format_jalali_date(report.created_at, c.t.lang),
               status=c.t(f"disc-status-{report.status}"))
    kb = InlineKeyboardBuilder()
    if report.status == "open":
        kb.button(text=c.t("rv-button-disc-fix"), callback_data=cbd("df", report.id))
        kb.button(text=c.t("rv-button-disc-answer"), callback_data=cbd("da", report.id))
    if report.evidence_sha256:
        kb.button(text=c.t("rv-button-disc-evidence"), callback_data=cbd("de", report.id))
    kb.button(text=c.t("rv-button-disc-list"), callback_data=cbd("d"))
    kb.adjust(2)
    await c.message.answer(text, reply_markup=kb.as_markup())


@action("df")
async def _discrepancy_fix_ask(c: Ctx, args: list[str]) -> None:
    report = await review_inputs.get_discrepancy(c.session, _int(args, 0), c.regions)
    if report.status != "open":
        raise ReviewError("rv-disc-closed")
    if report.field == "type":
        kb = InlineKeyboardBuilder()
        kb.button(text=c.t("rv-type-urban"), callback_data=cbd("dt", report.id, "u"))
        kb.button(text=c.t("rv-type-rural_ict"), callback_data=cbd("dt", report.id, "r"))
        kb.button(text=c.t("rv-button-cancel"), callback_data=cbd("do", report.id))
        kb.adjust(2, 1)
        await c.message.answer(c.t("rv-disc-type-ask"), reply_markup=kb.as_markup())
        return
    await c.state.set_state(Step.disc_fix)
    await c.state.set_data({"r": report.id})
    await c.message.answer(c.t("rv-disc-fix-ask", field=c.t(f"disc-field-{report.field}"),
                               current=_shown(c, report, report.current)),
                           reply_markup=single(c.t, "rv-button-cancel", cbd("do", report.id)))


async def _fixed(c: Ctx, report: review_inputs.DiscrepancyRecord) -> None:
    await c.message.answer(c.t("rv-disc-fixed", number=report.id,
                               field=c.t(f"disc-field-{report.field}"),
                               value=_shown(c, report, report.answer or "")),
                           reply_markup=single(c.t, "rv-button-disc-list", cbd("d")))


@action("dt")
async def _discrepancy_type(c: Ctx, args: list[str]) -> None:
    kind = {"u": "urban", "r": "rural_ict"}.get(args[1] if len(args) > 1 else "")
    if kind is None:
        raise ReviewError("rv-stale")
    report = await review_inputs.fix_discrepancy(c.session, _int(args, 0), c.regions, kind,
                                                 c.who, c.now)
    await c.session.commit()
    await _fixed(c, report)


@router.message(Step.disc_fix, F.text)
async def take_discrepancy_fix(message: Message, session: AsyncSession, actor: Actor,
                               t: Translator, clock: Clock, state: FSMContext, platform: str,
                               evidence_store: EvidenceStore) -> None:
    c = Ctx(message, session, actor, t, clock.now(), state, platform, evidence_store)

    async def work() -> None:
        data = await state.get_data()
        report = await review_inputs.fix_discrepancy(session, int(data.get("r", 0)),
                                                     c.regions, message.text or "", c.who,
                                                     c.now)
        await session.commit()
        await state.clear()
        await _fixed(c, report)

    await _typed(c, work)


@action("da")
async def _discrepancy_answer_ask(c: Ctx, args: list[str]) -> None:
    report = await review_inputs.get_discrepancy(c.session, _int(args, 0), c.regions)
    if report.status != "open":
        raise ReviewError("rv-disc-closed")
    await c.state.set_state(Step.disc_answer)
    await c.state.set_data({"r": report.id})
    await c.message.answer(c.t("rv-disc-answer-ask"),
                           reply_markup=single(c.t, "rv-button-cancel", cbd("do", report.id)))


@router.message(Step.disc_answer, F.text)
async def take_discrepancy_answer(message: Message, session: AsyncSession, actor: Actor,
                                  t: Translator, clock: Clock, state: FSMContext, platform: str,
                                  evidence_store: EvidenceStore) -> None:
    c = Ctx(message, session, actor, t, clock.now(), state, platform, evidence_store)

    async def work() -> None:
        data = await state.get_data()
        report = await review_inputs.answer_discrepancy(session, int(data.get("r", 0)),
                                                        c.regions, message.text or "", c.who,
                                                        c.now)
        await session.commit()
        await state.clear()
        await message.answer(t("rv-disc-answered", number=report.id),
                             reply_markup=single(t, "rv-button-disc-list", cbd("d")))

    await _typed(c, work)


@action("de")
async def _discrepancy_evidence(c: Ctx, args: list[str]) -> None:
    report = await review_inputs.get_discrepancy(c.session, _int(args, 0), c.regions)
    if not report.evidence_sha256:
        raise ReviewError("rv-stale")
    await c.answer()
    data = await asyncio.to_thread(c.store.get, report.evidence_sha256)
    kind = sniff(data)
    caption = c.t("rv-disc-evidence", number=report.id)
    if kind is not None and kind[0] == "application/pdf":
        await c.message.answer_document(BufferedInputFile(data, f"report-{report.id}.pdf"),
                                        caption=caption)
    else:
        await c.message.answer_photo(BufferedInputFile(data, f"report-{report.id}.jpg"),
                                     caption=caption)


# ---------------------------------------------------------------------------------------------
# Typed steps: shared error handling, and the twins that explain what is expected


async def _typed(c: Ctx, work: Callable[[], Awaitable[None]]) -> None:
    try:
        await work()
    except ReviewError as error:
        await c.session.rollback()
        await c.message.answer(explain(c.t, error))
        if error.key in ("rv-not-yours", "rv-stale", "rv-not-reviewable", "rv-published",
                         "rv-window-closed", "rv-window-not-yet", "rv-not-submitted"):
            await c.state.clear()


@router.message(StateFilter(Step))
async def text_expected(message: Message, t: Translator) -> None:
    """A file, sticker or voice note where a typed answer is awaited."""
    await message.answer(t("rv-text-expected"))


def _not_owner(_event: object, actor: Actor) -> bool:
    return not actor.office_ids


@router.message(StateFilter(None), F.text, ~F.text.startswith("/"), _not_owner)
async def staff_panel(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                      clock: Clock, state: FSMContext, platform: str,
                      evidence_store: EvidenceStore) -> None:
    """Anything a reviewer (who is not also an owner) sends outside a step: the queue."""
    await open_queue(message, session, actor, t, clock, state, platform, evidence_store)
