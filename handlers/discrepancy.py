"""Reporting a discrepancy in the office's base data (name, type, address, holder).

The owner may not edit these fields; the region fixes them. The report is saved the moment its
text arrives (nothing typed is lost), a photo may follow, and the owner sees each report's state.
"""

from __future__ import annotations

import asyncio

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.owner import actor_label, menu_button
from settings import Settings
from storage.accounts import Actor
from storage.admin import audit
from storage.evidence import EvidenceRejected, EvidenceStore, check
from storage.models import Discrepancy
from texts.i18n import Translator
from texts.keyboards import InlineKeyboardBuilder

router = Router(name=__name__)
FIELDS = ("name", "type", "address", "holder")
MAX_TEXT = 1000


class Report(StatesGroup):
    text = State()
    photo = State()


@router.callback_query(F.data == "menu:disc")
async def show_reports(callback: CallbackQuery, session: AsyncSession, actor: Actor,
                       t: Translator, state: FSMContext) -> None:
    await callback.answer()
    assert isinstance(callback.message, Message)
    if actor.office_id is None:
        await callback.message.answer(t("not-linked"))
        return
    await state.clear()
    reports = (await session.scalars(select(Discrepancy).where(
        Discrepancy.office_id == actor.office_id).order_by(Discrepancy.id.desc()).limit(5))).all()
    lines = [t("disc-intro")]
    for report in reports:
        lines.append(t("disc-line", number=report.id, field=t(f"disc-field-{report.field}"),
                       status=t(f"disc-status-{report.status}")))
        if report.answer:
            lines.append("    " + t("disc-answer", answer=report.answer))
    kb = InlineKeyboardBuilder()
    for field in FIELDS:
        kb.button(text=t(f"disc-field-{field}"), callback_data=f"dc:f:{field}")
    kb.button(text=t("button-menu"), callback_data="menu:main")
    kb.adjust(2, 2, 1)
    await callback.message.answer("\n".join(lines), reply_markup=kb.as_markup())


@router.callback_query(F.data.startswith("dc:f:"))
async def ask_text(callback: CallbackQuery, actor: Actor, t: Translator,
                   state: FSMContext) -> None:
    field = (callback.data or "").split(":")[-1]
    if field not in FIELDS or actor.office_id is None:
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
    kb.button(text=t("button-cancel"), callback_data="dc:cancel")
    return kb.as_markup()


@router.callback_query(F.data == "dc:cancel")
async def cancel(callback: CallbackQuery, t: Translator, state: FSMContext) -> None:
    await callback.answer()
    await state.clear()
    assert isinstance(callback.message, Message)
    await callback.message.answer(t("disc-cancelled"), reply_markup=menu_button(t))


@router.message(Report.text, F.text)
async def take_text(message: Message, session: AsyncSession, actor: Actor, t: Translator,
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
    report = Discrepancy(office_id=actor.office_id, account_id=actor.account_id,
                         field=data["field"], text=text)
    session.add(report)
    await session.flush()
    await audit(session, actor=actor_label(actor), action="discrepancy.open",
                entity="office", entity_id=actor.office_id,
                new={"field": data["field"], "report": report.id})
    await session.commit()
    await state.set_state(Report.photo)
    await state.update_data(report=report.id)
    kb = InlineKeyboardBuilder()
    kb.button(text=t("button-disc-no-photo"), callback_data="dc:done")
    await message.answer(t("disc-ask-photo", number=report.id), reply_markup=kb.as_markup())


@router.message(Report.text)
async def text_expected(message: Message, t: Translator) -> None:
    await message.answer(t("disc-text-expected"))


@router.message(Report.photo, F.photo | F.document)
async def take_photo(message: Message, bot: Bot, session: AsyncSession, actor: Actor,
                     t: Translator, state: FSMContext, settings: Settings,
                     evidence_store: EvidenceStore) -> None:
    data = await state.get_data()
    report = await session.get(Discrepancy, data.get("report", -1))
    if report is None or report.account_id != actor.account_id:
        await state.clear()
        await message.answer(t("stale-button"), reply_markup=menu_button(t))
        return
    file = message.photo[-1] if message.photo else message.document
    assert file is not None
    file_id = file.file_id
    max_bytes = int(settings.evidence_max_mb * 1024 * 1024)
    try:
        buffer = await bot.download(file_id)
        assert buffer is not None
        checked = check(buffer.read(max_bytes + 1), max_bytes)
    except EvidenceRejected as rejected:
        await message.answer(t(rejected.key, **rejected.message_args))
        return
    await asyncio.to_thread(evidence_store.put, checked)
    report.evidence_sha256 = checked.sha256
    await session.commit()
    await state.clear()
    await message.answer(t("disc-done", number=report.id), reply_markup=menu_button(t))


@router.callback_query(F.data == "dc:done")
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


@router.message(Report.photo)
async def photo_expected(message: Message, t: Translator) -> None:
    await message.answer(t("disc-photo-expected"))
