"""What every owner-facing handler shares: the main menu, the menu button, and how a refusal
of the declaration services is said.

Nothing here trusts the update beyond the sender's identity: the services check that the
office is one linked to the actor's account and that the period is the one open now.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from scoring.calendar import days_left, format_jalali_date, period_title
from scoring.status import DeclarationStatus
from scoring.text import strip_invisible
from services.declaration import BadAnswer, NotEditable, submit
from services.errors import ServiceError
from services.uow import UnitOfWork
from storage.accounts import Actor
from texts.callbacks import MenuCb
from texts.i18n import Translator
from texts.keyboards import InlineKeyboardBuilder
from texts.views import menu_keyboard, status_key

S = DeclarationStatus
T = TypeVar("T")
# The last instant of a window is one microsecond before it closes; its date is the last day.
_TICK = timedelta(microseconds=1)


def actor_label(actor: Actor) -> str:
    return f"{actor.platform}:{actor.user_id}"


def say(t: Translator, error: ServiceError) -> str:
    """A service's refusal in the person's words; an instant among its facts is shown as a
    Jalali date, except `at` (when a race's winner acted), said with its time."""
    args: dict[str, Any] = {key: format_jalali_date(value)
                            if isinstance(value, datetime) and key != "at" else value
                            for key, value in error.params.items()}
    return t(error.code, **args)


def missing_names(t: Translator, missing: list[Any]) -> str:
    separator = "، " if t.lang == "fa" else ", "
    return separator.join(m.title_fa if t.lang == "fa" else m.title_en for m in missing)


def greet(t: Translator, key: str, actor: Actor) -> str:
    """A greeting by name, or its neutral form (`<key>-unnamed`) when the account has no name
    anyone could read (none given, or only spaces and invisible marks)."""
    name = strip_invisible(actor.first_name or "").strip()
    return t(key, name=name) if name else t(f"{key}-unnamed")


def staff_tasks(actor: Actor, t: Translator) -> str:
    """A staff member's greeting and the commands of each role they hold."""
    lines = [greet(t, "start-staff", actor)]
    for role in ("reviewer", "association", "hq"):
        if actor.has_role(role):
            lines.append(t(f"start-staff-{role}"))
    if actor.is_answerer:
        lines.append(t("start-staff-answerer"))
    return "\n".join(lines)


async def send_menu(message: Message, uow: UnitOfWork, actor: Actor, t: Translator,
                    now: datetime) -> None:
    """The main menu: period, deadline in Jalali with days left, status and what is missing."""
    status = await submit.status(uow, actor, now)
    if status is None:  # no office: a staff member's menu is their tasks
        staff_only = actor.is_staff and not actor.office_ids
        await message.answer(staff_tasks(actor, t) if staff_only else t("menu-no-office"))
        return
    lines = [t("menu-office", name=status.office.name, code=status.office.code)]
    submitted = False
    editable = not status.under_review and status.status not in (S.CONFIRMED, S.PUBLISHED)
    period = status.period
    if period is None:
        lines.append(t("menu-no-period"))
    else:
        closes = format_jalali_date(period.closes_at - _TICK, t.lang)
        left = days_left(now, period.closes_at)
        if left < 0:
            lines.append(t("menu-period-closed", period=period_title(period.code, t.lang),
                           date=closes))
        else:
            lines.append(t("menu-period", period=period_title(period.code, t.lang), date=closes,
                           days=left))
        if status.status is None:
            lines.append(t("menu-status-none"))
        else:
            submitted = status.status != S.DRAFT
            lines.append(t("menu-status", status=t(status_key(status.status,
                                                                status.under_review))))
            if status.missing and status.status in (S.DRAFT, S.RETURNED):
                lines.append(t("menu-missing", count=len(status.missing),
                               items=missing_names(t, status.missing)))
    await message.answer("\n".join(lines), reply_markup=menu_keyboard(
        t, has_period=period is not None and period.is_open(now),
        several_offices=len(actor.office_ids) > 1, submitted=submitted, editable=editable))


def menu_button(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("button-menu"), callback_data=MenuCb(action="main"))
    return kb.as_markup()


async def press(callback: CallbackQuery, t: Translator, use_case: Awaitable[T]) -> T | None:
    """Run a wizard button's use case and answer the button. A refusal before anything changed
    (a closed or locked declaration, a stale button) is an alert; a stale button also gets the
    menu. A wrong value is said in the chat; any other refusal too, with the menu."""
    message = callback.message
    assert isinstance(message, Message)
    try:
        result = await use_case
    except NotEditable as refused:
        text = say(t, refused)
        await callback.answer(text, show_alert=True)
        if refused.code == "stale-button":
            await message.answer(text, reply_markup=menu_button(t))
        return None
    except BadAnswer as error:
        await callback.answer()
        await message.answer(say(t, error))
        return None
    except ServiceError as error:
        await callback.answer()
        await message.answer(say(t, error), reply_markup=menu_button(t))
        return None
    await callback.answer()
    return result
