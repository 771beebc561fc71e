"""The reviewer's other inputs: committee decisions (negative points) for an office of the
region, and the owners' discrepancy reports (correct the base field, or answer).

Declares its handlers on `handlers.review_base.router`; `services.review_inputs` and
`services.discrepancy` check every id against the reviewer's regions.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from aiogram.filters import StateFilter
from aiogram.types import BufferedInputFile, Message

from handlers.filters import TYPED
from handlers.review_base import Ctx, Step, button, router, typed
from services import discrepancy, review_inputs
from services.errors import Invalid, NotFound
from storage.evidence import sniff
from texts import review_inputs as words
from texts.review import single
from texts.review_callbacks import ReviewCb, ReviewIdCb, ReviewPairCb, ReviewTypeCb
from texts.views import title

QUEUE = ReviewCb(action="q").pack()

# ---------------------------------------------------------------------------------------------
# Negative points (committee decisions)


@button(ReviewCb, "ng")
async def _negative_code(c: Ctx, cb: ReviewCb) -> None:
    await review_inputs.open_period(c.uow, c.actor, c.now)
    await c.state.set_state(Step.neg_office)
    await c.message.answer(c.t("rv-neg-ask-office"),
                           reply_markup=single(c.t, "rv-button-cancel", QUEUE))


async def _negative_items(c: Ctx, office_id: int) -> None:
    found = await review_inputs.negatives(c.uow, c.actor, office_id, c.now)
    await c.message.answer(words.negatives_text(c.t, found),
                           reply_markup=words.negatives_keyboard(c.t, found))


@button(ReviewIdCb, "ngo")
async def _negative_for_office(c: Ctx, cb: ReviewIdCb) -> None:
    await c.state.clear()
    await _negative_items(c, cb.id)


@router.message(StateFilter(Step.neg_office), TYPED)
async def take_negative_office(message: Message, **data: Any) -> None:
    c = Ctx.of(message, data)

    async def work() -> None:
        office = await review_inputs.office_by_code(c.uow, c.actor, message.text or "")
        if office is None:
            await message.answer(c.t("rv-neg-no-office"))
            return
        await c.state.clear()
        await _negative_items(c, office.id)

    await typed(c, work)


@button(ReviewPairCb, "ngi")
async def _negative_date_ask(c: Ctx, cb: ReviewPairCb) -> None:
    office, negative = await review_inputs.pick(c.uow, c.actor, cb.id, cb.n, c.now)
    await c.state.set_state(Step.neg_date)
    await c.state.set_data({"o": office.id, "k": negative.key})
    await c.message.answer(c.t("rv-neg-ask-date", title=title(negative, c.t.lang)),
                           reply_markup=single(c.t, "rv-button-cancel", QUEUE))


@router.message(StateFilter(Step.neg_date), TYPED)
async def take_negative_date(message: Message, **data: Any) -> None:
    c = Ctx.of(message, data)

    async def work() -> None:
        day = review_inputs.decision_date(message.text or "", c.now)
        await c.state.update_data(day=day.isoformat())
        await c.state.set_state(Step.neg_reference)
        await message.answer(c.t("rv-neg-ask-reference"))

    await typed(c, work)


@router.message(StateFilter(Step.neg_reference), TYPED)
async def take_negative_reference(message: Message, **data: Any) -> None:
    c = Ctx.of(message, data)

    async def work() -> None:
        reference = (message.text or "").strip()
        if not reference or len(reference) > 100:
            raise Invalid("rv-neg-bad-reference")
        await c.state.update_data(reference=reference)
        await c.state.set_state(Step.neg_note)
        await message.answer(c.t("rv-neg-ask-note"), reply_markup=single(
            c.t, "rv-button-no-note", ReviewCb(action="ngn").pack()))

    await typed(c, work)


async def _save_negative(c: Ctx, note: str) -> None:
    data = await c.state.get_data()
    if "day" not in data or "reference" not in data:
        raise NotFound("rv-stale")
    added = await review_inputs.add_negative(
        c.uow, c.actor, int(data.get("o", 0)), str(data.get("k")),
        date.fromisoformat(data["day"]), data["reference"], note, c.now)
    await c.state.clear()
    await c.message.answer(c.t("rv-neg-saved", title=title(added.item, c.t.lang),
                               name=added.office.name, code=added.office.code,
                               points=added.item.points),
                           reply_markup=single(c.t, "rv-button-queue", QUEUE))


@router.message(StateFilter(Step.neg_note), TYPED)
async def take_negative_note(message: Message, **data: Any) -> None:
    c = Ctx.of(message, data)
    await typed(c, lambda: _save_negative(c, message.text or ""))


@button(ReviewCb, "ngn")
async def _negative_without_note(c: Ctx, cb: ReviewCb) -> None:
    if await c.state.get_state() != Step.neg_note.state:
        raise NotFound("rv-stale")
    await _save_negative(c, "")


# ---------------------------------------------------------------------------------------------
# Discrepancy reports


@button(ReviewCb, "d")
async def _discrepancies(c: Ctx, cb: ReviewCb) -> None:
    await c.state.clear()
    reports = await discrepancy.open_reports(c.uow, c.actor)
    await c.message.answer(words.reports_text(c.t, reports),
                           reply_markup=words.reports_keyboard(c.t, reports))


@button(ReviewIdCb, "do")
async def _discrepancy(c: Ctx, cb: ReviewIdCb) -> None:
    await c.state.clear()
    report = await discrepancy.get(c.uow, c.actor, cb.id)
    await c.message.answer(words.report_text(c.t, report),
                           reply_markup=words.report_keyboard(c.t, report))


@button(ReviewIdCb, "df")
async def _discrepancy_fix_ask(c: Ctx, cb: ReviewIdCb) -> None:
    report = await discrepancy.get(c.uow, c.actor, cb.id, must_be_open=True)
    if report.field == "type":
        await c.message.answer(c.t("rv-disc-type-ask"),
                               reply_markup=words.type_keyboard(c.t, report))
        return
    await c.state.set_state(Step.disc_fix)
    await c.state.set_data({"r": report.id})
    await c.message.answer(c.t("rv-disc-fix-ask", field=c.t(f"disc-field-{report.field}"),
                               current=words.shown(c.t, report, report.current)),
                           reply_markup=single(c.t, "rv-button-cancel", ReviewIdCb(
                               action="do", id=report.id).pack()))


async def _fixed(c: Ctx, report: discrepancy.DiscrepancyRecord) -> None:
    await c.message.answer(c.t("rv-disc-fixed", number=report.id,
                               field=c.t(f"disc-field-{report.field}"),
                               value=words.shown(c.t, report, report.answer or "")),
                           reply_markup=single(c.t, "rv-button-disc-list",
                                               ReviewCb(action="d").pack()))


@button(ReviewTypeCb, "dt")
async def _discrepancy_type(c: Ctx, cb: ReviewTypeCb) -> None:
    kind = {"u": "urban", "r": "rural_ict"}[cb.kind]
    await _fixed(c, await discrepancy.fix(c.uow, c.actor, cb.id, kind, c.now))


@router.message(StateFilter(Step.disc_fix), TYPED)
async def take_discrepancy_fix(message: Message, **data: Any) -> None:
    c = Ctx.of(message, data)

    async def work() -> None:
        state = await c.state.get_data()
        report = await discrepancy.fix(c.uow, c.actor, int(state.get("r", 0)),
                                       message.text or "", c.now)
        await c.state.clear()
        await _fixed(c, report)

    await typed(c, work)


@button(ReviewIdCb, "da")
async def _discrepancy_answer_ask(c: Ctx, cb: ReviewIdCb) -> None:
    report = await discrepancy.get(c.uow, c.actor, cb.id, must_be_open=True)
    await c.state.set_state(Step.disc_answer)
    await c.state.set_data({"r": report.id})
    await c.message.answer(c.t("rv-disc-answer-ask"), reply_markup=single(
        c.t, "rv-button-cancel", ReviewIdCb(action="do", id=report.id).pack()))


@router.message(StateFilter(Step.disc_answer), TYPED)
async def take_discrepancy_answer(message: Message, **data: Any) -> None:
    c = Ctx.of(message, data)

    async def work() -> None:
        state = await c.state.get_data()
        report = await discrepancy.answer(c.uow, c.actor, int(state.get("r", 0)),
                                          message.text or "", c.now)
        await c.state.clear()
        await message.answer(c.t("rv-disc-answered", number=report.id),
                             reply_markup=single(c.t, "rv-button-disc-list",
                                                 ReviewCb(action="d").pack()))

    await typed(c, work)


@button(ReviewIdCb, "de")
async def _discrepancy_evidence(c: Ctx, cb: ReviewIdCb) -> None:
    report = await discrepancy.get(c.uow, c.actor, cb.id)
    if not report.evidence_sha256:
        raise NotFound("rv-stale")
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


