"""The reviewer's other inputs: committee decisions (negative points) for an office of the
region, and the owners' discrepancy reports (correct the base field, or answer).

Registers on `handlers.review_base.router`; every id is checked against the reviewer's regions.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from aiogram.types import BufferedInputFile, Message

from handlers.review_base import TYPED, Ctx, Step, action, arg, router, typed
from handlers.review_views import cbd, single
from scoring.calendar import format_jalali_date
from storage import review, review_inputs
from storage.declarations import period_rubric
from storage.evidence import sniff
from storage.review import ReviewError
from texts.keyboards import InlineKeyboardBuilder
from texts.views import title

# ---------------------------------------------------------------------------------------------
# Negative points (committee decisions)


@action("ng")
async def _negative_code(c: Ctx, args: list[str]) -> None:
    review.check_window(await c.period(), c.now)
    await c.state.set_state(Step.neg_office)
    await c.message.answer(c.t("rv-neg-ask-office"),
                           reply_markup=single(c.t, "rv-button-cancel", cbd("q")))


async def _negative_items(c: Ctx, office_id: int) -> None:
    office = await review_inputs.region_office(c.session, office_id, c.regions)
    period = await c.period()
    review.check_window(period, c.now)
    rubric = period_rubric(period)
    lines = [c.t("rv-neg-pick", name=office.name, code=office.code)]
    for item in await review_inputs.list_negatives(c.session, office.id, period.id):
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
    await _negative_items(c, arg(args, 0))


@router.message(Step.neg_office, TYPED)
async def take_negative_office(message: Message, **data: Any) -> None:
    c = Ctx.of(message, data)

    async def work() -> None:
        office = await review_inputs.office_by_code(c.session, message.text or "")
        if office is None:
            await message.answer(c.t("rv-neg-no-office"))
            return
        await c.state.clear()
        await _negative_items(c, office.id)

    await typed(c, work)


@action("ngi")
async def _negative_date_ask(c: Ctx, args: list[str]) -> None:
    office = await review_inputs.region_office(c.session, arg(args, 0), c.regions)
    period = await c.period()
    review.check_window(period, c.now)
    negatives = period_rubric(period).negatives
    index = arg(args, 1)
    if index >= len(negatives):
        raise ReviewError("rv-stale")
    await c.state.set_state(Step.neg_date)
    await c.state.set_data({"o": office.id, "k": negatives[index].key})
    await c.message.answer(c.t("rv-neg-ask-date", title=title(negatives[index], c.t.lang)),
                           reply_markup=single(c.t, "rv-button-cancel", cbd("q")))


@router.message(Step.neg_date, TYPED)
async def take_negative_date(message: Message, **data: Any) -> None:
    c = Ctx.of(message, data)

    async def work() -> None:
        day = review_inputs.parse_decision_date(message.text or "", c.now)
        await c.state.update_data(day=day.isoformat())
        await c.state.set_state(Step.neg_reference)
        await message.answer(c.t("rv-neg-ask-reference"))

    await typed(c, work)


@router.message(Step.neg_reference, TYPED)
async def take_negative_reference(message: Message, **data: Any) -> None:
    c = Ctx.of(message, data)

    async def work() -> None:
        reference = (message.text or "").strip()
        if not reference or len(reference) > 100:
            raise ReviewError("rv-neg-bad-reference")
        await c.state.update_data(reference=reference)
        await c.state.set_state(Step.neg_note)
        await message.answer(c.t("rv-neg-ask-note"),
                             reply_markup=single(c.t, "rv-button-no-note", cbd("ngn")))

    await typed(c, work)


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


@router.message(Step.neg_note, TYPED)
async def take_negative_note(message: Message, **data: Any) -> None:
    c = Ctx.of(message, data)
    await typed(c, lambda: _save_negative(c, message.text or ""))


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
    report = await review_inputs.get_discrepancy(c.session, arg(args, 0), c.regions)
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
    report = await review_inputs.get_discrepancy(c.session, arg(args, 0), c.regions)
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
    report = await review_inputs.fix_discrepancy(c.session, arg(args, 0), c.regions, kind,
                                                 c.who, c.now)
    await c.session.commit()
    await _fixed(c, report)


@router.message(Step.disc_fix, TYPED)
async def take_discrepancy_fix(message: Message, **data: Any) -> None:
    c = Ctx.of(message, data)

    async def work() -> None:
        state = await c.state.get_data()
        report = await review_inputs.fix_discrepancy(c.session, int(state.get("r", 0)),
                                                     c.regions, message.text or "", c.who,
                                                     c.now)
        await c.session.commit()
        await c.state.clear()
        await _fixed(c, report)

    await typed(c, work)


@action("da")
async def _discrepancy_answer_ask(c: Ctx, args: list[str]) -> None:
    report = await review_inputs.get_discrepancy(c.session, arg(args, 0), c.regions)
    if report.status != "open":
        raise ReviewError("rv-disc-closed")
    await c.state.set_state(Step.disc_answer)
    await c.state.set_data({"r": report.id})
    await c.message.answer(c.t("rv-disc-answer-ask"),
                           reply_markup=single(c.t, "rv-button-cancel", cbd("do", report.id)))


@router.message(Step.disc_answer, TYPED)
async def take_discrepancy_answer(message: Message, **data: Any) -> None:
    c = Ctx.of(message, data)

    async def work() -> None:
        state = await c.state.get_data()
        report = await review_inputs.answer_discrepancy(c.session, int(state.get("r", 0)),
                                                        c.regions, message.text or "", c.who,
                                                        c.now)
        await c.session.commit()
        await c.state.clear()
        await message.answer(c.t("rv-disc-answered", number=report.id),
                             reply_markup=single(c.t, "rv-button-disc-list", cbd("d")))

    await typed(c, work)


@action("de")
async def _discrepancy_evidence(c: Ctx, args: list[str]) -> None:
    report = await review_inputs.get_discrepancy(c.session, arg(args, 0), c.regions)
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
