"""The answerers' side: region liaisons, HQ experts and supervisors.

`/inbox` lists the tickets assigned to the account and the unassigned ones it may take. A ticket
is answered, claimed or transferred from its card; HQ's frequent answers go out with one tap.
Button data is `tk:e:<action>:<ticket>:<arg>`; whether the account may do that to that ticket is
decided by `storage.tickets` on every press, so a forged or stale button changes nothing.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, Filter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.contact import (
    EndWritingStep,
    TicketCb,
    not_command,
    receive_attachment,
    refuse,
    say,
    send_files,
    thread_text,
)
from services.clock import Clock
from storage import tickets
from storage.accounts import Actor
from storage.evidence import EvidenceStore
from storage.tickets import NewFile, TicketError, TicketView
from texts.i18n import Translator
from texts.keyboards import InlineKeyboardBuilder

router = Router(name=__name__)


class IsAnswerer(Filter):
    """A linked expert, a region liaison or HQ staff (looked up in the database)."""

    async def __call__(self, event: TelegramObject, session: AsyncSession,
                       actor: Actor | None = None) -> bool:
        # The actor's roles include "expert" for a linked expert (storage.accounts.load_actor).
        return actor is not None and actor.is_answerer


class Answering(StatesGroup):
    text = State()  # data: ticket


_end_step = EndWritingStep([Answering.text])
router.message.outer_middleware(_end_step)
router.callback_query.outer_middleware(_end_step)


def expert_cb(action: str, ticket_id: int = 0, arg: object = "") -> str:
    return TicketCb(side="e", action=action, id=ticket_id, arg=str(arg)).pack()


def _inbox_keyboard(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("expert-button-inbox"), callback_data=expert_cb("inbox"))
    return kb.as_markup()


def _card_keyboard(t: Translator, view: TicketView, actor: Actor, can_claim: bool
                   ) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    ticket = view.ticket
    if ticket.status != tickets.CLOSED and ticket.assignee_account_id == actor.account_id:
        kb.button(text=t("expert-button-answer"), callback_data=expert_cb("ans", ticket.id))
        kb.button(text=t("expert-button-faq"), callback_data=expert_cb("faq", ticket.id))
        kb.button(text=t("expert-button-transfer"), callback_data=expert_cb("tr", ticket.id))
    elif ticket.status != tickets.CLOSED and can_claim:
        kb.button(text=t("expert-button-claim"), callback_data=expert_cb("claim", ticket.id))
    kb.button(text=t("expert-button-inbox"), callback_data=expert_cb("inbox"))
    kb.adjust(2, 2)
    return kb.as_markup()


async def _can_claim(session: AsyncSession, view: TicketView, account_id: int) -> bool:
    profile = await tickets.answerer(session, account_id)
    if profile is None:
        return False
    level = profile.level_for(view.ticket.category, view.office.region_code)
    held = view.ticket.assignee_account_id
    return level is not None and held != account_id and (held is None
                                                          or level >= view.ticket.level)


# --- the inbox -------------------------------------------------------------------------------

async def _send_inbox(bot: Bot, chat_id: int, session: AsyncSession, actor: Actor,
                      t: Translator) -> None:
    if await tickets.answerer(session, actor.account_id) is None:
        await say(bot, chat_id, t("ticket-refused-not-answerer"))
        return
    box = await tickets.inbox(session, actor.account_id)
    if not box.assigned and not box.pool:
        await say(bot, chat_id, t("expert-inbox-empty"))
        return
    kb = InlineKeyboardBuilder()
    lines = [t("expert-inbox-title")]

    def line(view: TicketView) -> str:
        return t("expert-inbox-line", number=view.ticket.id,
                 category=t(f"ticket-category-{view.ticket.category}"),
                 office=view.office.name, status=t(f"ticket-status-{view.ticket.status}"))

    for view in box.assigned:
        lines.append(line(view))
        kb.button(text=t("ticket-button-number", number=view.ticket.id),
                  callback_data=expert_cb("view", view.ticket.id))
    if box.pool:
        lines.append("")
        lines.append(t("expert-inbox-pool"))
        for view in box.pool:
            lines.append(line(view))
            kb.button(text=t("ticket-button-number", number=view.ticket.id),
                      callback_data=expert_cb("view", view.ticket.id))
    kb.adjust(4)
    await say(bot, chat_id, "\n".join(lines), kb.as_markup())


@router.message(Command("inbox"))
async def show_inbox(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                     state: FSMContext, bot: Bot) -> None:
    await state.clear()
    await _send_inbox(bot, message.chat.id, session, actor, t)


@router.callback_query(TicketCb.filter((F.side == "e") & (F.action == "inbox")))
async def show_inbox_button(callback: CallbackQuery, session: AsyncSession, actor: Actor,
                            t: Translator, state: FSMContext, bot: Bot) -> None:
    await state.clear()
    await callback.answer()
    await _send_inbox(bot, callback.from_user.id, session, actor, t)


@router.callback_query(TicketCb.filter((F.side == "e") & (F.action == "view")))
async def view_ticket(callback: CallbackQuery, callback_data: TicketCb, session: AsyncSession,
                      actor: Actor, t: Translator, bot: Bot, platform: str,
                      evidence_store: EvidenceStore) -> None:
    try:
        view = await tickets.for_answerer(session, callback_data.id, actor.account_id)
    except TicketError as error:
        await refuse(callback, t, error, _inbox_keyboard(t))
        return
    await callback.answer()
    chat_id = callback.from_user.id
    await send_files(bot, chat_id, platform, view, evidence_store, from_role="owner")
    await say(bot, chat_id, thread_text(t, view, for_expert=True),
              _card_keyboard(t, view, actor, await _can_claim(session, view, actor.account_id)))


# --- answering -------------------------------------------------------------------------------

@router.callback_query(TicketCb.filter((F.side == "e") & (F.action == "ans")))
async def start_answer(callback: CallbackQuery, callback_data: TicketCb,
                       session: AsyncSession, actor: Actor, t: Translator, state: FSMContext,
                       bot: Bot) -> None:
    try:
        view = await tickets.for_answerer(session, callback_data.id, actor.account_id)
        if view.ticket.assignee_account_id != actor.account_id:
            raise TicketError("not-yours")
        if view.ticket.status == tickets.CLOSED:
            raise TicketError("closed")
    except TicketError as error:
        await refuse(callback, t, error, _inbox_keyboard(t))
        return
    await state.set_state(Answering.text)
    await state.set_data({"ticket": view.ticket.id})
    await callback.answer()
    kb = InlineKeyboardBuilder()
    kb.button(text=t("expert-button-faq"), callback_data=expert_cb("faq", view.ticket.id))
    kb.button(text=t("contact-button-cancel"), callback_data=expert_cb("cancel"))
    await say(bot, callback.from_user.id,
              t("expert-answer-ask", number=view.ticket.id,
                max=tickets.policy_of(session).max_chars), kb.as_markup())


async def _answer(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                  state: FSMContext, clock: Clock, text: str | None,
                  file: NewFile | None) -> None:
    ticket_id = int((await state.get_data()).get("ticket", 0))
    try:
        # Re-checked here, not only when the button was pressed: the ticket may have been
        # escalated or transferred to someone else in between.
        record = await tickets.answer(session, ticket_id=ticket_id, account_id=actor.account_id,
                                      text=text, file=file, now=clock.now())
    except TicketError as error:
        await session.rollback()
        if error.reason != "too-long" and error.reason != "empty":
            await state.clear()
        await refuse(message, t, error, _inbox_keyboard(t))
        return
    await session.commit()
    await state.clear()
    await message.answer(t("expert-answer-sent", number=record.id),
                         reply_markup=_inbox_keyboard(t))


@router.message(Answering.text, F.text, not_command)
async def take_answer(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                      state: FSMContext, clock: Clock) -> None:
    await _answer(message, session, actor, t, state, clock, message.text, None)


@router.message(Answering.text, F.photo | F.document)
async def take_answer_file(message: Message, bot: Bot, session: AsyncSession, actor: Actor,
                           t: Translator, state: FSMContext, clock: Clock,
                           evidence_store: EvidenceStore) -> None:
    file = await receive_attachment(message, bot, session, t, evidence_store)
    if file is not None:
        await _answer(message, session, actor, t, state, clock, message.caption, file)


@router.message(Answering.text, not_command)
async def reject_answer(message: Message, t: Translator) -> None:
    await message.answer(t("expert-answer-wrong-input"))


@router.callback_query(TicketCb.filter((F.side == "e") & (F.action == "cancel")))
async def cancel(callback: CallbackQuery, t: Translator, state: FSMContext, bot: Bot) -> None:
    await state.clear()
    await callback.answer()
    await say(bot, callback.from_user.id, t("ticket-cancelled"), _inbox_keyboard(t))


# --- frequent answers ------------------------------------------------------------------------

@router.callback_query(TicketCb.filter((F.side == "e") & (F.action == "faq")))
async def show_faq(callback: CallbackQuery, callback_data: TicketCb, session: AsyncSession,
                   actor: Actor, t: Translator, bot: Bot) -> None:
    try:
        view = await tickets.for_answerer(session, callback_data.id, actor.account_id)
        if view.ticket.assignee_account_id != actor.account_id:
            raise TicketError("not-yours")
    except TicketError as error:
        await refuse(callback, t, error, _inbox_keyboard(t))
        return
    await callback.answer()
    items = await tickets.faqs(session, view.ticket.category)
    if not items:
        await say(bot, callback.from_user.id, t("expert-faq-empty"), _inbox_keyboard(t))
        return
    lines = [t("expert-faq-title", number=view.ticket.id)]
    kb = InlineKeyboardBuilder()
    for n, item in enumerate(items, start=1):
        answer = item.answer(t.lang)
        lines.append(t("expert-faq-line", n=n, question=item.question(t.lang),
                       answer=answer if len(answer) <= 160 else answer[:160] + "…"))
        kb.button(text=t("expert-faq-button", n=n),
                  callback_data=expert_cb("fq", view.ticket.id, item.id))
    kb.adjust(4)
    more = InlineKeyboardBuilder()
    more.button(text=t("contact-button-cancel"), callback_data=expert_cb("cancel"))
    kb.attach(more)
    await say(bot, callback.from_user.id, "\n\n".join(lines), kb.as_markup())


@router.callback_query(TicketCb.filter((F.side == "e") & (F.action == "fq")))
async def send_faq(callback: CallbackQuery, callback_data: TicketCb, session: AsyncSession,
                   actor: Actor, t: Translator, state: FSMContext, clock: Clock,
                   bot: Bot) -> None:
    faq_id = int(callback_data.arg) if callback_data.arg.isdigit() else 0
    try:
        record = await tickets.answer_from_faq(session, ticket_id=callback_data.id,
                                               account_id=actor.account_id, faq_id=faq_id,
                                               now=clock.now())
    except TicketError as error:
        await session.rollback()
        await refuse(callback, t, error, _inbox_keyboard(t))
        return
    await session.commit()
    await state.clear()
    await callback.answer()
    await say(bot, callback.from_user.id, t("expert-answer-sent", number=record.id),
              _inbox_keyboard(t))


# --- claim and transfer ----------------------------------------------------------------------

@router.callback_query(TicketCb.filter((F.side == "e") & (F.action == "claim")))
async def claim(callback: CallbackQuery, callback_data: TicketCb, session: AsyncSession,
                actor: Actor, t: Translator, clock: Clock, bot: Bot) -> None:
    try:
        record = await tickets.claim(session, ticket_id=callback_data.id,
                                     account_id=actor.account_id, now=clock.now())
    except TicketError as error:
        await session.rollback()
        await refuse(callback, t, error, _inbox_keyboard(t))
        return
    await session.commit()
    await callback.answer()
    kb = InlineKeyboardBuilder()
    kb.button(text=t("expert-button-answer"), callback_data=expert_cb("ans", record.id))
    kb.button(text=t("expert-button-view"), callback_data=expert_cb("view", record.id))
    await say(bot, callback.from_user.id, t("expert-claimed", number=record.id), kb.as_markup())


@router.callback_query(TicketCb.filter((F.side == "e") & (F.action == "tr")))
async def choose_target(callback: CallbackQuery, callback_data: TicketCb,
                        session: AsyncSession, actor: Actor, t: Translator, bot: Bot) -> None:
    try:
        targets = await tickets.transfer_targets(session, callback_data.id, actor.account_id)
    except TicketError as error:
        await refuse(callback, t, error, _inbox_keyboard(t))
        return
    await callback.answer()
    if not targets:
        await say(bot, callback.from_user.id, t("expert-transfer-none"), _inbox_keyboard(t))
        return
    kb = InlineKeyboardBuilder()
    for target in targets:
        kb.button(text=t("expert-transfer-target", name=target.name,
                         level=t(f"ticket-level-{target.level}")),
                  callback_data=expert_cb("to", callback_data.id, target.account_id))
    kb.button(text=t("contact-button-cancel"), callback_data=expert_cb("cancel"))
    kb.adjust(1)
    await say(bot, callback.from_user.id,
              t("expert-transfer-choose", number=callback_data.id), kb.as_markup())


@router.callback_query(TicketCb.filter((F.side == "e") & (F.action == "to")))
async def transfer(callback: CallbackQuery, callback_data: TicketCb, session: AsyncSession,
                   actor: Actor, t: Translator, state: FSMContext, clock: Clock,
                   bot: Bot) -> None:
    to_account = int(callback_data.arg) if callback_data.arg.isdigit() else 0
    try:
        record = await tickets.transfer(session, ticket_id=callback_data.id,
                                        account_id=actor.account_id, to_account_id=to_account,
                                        now=clock.now())
    except TicketError as error:
        await session.rollback()
        await refuse(callback, t, error, _inbox_keyboard(t))
        return
    await session.commit()
    await state.clear()
    await callback.answer()
    view = await tickets.for_owner(session, record.id, [record.office_id])
    await say(bot, callback.from_user.id,
              t("expert-transferred", number=record.id, name=view.assignee_name or ""),
              _inbox_keyboard(t))


@router.callback_query(F.data.startswith("tk:e:"))
async def stale(callback: CallbackQuery, t: Translator, bot: Bot) -> None:
    """A garbled or outdated answerer's button: say so, never a traceback."""
    await callback.answer()
    await say(bot, callback.from_user.id, t("ticket-stale"), _inbox_keyboard(t))
