"""The owner's «My results»: the latest published result of the office, any time after
publishing, the same text the owner was sent."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from handlers.owner import menu_button
from services import results
from services.uow import UnitOfWork
from storage.accounts import Actor
from texts.callbacks import MenuCb
from texts.i18n import Translator
from texts.results import result_text


async def my_results(callback: CallbackQuery, actor: Actor, t: Translator,
                     uow: UnitOfWork) -> None:
    await callback.answer()
    message = callback.message
    assert isinstance(message, Message)
    if not actor.office_ids:
        await message.answer(t("not-linked"))
        return
    office_id = actor.office_id
    if office_id is None:
        await message.answer(t("pick-office-first"), reply_markup=menu_button(t))
        return
    view = await results.my_result(uow, office_id)
    if view is None:
        await message.answer(t("result-none"), reply_markup=menu_button(t))
        return
    await message.answer(result_text(t, view), reply_markup=menu_button(t))


def setup() -> Router:
    """This feature's handlers on a new router (each call builds a new one)."""
    router = Router(name=__name__)
    router.callback_query.register(my_results, MenuCb.filter(F.action == "results"))
    return router
