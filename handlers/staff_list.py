"""The staff list question's buttons: a member's card, their yes/no fields, rename, remove,
back to the list, the list is complete. Each change is saved at once by
`services.declaration.staff`; adding a member and a new name come as texts."""

from __future__ import annotations

from aiogram.types import CallbackQuery, Message

from handlers import wizard
from handlers.owner import press
from handlers.wizard import screen
from services.clock import Clock
from services.declaration import staff
from services.uow import UnitOfWork
from settings import Settings
from storage.accounts import Actor
from texts.i18n import Translator
from texts.wizard_callbacks import StaffCb, StaffFieldCb, WizardCb

__all__ = ["StaffCb", "StaffFieldCb", "on_field", "on_member", "on_staff_done",
           "on_staff_list"]


async def on_member(callback: CallbackQuery, callback_data: StaffCb, actor: Actor,
                    t: Translator, clock: Clock, uow: UnitOfWork,
                    settings: Settings | None = None) -> None:
    """`sm` open a member's card, `sr` ask for their new name, `sx` remove them."""
    assert isinstance(callback.message, Message)
    view, now, data = screen(callback.message, t, settings), clock.now(), callback_data
    if data.action == "sm":
        opened = await press(callback, t, staff.member(uow, actor, now, data.period, data.index))
        if opened is not None:
            await wizard.show_staff_member(view, opened.draft, opened.index, opened.member)
    elif data.action == "sr":
        asked = await press(callback, t, staff.ask_rename(uow, actor, now, data.period,
                                                          data.index))
        if asked is not None:
            await view.say(t("staff-rename-ask", name=asked.member.get("name", "")))
    else:
        removed = await press(callback, t, staff.remove(uow, actor, now, data.period,
                                                        data.index))
        if removed is not None:
            await view.say(t("staff-removed", name=removed.member.get("name", "")))
            await wizard.show(view, removed.draft)


async def on_field(callback: CallbackQuery, callback_data: StaffFieldCb, actor: Actor,
                   t: Translator, clock: Clock, uow: UnitOfWork,
                   settings: Settings | None = None) -> None:
    """Tick or untick a member's field; the card is redrawn in place."""
    assert isinstance(callback.message, Message)
    data = callback_data
    changed = await press(callback, t, staff.toggle_field(uow, actor, clock.now(), data.period,
                                                          data.index, data.field))
    if changed is not None:
        await wizard.show_staff_member(screen(callback.message, t, settings), changed.draft,
                                       changed.index, changed.member, in_place=True)


async def on_staff_list(callback: CallbackQuery, callback_data: WizardCb, actor: Actor,
                        t: Translator, clock: Clock, uow: UnitOfWork,
                        settings: Settings | None = None) -> None:
    """Back to the list (the member's changes are saved already)."""
    assert isinstance(callback.message, Message)
    draft = await press(callback, t, staff.back_to_list(uow, actor, clock.now(),
                                                        callback_data.period))
    if draft is not None:
        await wizard.show(screen(callback.message, t, settings), draft)


async def on_staff_done(callback: CallbackQuery, callback_data: WizardCb, actor: Actor,
                        t: Translator, clock: Clock, uow: UnitOfWork,
                        settings: Settings | None = None) -> None:
    """The list is complete: its files, the next question or the review."""
    assert isinstance(callback.message, Message)
    answered = await press(callback, t, staff.done(uow, actor, clock.now(),
                                                   callback_data.period))
    if answered is not None:
        await wizard.show(screen(callback.message, t, settings), answered.draft)
