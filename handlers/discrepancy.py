"""Reporting a discrepancy in the office's base data (name, type, address, holder).

The owner may not edit these fields; the region fixes them. The report is saved the moment its
text arrives (nothing typed is lost), a photo may follow, and the owner sees each report's state.
"""

from __future__ import annotations

import asyncio

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from handlers.filters import FILE, TEXT, when
from handlers.owner import menu_button
from services import discrepancy
from services.errors import ServiceError
from services.uow import UnitOfWork
from settings import Settings
from storage.accounts import Actor
from storage.evidence import EvidenceRejected, EvidenceStore, check
from texts.callbacks import MenuCb
from texts.i18n import Translator
from texts.keyboards import InlineKeyboardBuilder
from texts.review_callbacks import DiscCb, DiscFieldCb

FIELDS = discrepancy.FIELDS
MAX_TEXT = discrepancy.MAX_TEXT


class Report(StatesGroup):
    text = State()
    photo = State()


async def show_reports(callback: CallbackQuery, uow: UnitOfWork, actor: Actor,
                       t: Translator, state: FSMContext) -> None:
    await callback.answer()
    assert isinstance(callback.message, Message)
    if actor.office_id is None:
        await callback.message.answer(t("not-linked"))
        return
    await state.clear()
    reports = await discrepancy.own_reports(uow, actor)
    lines = [t("disc-intro")]
    for report in reports:
        lines.append(t("disc-line", number=report.id, field=t(f"disc-field-{report.field}"),
                       status=t(f"disc-status-{report.status}")))
        if report.answer:
            lines.append("    " + t("disc-answer", answer=report.answer))
    kb = InlineKeyboardBuilder()
    for field in FIELDS:
        kb.button(text=t(f"disc-field-{field}"), callback_data=DiscFieldCb(field=field))
    kb.button(text=t("button-menu"), callback_data=MenuCb(action="main"))
    kb.adjust(2, 2, 1)
    await callback.message.answer("\n".join(lines), reply_markup=kb.as_markup())


async def ask_text(callback: CallbackQuery, callback_data: DiscFieldCb, actor: Actor,
                   t: Translator, state: FSMContext) -> None:
    field = callback_data.field
    if actor.office_id is None:
        await callback.answer(t("stale-button"), show_alert=True)
        return
    await callback.answer()
    await state.set_state(Report.text)
    await state.update_data(field=field)
    assert isinstance(callback.message, Message)
    await callback.message.answer(t("disc-ask-text", field=t(f"disc-field-{field}")),
                                  reply_markup=_cancel(t))


def _cancel(t: Translator) -> object:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("button-cancel"), callback_data=DiscCb(action="cancel"))
    return kb.as_markup()


async def cancel(callback: CallbackQuery, t: Translator, state: FSMContext) -> None:
    await callback.answer()
    await state.clear()
    assert isinstance(callback.message, Message)
    await callback.message.answer(t("disc-cancelled"), reply_markup=menu_button(t))


async def take_text(message: Message, uow: UnitOfWork, actor: Actor, t: Translator,
                    state: FSMContext) -> None:
    text = (message.text or "").strip()
    if not text or len(text) > MAX_TEXT:
        await message.answer(t("disc-text-length", max=MAX_TEXT))
        return
    data = await state.get_data()
    if actor.office_id is None or data.get("field") not in FIELDS:
        await state.clear()
        await message.answer(t("stale-button"), reply_markup=menu_button(t))
        return
    try:
        number = await discrepancy.report(uow, actor, data["field"], text)
    except ServiceError:
        await state.clear()
        await message.answer(t("stale-button"), reply_markup=menu_button(t))
        return
    await state.set_state(Report.photo)
    await state.update_data(report=number)
    kb = InlineKeyboardBuilder()
    kb.button(text=t("button-disc-no-photo"), callback_data=DiscCb(action="done"))
    await message.answer(t("disc-ask-photo", number=number), reply_markup=kb.as_markup())


async def text_expected(message: Message, t: Translator) -> None:
    await message.answer(t("disc-text-expected"))


async def take_photo(message: Message, bot: Bot, uow: UnitOfWork, actor: Actor,
                     t: Translator, state: FSMContext, settings: Settings,
                     evidence_store: EvidenceStore) -> None:
    data = await state.get_data()
    number = int(data.get("report", -1))
    if not await discrepancy.is_own_report(uow, actor, number):
        await state.clear()
        await message.answer(t("stale-button"), reply_markup=menu_button(t))
        return
    file = message.photo[-1] if message.photo else message.document
    assert file is not None
    file_id = file.file_id
    max_bytes = int(settings.evidence_max_mb * 1024 * 1024)
    try:
        buffer = await bot.download(file_id, timeout=settings.download_timeout_seconds)
        assert buffer is not None
        # A PDF's parse may take seconds (storage.evidence_checks): off the event loop.
        checked = await asyncio.to_thread(check, buffer.read(max_bytes + 1), max_bytes)
    except EvidenceRejected as rejected:
        await message.answer(t(rejected.key, **rejected.message_args))
        return
    await asyncio.to_thread(evidence_store.put, checked)
    try:
        await discrepancy.attach_photo(uow, actor, number, checked.sha256)
    except ServiceError:
        await state.clear()
        await message.answer(t("stale-button"), reply_markup=menu_button(t))
        return
    await state.clear()
    await message.answer(t("disc-done", number=number), reply_markup=menu_button(t))


async def done(callback: CallbackQuery, t: Translator, state: FSMContext) -> None:
    data = await state.get_data()
    await state.clear()
    await callback.answer()
    assert isinstance(callback.message, Message)
    if "report" not in data:
        await callback.message.answer(t("stale-button"), reply_markup=menu_button(t))
        return
    await callback.message.answer(t("disc-done", number=data["report"]),
                                  reply_markup=menu_button(t))


async def photo_expected(message: Message, t: Translator) -> None:
    await message.answer(t("disc-photo-expected"))


def setup() -> Router:
    """This feature's handlers on a new router (each call builds a new one)."""
    router = Router(name=__name__)
    router.callback_query.register(show_reports, when(F.data == "menu:disc"))
    router.callback_query.register(ask_text, DiscFieldCb.filter())
    router.callback_query.register(cancel, DiscCb.filter(F.action == "cancel"))
    router.message.register(take_text, StateFilter(Report.text), TEXT)
    router.message.register(text_expected, StateFilter(Report.text))
    router.message.register(take_photo, StateFilter(Report.photo), FILE)
    router.callback_query.register(done, DiscCb.filter(F.action == "done"))
    router.message.register(photo_expected, StateFilter(Report.photo))
    return router
