"""Contact an expert (owner side): the directory, asking a question, the owner's tickets.

Buttons are `texts.ticket_callbacks` factories (`tk:o:…`), never trusted: every press is checked
by `services.tickets.owner` against the database (a ticket that is not the actor's office's is
refused). The FSM holds only which step the owner is on (writing a question, writing into a
ticket); the question itself is in the database as soon as it is sent.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message

from handlers.contact_shared import (
    EndWritingStep,
    not_command,
    policy,
    receive_attachment,
    receive_file,
    refuse,
    say,
    send_files,
)
from handlers.filters import FILE, TYPED, when
from services.clock import Clock
from services.errors import ServiceError
from services.tickets import owner, reason, refusal
from services.uow import UnitOfWork
from storage.accounts import Actor
from storage.evidence import EvidenceStore
from storage.tickets import NewFile
from texts import ticket_keyboards as keyboards
from texts.i18n import Markup, Translator
from texts.ticket_callbacks import CategoryTicketCb, OwnerTicketCb, RateTicketCb
from texts.tickets import directory_lines, directory_text, thread_text


class Ask(StatesGroup):
    text = State()  # data: office, category


class Thread(StatesGroup):
    writing = State()  # data: ticket


_end_step = EndWritingStep([Ask.text, Thread.writing])


# --- the directory ---------------------------------------------------------------------------

async def show_contact(message: Message, actor: Actor, t: Translator, state: FSMContext,
                       uow: UnitOfWork) -> None:
    await state.clear()
    entry = await owner.directory(uow, actor)
    await message.answer(directory_text(t, entry), reply_markup=keyboards.contact(t))


async def show_contact_button(callback: CallbackQuery, actor: Actor, t: Translator,
                              state: FSMContext, bot: Bot, uow: UnitOfWork) -> None:
    await state.clear()
    await callback.answer()
    entry = await owner.directory(uow, actor)
    await say(bot, callback.from_user.id, directory_text(t, entry), keyboards.contact(t))


# --- asking ----------------------------------------------------------------------------------

async def choose_category(callback: CallbackQuery, callback_data: OwnerTicketCb, actor: Actor,
                          t: Translator, clock: Clock, bot: Bot, uow: UnitOfWork,
                          settings: Any) -> None:
    office_id = callback_data.id or actor.office_id
    if actor.office_ids and office_id is None:  # several offices and none chosen: which one?
        await callback.answer()
        offices = await owner.own_offices(uow, actor)
        lines = [t("ticket-choose-office")] + [
            t("link-office-line", name=o.name, code=o.code) for o in offices]
        await say(bot, callback.from_user.id, "\n".join(lines),
                  keyboards.choose_office(t, offices))
        return
    try:
        await owner.may_open(uow, actor, office_id or 0, clock.now(), policy(settings))
    except ServiceError as error:
        await refuse(callback, t, error,
                     keyboards.my_list(t) if reason(error) != "no-office" else None)
        return
    await callback.answer()
    await say(bot, callback.from_user.id, t("ticket-choose-category"),
              keyboards.categories(t, office_id or 0))


async def ask_text(callback: CallbackQuery, callback_data: CategoryTicketCb, actor: Actor,
                   t: Translator, state: FSMContext, bot: Bot, settings: Any) -> None:
    if callback_data.office not in actor.office_ids:
        await refuse(callback, t, refusal("no-office"))
        return
    await state.set_state(Ask.text)
    await state.set_data({"office": callback_data.office, "category": callback_data.category})
    await callback.answer()
    await say(bot, callback.from_user.id,
              t("ticket-ask-text", category=t(f"ticket-category-{callback_data.category}"),
                max=policy(settings).max_chars), keyboards.owner_cancel(t))


async def _create(message: Message, actor: Actor, t: Translator, state: FSMContext,
                  clock: Clock, uow: UnitOfWork, settings: Any, text: str | None,
                  file: NewFile | None) -> None:
    data = await state.get_data()
    try:
        record = await owner.open_ticket(
            uow, actor, office_id=int(data.get("office", 0)),
            category=str(data.get("category", "")), text=text, file=file, now=clock.now(),
            policy=policy(settings))
    except ServiceError as error:
        if reason(error) in ("too-many-open", "no-office", "bad-category"):
            await state.clear()
        await refuse(message, t, error)
        return
    await state.set_state(Thread.writing)
    await state.set_data({"ticket": record.id})
    if record.assignee_account_id:
        text = t("ticket-created", number=record.id, to=t(f"ticket-level-{record.level}"))
    else:  # nobody to send it to yet: say so, with the numbers that answer now
        entry = await owner.directory(uow, actor)
        text = t("ticket-created-no-expert", number=record.id,
                 # already rendered lines: their phone numbers stay tappable (ASCII digits)
                 phones=Markup("\n".join(line for line in directory_lines(t, entry) if line)))
    await message.answer(text, reply_markup=keyboards.done(t, record.id))


async def take_question(message: Message, actor: Actor, t: Translator, state: FSMContext,
                        clock: Clock, uow: UnitOfWork, settings: Any) -> None:
    await _create(message, actor, t, state, clock, uow, settings, message.text, None)


async def take_question_file(message: Message, bot: Bot, actor: Actor, t: Translator,
                             state: FSMContext, clock: Clock, evidence_store: EvidenceStore,
                             uow: UnitOfWork, settings: Any) -> None:
    if not (message.caption or "").strip():
        await message.answer(t("ticket-need-caption"))
        return
    limits = policy(settings)
    try:  # refuse a too long caption before downloading anything
        owner.check_text(message.caption, limits)
    except ServiceError as error:
        await refuse(message, t, error)
        return
    file = await receive_file(message, bot, t, evidence_store, limits.max_file_bytes)
    if file is not None:
        await _create(message, actor, t, state, clock, uow, settings, message.caption, file)


async def reject_question(message: Message, t: Translator) -> None:
    await message.answer(t("ticket-wrong-input"))


async def cancel(callback: CallbackQuery, t: Translator, state: FSMContext, bot: Bot) -> None:
    await state.clear()
    await callback.answer()
    await say(bot, callback.from_user.id, t("ticket-cancelled"), keyboards.contact(t))


# --- the list and the thread -----------------------------------------------------------------

async def _send_list(bot: Bot, chat_id: int, actor: Actor, t: Translator,
                     uow: UnitOfWork) -> None:
    try:
        rows = await owner.my_tickets(uow, actor)
    except ServiceError as error:
        await say(bot, chat_id, t(error.code, **error.params))
        return
    if not rows:
        await say(bot, chat_id, t("ticket-list-empty"), keyboards.ask_only(t))
        return
    lines = [t("ticket-list-title")]
    for ticket in rows:
        lines.append(t("ticket-list-line", number=ticket.id,
                       category=t(f"ticket-category-{ticket.category}"),
                       status=t(f"ticket-status-{ticket.status}")))
    await say(bot, chat_id, "\n".join(lines), keyboards.owner_list(t, rows))


async def list_tickets(message: Message, actor: Actor, t: Translator, state: FSMContext,
                       bot: Bot, uow: UnitOfWork) -> None:
    await state.clear()
    await _send_list(bot, message.chat.id, actor, t, uow)


async def list_tickets_button(callback: CallbackQuery, actor: Actor, t: Translator,
                              state: FSMContext, bot: Bot, uow: UnitOfWork) -> None:
    await state.clear()
    await callback.answer()
    await _send_list(bot, callback.from_user.id, actor, t, uow)


async def view_ticket(callback: CallbackQuery, callback_data: OwnerTicketCb, actor: Actor,
                      t: Translator, bot: Bot, platform: str, evidence_store: EvidenceStore,
                      uow: UnitOfWork) -> None:
    try:
        view = await owner.thread(uow, actor, callback_data.id)
    except ServiceError as error:
        await refuse(callback, t, error, keyboards.my_list(t))
        return
    await callback.answer()
    chat_id = callback.from_user.id
    await send_files(bot, chat_id, platform, view, evidence_store, from_role="expert")
    await say(bot, chat_id, thread_text(t, view, for_expert=False),
              keyboards.owner_ticket(t, view.ticket))


async def start_reply(callback: CallbackQuery, callback_data: OwnerTicketCb, actor: Actor,
                      t: Translator, state: FSMContext, bot: Bot, uow: UnitOfWork) -> None:
    try:
        ticket = await owner.writable(uow, actor, callback_data.id)
    except ServiceError as error:
        await refuse(callback, t, error, keyboards.my_list(t))
        return
    await state.set_state(Thread.writing)
    await state.set_data({"ticket": ticket.id})
    await callback.answer()
    await say(bot, callback.from_user.id, t("ticket-reply-ask", number=ticket.id),
              keyboards.done(t, ticket.id))


async def _append(message: Message, actor: Actor, t: Translator, state: FSMContext,
                  clock: Clock, uow: UnitOfWork, settings: Any, text: str | None,
                  file: NewFile | None) -> None:
    ticket_id = int((await state.get_data()).get("ticket", 0))
    try:
        record = await owner.add_message(uow, actor, ticket_id, text=text, file=file,
                                         now=clock.now(), policy=policy(settings))
    except ServiceError as error:
        if reason(error) in ("closed", "not-found"):
            await state.clear()
        await refuse(message, t, error)
        return
    await message.answer(t("ticket-reply-sent", number=record.id),
                         reply_markup=keyboards.done(t, record.id))


async def take_reply(message: Message, actor: Actor, t: Translator, state: FSMContext,
                     clock: Clock, uow: UnitOfWork, settings: Any) -> None:
    await _append(message, actor, t, state, clock, uow, settings, message.text, None)


async def take_reply_file(message: Message, bot: Bot, actor: Actor, t: Translator,
                          state: FSMContext, clock: Clock, evidence_store: EvidenceStore,
                          uow: UnitOfWork, settings: Any) -> None:
    file = await receive_attachment(message, bot, t, evidence_store, policy(settings))
    if file is not None:
        await _append(message, actor, t, state, clock, uow, settings, message.caption, file)


async def reject_reply(message: Message, t: Translator) -> None:
    await message.answer(t("ticket-wrong-input"))


async def done(callback: CallbackQuery, t: Translator, state: FSMContext, bot: Bot) -> None:
    await state.clear()
    await callback.answer()
    await say(bot, callback.from_user.id, t("ticket-done"), keyboards.my_list(t))


async def close_ticket(callback: CallbackQuery, callback_data: OwnerTicketCb, actor: Actor,
                       t: Translator, state: FSMContext, clock: Clock, bot: Bot,
                       uow: UnitOfWork) -> None:
    try:
        record = await owner.close(uow, actor, callback_data.id, clock.now())
    except ServiceError as error:
        await refuse(callback, t, error, keyboards.my_list(t))
        return
    await state.clear()
    await callback.answer()
    await say(bot, callback.from_user.id, t("ticket-closed", number=record.id),
              keyboards.owner_ticket(t, record))


async def rate_ticket(callback: CallbackQuery, callback_data: RateTicketCb, actor: Actor,
                      t: Translator, clock: Clock, bot: Bot, uow: UnitOfWork) -> None:
    try:
        await owner.rate(uow, actor, callback_data.id, callback_data.rating, clock.now())
    except ServiceError as error:
        await refuse(callback, t, error)
        return
    await callback.answer()
    await say(bot, callback.from_user.id, t("ticket-rated", rating=callback_data.rating),
              keyboards.my_list(t))


async def stale(callback: CallbackQuery, t: Translator, bot: Bot) -> None:
    """A garbled or outdated owner button: say so, never a traceback."""
    await callback.answer()
    await say(bot, callback.from_user.id, t("ticket-stale"), keyboards.contact(t))


def setup() -> Router:
    """This feature's handlers on a new router (each call builds a new one)."""
    router = Router(name=__name__)
    router.message.outer_middleware(_end_step)
    router.callback_query.outer_middleware(_end_step)
    router.message.register(show_contact, Command("contact"))
    router.callback_query.register(show_contact_button, when(F.data == "menu:contact"))
    router.callback_query.register(
        choose_category, OwnerTicketCb.filter((F.side == "o") & (F.action == "ask")))
    router.callback_query.register(ask_text, CategoryTicketCb.filter(F.side == "o"))
    router.message.register(take_question, StateFilter(Ask.text), TYPED)
    router.message.register(take_question_file, StateFilter(Ask.text), FILE)
    router.message.register(reject_question, StateFilter(Ask.text), not_command)
    router.callback_query.register(
        cancel, OwnerTicketCb.filter((F.side == "o") & (F.action == "cancel")))
    router.message.register(list_tickets, Command("tickets"))
    router.callback_query.register(
        list_tickets_button, OwnerTicketCb.filter((F.side == "o") & (F.action == "list")))
    router.callback_query.register(
        view_ticket, OwnerTicketCb.filter((F.side == "o") & (F.action == "view")))
    router.callback_query.register(
        start_reply, OwnerTicketCb.filter((F.side == "o") & (F.action == "reply")))
    router.message.register(take_reply, StateFilter(Thread.writing), TYPED)
    router.message.register(take_reply_file, StateFilter(Thread.writing), FILE)
    router.message.register(reject_reply, StateFilter(Thread.writing), not_command)
    router.callback_query.register(
        done, OwnerTicketCb.filter((F.side == "o") & (F.action == "done")))
    router.callback_query.register(
        close_ticket, OwnerTicketCb.filter((F.side == "o") & (F.action == "close")))
    router.callback_query.register(rate_ticket, RateTicketCb.filter(F.side == "o"))
    router.callback_query.register(stale, when(F.data.startswith("tk:o:")))
    return router
