"""The provincial association: its score for each office of its province, typed one by one
(«code score» on one line, or the code and then the score) or sent as a CSV/XLSX file.

Buttons are `as:<action>`; the office of every typed code must be in one of the member's
provinces, and entries are taken only inside the period's review window (the regions' and
associations' window), never after publishing.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.review_base import TYPED, HasRole, who
from handlers.review_views import explain
from scoring.answers import AnswerError, parse_external_score
from scoring.calendar import format_jalali_date, period_title
from scoring.rubric import ExternalInput
from services.clock import Clock
from storage import review, review_inputs, review_scores
from storage.accounts import Actor
from storage.declarations import period_rubric
from storage.records import PeriodRecord
from storage.registry import RegistryFileError
from storage.review import ReviewError
from texts.i18n import Markup, Translator
from texts.keyboards import InlineKeyboardBuilder

router = Router(name=__name__)
router.message.filter(HasRole("association"))
router.callback_query.filter(HasRole("association"))

MAX_FILE = 5 * 1024 * 1024
SUFFIXES = (".csv", ".xlsx")


class Entry(StatesGroup):
    code = State()
    score = State()
    file = State()


def _keyboard(t: Translator) -> object:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("assoc-button-enter"), callback_data="as:e")
    kb.button(text=t("assoc-button-file"), callback_data="as:f")
    kb.adjust(2)
    return kb.as_markup()


def _done(t: Translator) -> object:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("assoc-button-done"), callback_data="as:q")
    return kb.as_markup()


async def _period(session: AsyncSession, now: datetime) -> PeriodRecord:
    period = await review.review_period(session, now)
    if period is None:
        raise ReviewError("rv-no-period")
    return period


async def _panel(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                 now: datetime) -> None:
    period = await _period(session, now)
    provinces = actor.provinces()
    offices, scored = await review_inputs.association_progress(session, period.id, provinces)
    lines = [t("assoc-title", provinces=("، " if t.lang == "fa" else ", ").join(
        sorted(provinces))),
             t("assoc-period", period=period_title(period.code, t.lang),
               **{k: format_jalali_date(v, t.lang)
                  for k, v in review.window_dates(period).items()}),
             t("assoc-progress", scored=scored, offices=offices)]
    refusal = review.action_refusal(period, now)
    if refusal is not None:
        lines.append(t("rv-queue-read-only", reason=Markup(explain(t, refusal))))
    await message.answer("\n".join(lines), reply_markup=_keyboard(t))


@router.message(Command("scores"))
async def open_panel(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                     clock: Clock, state: FSMContext) -> None:
    await state.clear()
    try:
        await _panel(message, session, actor, t, clock.now())
    except ReviewError as error:
        await message.answer(explain(t, error))


@router.callback_query(F.data.startswith("as:"))
async def on_button(callback: CallbackQuery, session: AsyncSession, actor: Actor,
                    t: Translator, clock: Clock, state: FSMContext) -> None:
    message = callback.message
    action = (callback.data or "").split(":", 1)[1]
    if not isinstance(message, Message) or action not in ("e", "f", "q"):
        await callback.answer(t("rv-stale"), show_alert=True)
        return
    now = clock.now()
    try:
        period = await _period(session, now)
        if action != "q":
            review.check_window(period, now)
    except ReviewError as error:
        await callback.answer(explain(t, error), show_alert=True)
        return
    await callback.answer()
    if action == "e":
        await state.set_state(Entry.code)
        await message.answer(t("assoc-ask-code", min=_spec(period).min, max=_spec(period).max),
                             reply_markup=_done(t))
    elif action == "f":
        await state.set_state(Entry.file)
        await message.answer(t("assoc-ask-file"), reply_markup=_done(t))
    else:
        await state.clear()
        await _panel(message, session, actor, t, now)


def _spec(period: PeriodRecord) -> ExternalInput:
    return period_rubric(period).external.association


async def _save(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                now: datetime, state: FSMContext, office_id: int, text: str) -> None:
    period = await _period(session, now)
    office = await review_inputs.province_office(session, office_id, actor.provinces())
    spec = _spec(period)
    try:
        value = parse_external_score(spec, text)
    except AnswerError:
        await message.answer(t("assoc-bad-score", text=text.strip()[:20], min=spec.min,
                               max=spec.max))
        await state.set_state(Entry.score)
        await state.set_data({"o": office_id})
        return
    old = await review_inputs.set_association(session, office, period, value, who(actor), now)
    await session.commit()
    await state.set_state(Entry.code)
    await state.set_data({})
    key = "assoc-saved" if old is None else "assoc-saved-changed"
    await message.answer(t(key, name=office.name, code=office.code, score=Decimal(value),
                           old=old if old is not None else 0), reply_markup=_done(t))


@router.message(Entry.code, TYPED)
async def take_code(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                    clock: Clock, state: FSMContext) -> None:
    now = clock.now()
    parts = (message.text or "").split()
    try:
        period = await _period(session, now)
        review.check_window(period, now)
        if not parts or len(parts) > 2:
            raise ReviewError("assoc-bad-line")
        office = await review_inputs.association_office(session, parts[0], actor.provinces())
        if len(parts) == 2:
            await _save(message, session, actor, t, now, state, office.id, parts[1])
            return
        current = await review_inputs.association_score(session, office.id, period.id)
        await state.set_state(Entry.score)
        await state.set_data({"o": office.id})
        await message.answer(t("assoc-ask-score", name=office.name, code=office.code,
                               min=_spec(period).min, max=_spec(period).max,
                               current=current if current is not None else t("value-none")),
                             reply_markup=_done(t))
    except ReviewError as error:
        await session.rollback()
        await message.answer(explain(t, error))


@router.message(Entry.score, TYPED)
async def take_score(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                     clock: Clock, state: FSMContext) -> None:
    now = clock.now()
    data = await state.get_data()
    try:
        period = await _period(session, now)
        review.check_window(period, now)
        await _save(message, session, actor, t, now, state, int(data.get("o", 0)),
                    message.text or "")
    except ReviewError as error:
        await session.rollback()
        await message.answer(explain(t, error))


@router.message(StateFilter(Entry.code, Entry.score))
async def text_expected(message: Message, t: Translator) -> None:
    await message.answer(t("assoc-text-expected"))


@router.message(Entry.file, F.document)
async def take_file(message: Message, bot: Bot, session: AsyncSession, actor: Actor,
                    t: Translator, clock: Clock, state: FSMContext) -> None:
    now = clock.now()
    document = message.document
    assert document is not None
    suffix = Path(document.file_name or "").suffix.lower()
    if suffix not in SUFFIXES:
        await message.answer(t("assoc-file-type"))
        return
    if document.file_size is not None and document.file_size > MAX_FILE:
        await message.answer(t("assoc-file-large", max_mb=MAX_FILE // (1024 * 1024)))
        return
    try:
        period = await _period(session, now)
        review.check_window(period, now)
        buffer = await bot.download(document.file_id)
        assert buffer is not None
        data = buffer.read(MAX_FILE + 1)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"scores{suffix}"
            path.write_bytes(data)
            report = await review_scores.import_scores(
                session, path, period, "association", provinces=actor.provinces(),
                actor=who(actor).label, actor_account_id=actor.account_id)
    except ReviewError as error:
        await session.rollback()
        await message.answer(explain(t, error))
        return
    except RegistryFileError as error:
        await message.answer(t("assoc-file-unreadable", reason=str(error)))
        return
    lines = [t("assoc-import-report", inserted=report.inserted, updated=report.updated,
               unchanged=report.unchanged, rejected=report.rejected_rows)]
    if report.rejected:
        lines.append(t("assoc-import-nothing-written"))
        lines += [t("assoc-import-error", row=e.row, column=e.column, reason=e.reason)
                  for e in report.rejected[:10]]
        if len(report.rejected) > 10:
            lines.append(t("assoc-import-more", count=len(report.rejected) - 10))
    else:
        await state.clear()
        lines.append(t("assoc-import-written"))
    await message.answer("\n".join(lines), reply_markup=_done(t))


@router.message(Entry.file)
async def file_expected(message: Message, t: Translator) -> None:
    await message.answer(t("assoc-file-expected"))


def _not_owner(_event: object, actor: Actor) -> bool:
    return not actor.office_ids


@router.message(StateFilter(None), TYPED, _not_owner)
async def staff_panel(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                      clock: Clock, state: FSMContext) -> None:
    """Anything an association member (not also an owner) sends outside a step: the panel."""
    await open_panel(message, session, actor, t, clock, state)
