"""Review and submit: submit only a complete declaration, after a confirmation."""

from __future__ import annotations

from aiogram.types import CallbackQuery, Message

from handlers import wizard
from handlers.owner import menu_button, missing_names, press
from handlers.wizard import screen
from scoring.calendar import days_left, format_jalali_date
from services.clock import Clock
from services.declaration import ConfirmFirst, Incomplete, submit
from services.declaration.draft import TICK
from services.uow import UnitOfWork
from settings import Settings
from storage.accounts import Actor
from texts.i18n import Translator
from texts.wizard_callbacks import WizardCb
from texts.wizard_keyboards import submit_confirm_keyboard


async def on_submit(callback: CallbackQuery, callback_data: WizardCb, actor: Actor,
                    t: Translator, clock: Clock, uow: UnitOfWork,
                    settings: Settings | None = None) -> None:
    """`sub` asks for the confirmation, `subok` submits."""
    message = callback.message
    assert isinstance(message, Message)
    now, period_id = clock.now(), callback_data.period
    outcome = await press(callback, t, submit.submit(uow, actor, now, period_id,
                                                     confirmed=callback_data.action == "subok"))
    if outcome is None:
        return
    if isinstance(outcome, Incomplete):
        await message.answer(t("submit-incomplete", count=len(outcome.missing),
                               items=missing_names(t, outcome.missing)))
        await wizard.show_review(screen(message, t, settings), outcome.draft)
        return
    if isinstance(outcome, ConfirmFirst):
        await message.answer(t("submit-confirm"),
                             reply_markup=submit_confirm_keyboard(period_id, t))
        return
    closes = outcome.draft.period.closes_at
    await message.answer(t("submit-done", date=format_jalali_date(
        closes - TICK, t.lang), days=max(days_left(now, closes), 0)),
        reply_markup=menu_button(t))
