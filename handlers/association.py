"""The provincial association: its score for each office of its province, typed one by one
(«code score» on one line, or the code and then the score) or sent as a CSV/XLSX file.

Buttons are `AssocCb` (`as:<action>`); `services.association` checks that the office of every
typed code is in one of the member's provinces, and takes entries only inside the period's
review window (the regions' and associations' window), never after publishing.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from handlers.filters import TYPED, when
from handlers.review_base import HasRole
from services import association
from services.clock import Clock
from services.errors import Invalid, ServiceError
from services.uow import UnitOfWork
from storage.accounts import Actor
from storage.registry import RegistryFileError
from texts import association as words
from texts.i18n import Translator
from texts.review_callbacks import AssocCb
from texts.review_text import explain

MAX_FILE = 5 * 1024 * 1024
SUFFIXES = (".csv", ".xlsx")


class Entry(StatesGroup):
    code = State()
    score = State()
    file = State()


async def open_panel(message: Message, uow: UnitOfWork, actor: Actor, t: Translator,
                     clock: Clock, state: FSMContext) -> None:
    await state.clear()
    try:
        panel = await association.panel(uow, actor, clock.now())
    except ServiceError as error:
        await message.answer(explain(t, error))
        return
    await message.answer(words.panel_text(t, panel), reply_markup=words.panel_keyboard(t))


async def on_button(callback: CallbackQuery, callback_data: AssocCb, uow: UnitOfWork,
                    actor: Actor, t: Translator, clock: Clock, state: FSMContext) -> None:
    message = callback.message
    if not isinstance(message, Message):
        await callback.answer(t("rv-stale"), show_alert=True)
        return
    action, now = callback_data.action, clock.now()
    try:
        if action == "q":
            panel = await association.panel(uow, actor, now)
        else:
            period = await association.entry_period(uow, actor, now)
    except ServiceError as error:
        await callback.answer(explain(t, error), show_alert=True)
        return
    await callback.answer()
    if action == "e":
        spec = association.spec(period)
        await state.set_state(Entry.code)
        await message.answer(t("assoc-ask-code", min=spec.min, max=spec.max),
                             reply_markup=words.done_keyboard(t))
    elif action == "f":
        await state.set_state(Entry.file)
        await message.answer(t("assoc-ask-file"), reply_markup=words.done_keyboard(t))
    else:
        await state.clear()
        await message.answer(words.panel_text(t, panel), reply_markup=words.panel_keyboard(t))


async def _save(message: Message, uow: UnitOfWork, actor: Actor, t: Translator,
                clock: Clock, state: FSMContext, office_id: int, text: str) -> None:
    try:
        saved = await association.set_score(uow, actor, office_id, text, clock.now())
    except Invalid as error:
        if error.code != "assoc-bad-score":
            raise
        await message.answer(explain(t, error))
        await state.set_state(Entry.score)
        await state.set_data({"o": office_id})
        return
    await state.set_state(Entry.code)
    await state.set_data({})
    await message.answer(words.saved_text(t, saved), reply_markup=words.done_keyboard(t))


async def take_code(message: Message, uow: UnitOfWork, actor: Actor, t: Translator,
                    clock: Clock, state: FSMContext) -> None:
    parts = (message.text or "").split()
    try:
        await association.entry_period(uow, actor, clock.now())
        if not parts or len(parts) > 2:
            raise Invalid("assoc-bad-line")
        found = await association.office(uow, actor, parts[0], clock.now())
        if len(parts) == 2:
            await _save(message, uow, actor, t, clock, state, found.office.id, parts[1])
            return
        await state.set_state(Entry.score)
        await state.set_data({"o": found.office.id})
        await message.answer(words.ask_score_text(t, found),
                             reply_markup=words.done_keyboard(t))
    except ServiceError as error:
        await message.answer(explain(t, error))


async def take_score(message: Message, uow: UnitOfWork, actor: Actor, t: Translator,
                     clock: Clock, state: FSMContext) -> None:
    data = await state.get_data()
    try:
        await _save(message, uow, actor, t, clock, state, int(data.get("o", 0)),
                    message.text or "")
    except ServiceError as error:
        await message.answer(explain(t, error))


async def text_expected(message: Message, t: Translator) -> None:
    await message.answer(t("assoc-text-expected"))


async def take_file(message: Message, bot: Bot, uow: UnitOfWork, actor: Actor,
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
        await association.entry_period(uow, actor, now)
        buffer = await bot.download(document.file_id)
        assert buffer is not None
        data = buffer.read(MAX_FILE + 1)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"scores{suffix}"
            path.write_bytes(data)
            report = await association.import_scores(uow, actor, path, "association", now)
    except ServiceError as error:
        await message.answer(explain(t, error))
        return
    except RegistryFileError as error:
        await message.answer(words.file_refusal(t, error))
        return
    if not report.rejected:
        await state.clear()
    await message.answer(words.import_text(t, report), reply_markup=words.done_keyboard(t))


async def file_expected(message: Message, t: Translator) -> None:
    await message.answer(t("assoc-file-expected"))


async def _not_owner(_event: object, actor: Actor) -> bool:
    return not actor.office_ids


async def staff_panel(message: Message, uow: UnitOfWork, actor: Actor, t: Translator,
                      clock: Clock, state: FSMContext) -> None:
    """Anything an association member (not also an owner) sends outside a step: the panel."""
    await open_panel(message, uow, actor, t, clock, state)


def setup() -> Router:
    """This feature's handlers on a new router (each call builds a new one)."""
    router = Router(name=__name__)
    router.message.filter(HasRole("association"))
    router.callback_query.filter(HasRole("association"))
    router.message.register(open_panel, Command("scores"))
    router.callback_query.register(on_button, AssocCb.filter())
    router.message.register(take_code, StateFilter(Entry.code), TYPED)
    router.message.register(take_score, StateFilter(Entry.score), TYPED)
    router.message.register(text_expected, StateFilter(Entry.code, Entry.score))
    router.message.register(take_file, StateFilter(Entry.file), when(F.document))
    router.message.register(file_expected, StateFilter(Entry.file))
    router.message.register(staff_panel, StateFilter(None), TYPED, _not_owner)
    return router
