"""The answerers' side: region liaisons, HQ experts and supervisors.

`/inbox` lists the tickets assigned to the account and the unassigned ones it may take. A ticket
is answered, claimed or transferred from its card; HQ's frequent answers go out with one tap.
Buttons are `texts.ticket_callbacks` factories (`tk:e:…`); whether the account may do that to
that ticket is decided by `services.tickets.answerer` on every press, so a forged or stale
button changes nothing.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.filters import Command, Filter, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, TelegramObject

from handlers.contact_shared import (
    EndWritingStep,
    not_command,
    policy,
    receive_attachment,
    refuse,
    say,
    send_files,
)
from handlers.filters import FILE, TYPED, when
from services.clock import Clock
from services.errors import ServiceError
from services.tickets import answerer, reason
from services.uow import UnitOfWork
from storage.accounts import Actor
from storage.evidence import EvidenceStore
from storage.tickets import NewFile, TicketView
from texts import ticket_keyboards as keyboards
from texts.i18n import Translator
from texts.ticket_callbacks import (
    AnswererTicketCb,
    ClaimTicketCb,
    FaqTicketCb,
    TransferTicketCb,
)
from texts.tickets import thread_text


class IsAnswerer(Filter):
    """A linked expert, a region liaison or HQ staff (looked up in the database)."""

    async def __call__(self, event: TelegramObject, actor: Actor | None = None) -> bool:
        # The actor's roles include "expert" for a linked expert (storage.accounts.load_actor).
        return actor is not None and actor.is_answerer


class Answering(StatesGroup):
    text = State()  # data: ticket


_end_step = EndWritingStep([Answering.text])


# --- the inbox -------------------------------------------------------------------------------

async def _send_inbox(bot: Bot, chat_id: int, actor: Actor, t: Translator,
                      uow: UnitOfWork) -> None:
    try:
        box = await answerer.inbox(uow, actor)
    except ServiceError as error:
        await say(bot, chat_id, t(error.code, **error.params))
        return
    if not box.assigned and not box.pool:
        await say(bot, chat_id, t("expert-inbox-empty"))
        return
    lines = [t("expert-inbox-title")]

    def line(view: TicketView) -> str:
        return t("expert-inbox-line", number=view.ticket.id,
                 category=t(f"ticket-category-{view.ticket.category}"),
                 office=view.office.name, status=t(f"ticket-status-{view.ticket.status}"))

    lines += [line(view) for view in box.assigned]
    if box.pool:
        lines += ["", t("expert-inbox-pool")] + [line(view) for view in box.pool]
    ids = [view.ticket.id for view in box.assigned + box.pool]
    await say(bot, chat_id, "\n".join(lines), keyboards.inbox(t, ids))


async def show_inbox(message: Message, actor: Actor, t: Translator, state: FSMContext,
                     bot: Bot, uow: UnitOfWork) -> None:
    await state.clear()
    await _send_inbox(bot, message.chat.id, actor, t, uow)


async def show_inbox_button(callback: CallbackQuery, actor: Actor, t: Translator,
                            state: FSMContext, bot: Bot, uow: UnitOfWork) -> None:
    await state.clear()
    await callback.answer()
    await _send_inbox(bot, callback.from_user.id, actor, t, uow)


async def view_ticket(callback: CallbackQuery, callback_data: AnswererTicketCb, actor: Actor,
                      t: Translator, bot: Bot, platform: str, evidence_store: EvidenceStore,
                      uow: UnitOfWork) -> None:
    try:
        card = await answerer.card(uow, actor, callback_data.id)
    except ServiceError as error:
        await refuse(callback, t, error, keyboards.inbox_button(t))
        return
    await callback.answer()
    chat_id = callback.from_user.id
    await send_files(bot, chat_id, platform, card.view, evidence_store, from_role="owner")
    await say(bot, chat_id, thread_text(t, card.view, for_expert=True),
              keyboards.card(t, card.view.ticket, mine=card.mine, can_claim=card.can_claim))


# --- answering -------------------------------------------------------------------------------

async def start_answer(callback: CallbackQuery, callback_data: AnswererTicketCb, actor: Actor,
                       t: Translator, state: FSMContext, bot: Bot, uow: UnitOfWork,
                       settings: Any) -> None:
    try:
        ticket = await answerer.answerable(uow, actor, callback_data.id)
    except ServiceError as error:
        await refuse(callback, t, error, keyboards.inbox_button(t))
        return
    await state.set_state(Answering.text)
    await state.set_data({"ticket": ticket.id})
    await callback.answer()
    await say(bot, callback.from_user.id,
              t("expert-answer-ask", number=ticket.id, max=policy(settings).max_chars),
              keyboards.answering(t, ticket.id))


async def _answer(message: Message, actor: Actor, t: Translator, state: FSMContext,
                  clock: Clock, uow: UnitOfWork, settings: Any, text: str | None,
                  file: NewFile | None) -> None:
    ticket_id = int((await state.get_data()).get("ticket", 0))
    try:
        record = await answerer.answer(uow, actor, ticket_id, text=text, file=file,
                                       now=clock.now(), policy=policy(settings))
    except ServiceError as error:
        if reason(error) not in ("too-long", "empty"):
            await state.clear()
        await refuse(message, t, error, keyboards.inbox_button(t))
        return
    await state.clear()
    await message.answer(t("expert-answer-sent", number=record.id),
                         reply_markup=keyboards.inbox_button(t))


async def take_answer(message: Message, actor: Actor, t: Translator, state: FSMContext,
                      clock: Clock, uow: UnitOfWork, settings: Any) -> None:
    await _answer(message, actor, t, state, clock, uow, settings, message.text, None)


async def take_answer_file(message: Message, bot: Bot, actor: Actor, t: Translator,
                           state: FSMContext, clock: Clock, evidence_store: EvidenceStore,
                           uow: UnitOfWork, settings: Any) -> None:
    file = await receive_attachment(message, bot, t, evidence_store, policy(settings))
    if file is not None:
        await _answer(message, actor, t, state, clock, uow, settings, message.caption, file)


async def reject_answer(message: Message, t: Translator) -> None:
    await message.answer(t("expert-answer-wrong-input"))


async def cancel(callback: CallbackQuery, t: Translator, state: FSMContext, bot: Bot) -> None:
    await state.clear()
    await callback.answer()
    await say(bot, callback.from_user.id, t("ticket-cancelled"), keyboards.inbox_button(t))


# --- frequent answers ------------------------------------------------------------------------

async def show_faq(callback: CallbackQuery, callback_data: AnswererTicketCb, actor: Actor,
                   t: Translator, bot: Bot, uow: UnitOfWork) -> None:
    try:
        choice = await answerer.faq_choice(uow, actor, callback_data.id)
    except ServiceError as error:
        await refuse(callback, t, error, keyboards.inbox_button(t))
        return
    await callback.answer()
    if not choice.items:
        await say(bot, callback.from_user.id, t("expert-faq-empty"), keyboards.inbox_button(t))
        return
    lines = [t("expert-faq-title", number=choice.ticket_id)]
    for n, item in enumerate(choice.items, start=1):
        answer = item.answer(t.lang)
        lines.append(t("expert-faq-line", n=n, question=item.question(t.lang),
                       answer=answer if len(answer) <= 160 else answer[:160] + "…"))
    await say(bot, callback.from_user.id, "\n\n".join(lines),
              keyboards.faq_choice(t, choice.ticket_id, choice.items))


async def send_faq(callback: CallbackQuery, callback_data: FaqTicketCb, actor: Actor,
                   t: Translator, state: FSMContext, clock: Clock, bot: Bot, uow: UnitOfWork,
                   settings: Any) -> None:
    try:
        record = await answerer.answer_from_faq(uow, actor, callback_data.id, callback_data.faq,
                                                clock.now(), policy(settings))
    except ServiceError as error:
        await refuse(callback, t, error, keyboards.inbox_button(t))
        return
    await state.clear()
    await callback.answer()
    await say(bot, callback.from_user.id, t("expert-answer-sent", number=record.id),
              keyboards.inbox_button(t))


# --- claim and transfer ----------------------------------------------------------------------

async def claim(callback: CallbackQuery, callback_data: ClaimTicketCb, actor: Actor,
                t: Translator, clock: Clock, bot: Bot, uow: UnitOfWork, settings: Any) -> None:
    try:
        record = await answerer.claim(uow, actor, callback_data.id, clock.now(),
                                      seen=callback_data.seen, policy=policy(settings))
    except ServiceError as error:
        await refuse(callback, t, error, keyboards.inbox_button(t))
        return
    await callback.answer()
    await say(bot, callback.from_user.id, t("expert-claimed", number=record.id),
              keyboards.claimed(t, record.id))


async def choose_target(callback: CallbackQuery, callback_data: AnswererTicketCb, actor: Actor,
                        t: Translator, bot: Bot, uow: UnitOfWork) -> None:
    try:
        targets = await answerer.transfer_targets(uow, actor, callback_data.id)
    except ServiceError as error:
        await refuse(callback, t, error, keyboards.inbox_button(t))
        return
    await callback.answer()
    if not targets:
        await say(bot, callback.from_user.id, t("expert-transfer-none"),
                  keyboards.inbox_button(t))
        return
    await say(bot, callback.from_user.id, t("expert-transfer-choose", number=callback_data.id),
              keyboards.transfer_targets(t, callback_data.id, targets))


async def transfer(callback: CallbackQuery, callback_data: TransferTicketCb, actor: Actor,
                   t: Translator, state: FSMContext, clock: Clock, bot: Bot, uow: UnitOfWork,
                   settings: Any) -> None:
    try:
        done = await answerer.transfer(uow, actor, callback_data.id, callback_data.to,
                                       clock.now(), policy(settings))
    except ServiceError as error:
        await refuse(callback, t, error, keyboards.inbox_button(t))
        return
    await state.clear()
    await callback.answer()
    await say(bot, callback.from_user.id,
              t("expert-transferred", number=done.ticket.id, name=done.to_name),
              keyboards.inbox_button(t))


async def stale(callback: CallbackQuery, t: Translator, bot: Bot) -> None:
    """A garbled or outdated answerer's button: say so, never a traceback."""
    await callback.answer()
    await say(bot, callback.from_user.id, t("ticket-stale"), keyboards.inbox_button(t))


def setup() -> Router:
    """This feature's handlers on a new router (each call builds a new one)."""
    router = Router(name=__name__)
    router.message.outer_middleware(_end_step)
    router.callback_query.outer_middleware(_end_step)
    router.message.register(show_inbox, Command("inbox"))
    router.callback_query.register(
        show_inbox_button, AnswererTicketCb.filter((F.side == "e") & (F.action == "inbox")))
    router.callback_query.register(
        view_ticket, AnswererTicketCb.filter((F.side == "e") & (F.action == "view")))
    router.callback_query.register(
        start_answer, AnswererTicketCb.filter((F.side == "e") & (F.action == "ans")))
    router.message.register(take_answer, StateFilter(Answering.text), TYPED)
    router.message.register(take_answer_file, StateFilter(Answering.text), FILE)
    router.message.register(reject_answer, StateFilter(Answering.text), not_command)
    router.callback_query.register(
        cancel, AnswererTicketCb.filter((F.side == "e") & (F.action == "cancel")))
    router.callback_query.register(
        show_faq, AnswererTicketCb.filter((F.side == "e") & (F.action == "faq")))
    router.callback_query.register(send_faq, FaqTicketCb.filter(F.side == "e"))
    router.callback_query.register(claim, ClaimTicketCb.filter(F.side == "e"))
    router.callback_query.register(
        choose_target, AnswererTicketCb.filter((F.side == "e") & (F.action == "tr")))
    router.callback_query.register(transfer, TransferTicketCb.filter(F.side == "e"))
    router.callback_query.register(stale, when(F.data.startswith("tk:e:")))
    return router
