"""Review and submit: submit only a complete declaration, after a confirmation."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import wizard
from handlers.owner import OwnerContext, actor_label, menu_button
from handlers.wizard import Refused
from scoring.calendar import days_left, format_jalali_date
from scoring.status import DeclarationStatus
from storage import declarations as decl
from storage.accounts import Actor
from texts.i18n import Translator
from texts.keyboards import InlineKeyboardBuilder
from texts.views import cb

S = DeclarationStatus
_TICK = timedelta(microseconds=1)  # the last instant of a window: its date is the last day


async def submit_action(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                        now: datetime, context: OwnerContext, view: decl.DeclarationView,
                        action: str) -> None:
    assert context.period is not None and context.rubric is not None
    missing = decl.missing(context.rubric, context.office.office_type, view)
    if missing:
        names = ("، " if t.lang == "fa" else ", ").join(
            m.title_fa if t.lang == "fa" else m.title_en for m in missing)
        await message.answer(t("submit-incomplete", count=len(missing), items=names))
        await wizard.show_review(message, session, t, context)
        return
    if view.status not in (S.DRAFT, S.RETURNED):
        raise Refused("submit-already")
    if action == "sub":
        kb = InlineKeyboardBuilder()
        kb.button(text=t("button-submit-confirm"), callback_data=cb(context.period.id, "subok"))
        kb.button(text=t("button-cancel"), callback_data=cb(context.period.id, "rv"))
        kb.adjust(1)
        await message.answer(t("submit-confirm"), reply_markup=kb.as_markup())
        return
    await decl.move(session, view.id, S.SUBMITTED, actor=actor_label(actor), by="owner",
                    now=now)
    await session.commit()
    closes = context.period.closes_at
    await message.answer(t("submit-done", date=format_jalali_date(
        closes - _TICK, t.lang), days=max(days_left(now, closes), 0)),
        reply_markup=menu_button(t))

