"""Contact an expert (owner side): the directory, asking a question, the owner's tickets.

Button data is `tk:o:<action>:<ticket or office id>:<arg>` and is never trusted: every press is
checked against the database (`storage.tickets` refuses a ticket that is not the actor's office's).
The FSM holds only which step the owner is on (writing a question, writing into a ticket); the
question itself is in the database as soon as it is sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiogram import BaseMiddleware, Bot, F, Router
from aiogram.filters import Command
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    TelegramObject,
)
from sqlalchemy.ext.asyncio import AsyncSession

from services.clock import Clock
from storage import tickets
from storage.accounts import Actor
from storage.evidence import EvidenceRejected, EvidenceStore, check
from storage.tickets import NewFile, TicketError, TicketView
from texts import tickets as ticket_texts
from texts.i18n import Markup, Translator
from texts.keyboards import InlineKeyboardBuilder

router = Router(name=__name__)

# The file checks' reasons, as this feature's catalog keys.
FILE_REFUSALS = {"evidence-too-large": "ticket-file-too-large",
                 "evidence-wrong-type": "ticket-file-wrong-type",
                 "evidence-corrupt": "ticket-file-corrupt",
                 "evidence-too-many-pixels": "ticket-file-too-many-pixels"}


class TicketCb(CallbackData, prefix="tk"):
    """`tk:<side>:<action>:<id>:<arg>`; side `o` is the owner's, `e` the answerer's."""

    side: str
    action: str
    id: int = 0
    arg: str = ""


class Ask(StatesGroup):
    text = State()  # data: office, category


class Thread(StatesGroup):
    writing = State()  # data: ticket


def owner_cb(action: str, ticket_id: int = 0, arg: object = "") -> str:
    return TicketCb(side="o", action=action, id=ticket_id, arg=str(arg)).pack()


class EndWritingStep(BaseMiddleware):
    """Leaving a writing step by any other button or a command ends it.

    Otherwise an owner who asked a question, then went to the declaration from the menu, would
    have the next typed answer filed into the question. The routers of this feature come before
    the others, so every update not handled earlier passes here first.
    """

    def __init__(self, states: Iterable[State]) -> None:
        self.states = {state.state for state in states}

    async def __call__(self, handler: Callable[[TelegramObject, dict[str, Any]],
                                               Awaitable[Any]],
                      event: TelegramObject, data: dict[str, Any]) -> Any:
        state: FSMContext | None = data.get("state")
        if state is not None:
            if isinstance(event, CallbackQuery):
                other = not (event.data or "").startswith("tk:")
            else:
                other = isinstance(event, Message) and (event.text or "").startswith("/")
            if other and await state.get_state() in self.states:
                await state.clear()
        return await handler(event, data)


_end_step = EndWritingStep([Ask.text, Thread.writing])
router.message.outer_middleware(_end_step)
router.callback_query.outer_middleware(_end_step)


# --- shared helpers (also used by handlers/experts.py) ----------------------------------------

async def say(bot: Bot, chat_id: int, text: str, markup: Any = None) -> None:
    await bot.send_message(chat_id, text, reply_markup=markup)


async def refuse(target: Message | CallbackQuery, t: Translator, error: TicketError,
                 markup: InlineKeyboardMarkup | None = None) -> None:
    """Say why, as a message: a callback answer is not shown by an old Bale app."""
    text = t(f"ticket-refused-{error.reason}", **error.args_)
    if isinstance(target, CallbackQuery):
        await target.answer()
        assert target.bot is not None
        await say(target.bot, target.from_user.id, text, markup)
    else:
        await target.answer(text, reply_markup=markup)


def not_command(message: Message) -> bool:
    """Commands are never taken as a question's text (so /start or /tickets still work)."""
    return not (message.text or "").startswith("/")


async def receive_attachment(message: Message, bot: Bot, session: AsyncSession, t: Translator,
                             store: EvidenceStore) -> NewFile | None:
    """A photo or PDF sent into a thread, its caption checked too; None (after saying why) if
    either is refused. Used by both sides of a thread."""
    policy = tickets.policy_of(session)
    try:
        tickets.clean_text(message.caption, policy, allow_empty=True)
    except TicketError as error:
        await refuse(message, t, error)
        return None
    return await receive_file(message, bot, t, store, policy.max_file_bytes)


async def receive_file(message: Message, bot: Bot, t: Translator, store: EvidenceStore,
                       max_bytes: int) -> NewFile | None:
    """Download, check by bytes and store a photo or PDF; None (after saying why) if refused.

    Runs before any write, so no transaction is held open across the download.
    """
    if message.photo:
        file_id, size = message.photo[-1].file_id, message.photo[-1].file_size
    elif message.document:
        file_id, size = message.document.file_id, message.document.file_size
    else:
        return None
    try:
        if size is not None and size > max_bytes:
            raise EvidenceRejected("evidence-too-large", max_mb=max_bytes // (1024 * 1024))
        buffer = await bot.download(file_id)
        assert buffer is not None
        checked = check(buffer.read(max_bytes + 1), max_bytes)
    except EvidenceRejected as rejected:
        args = dict(rejected.message_args)
        if "max_mb" in args:
            args["max_mb"] = int(float(str(args["max_mb"])))
        await message.answer(t(FILE_REFUSALS.get(rejected.key, "ticket-file-corrupt"), **args))
        return None
    await asyncio.to_thread(store.put, checked)
    return NewFile(checked.sha256, checked.mime, getattr(bot, "platform", "telegram"), file_id)


def thread_text(t: Translator, view: TicketView, *, for_expert: bool, limit: int = 3500
                ) -> str:
    """The ticket card: title, state, (for an answerer) the office header, then the thread,
    newest messages kept when the whole would be too long for one message."""
    ticket = view.ticket
    head = [t("ticket-card-title", number=ticket.id,
              category=t(f"ticket-category-{ticket.category}")),
            t("ticket-card-state", status=t(f"ticket-status-{ticket.status}"))]
    if for_expert:
        head += ticket_texts.header_lines(t, tickets.card_args(view))
    if view.assignee_name and for_expert:
        head.append(t("ticket-card-assignee", name=view.assignee_name,
                      level=t(f"ticket-level-{ticket.level}")))
    elif not for_expert:
        head.append(t("ticket-card-level", level=t(f"ticket-level-{ticket.level}")))
    if ticket.rating:
        head.append(t("ticket-card-rating", rating=ticket.rating))
    body: list[str] = []
    size = sum(len(line) + 1 for line in head)
    for message in reversed(view.messages):
        text = message.text if len(message.text) <= 700 else message.text[:700] + "…"
        key = "ticket-msg-owner" if message.author_role == "owner" else "ticket-msg-expert"
        # The person's own words are escaped on their own, outside the catalog text: on Bale a
        # `<b>` typed by someone must not turn into formatting.
        block = t(key, when=ticket_texts.when(message.created_at, t.lang)) + "\n" + t.raw(text)
        if message.file_sha256:
            block += "\n" + t("ticket-msg-file")
        if size + len(block) + 2 > limit:
            body.insert(0, t("ticket-older-hidden"))
            break
        body.insert(0, block)
        size += len(block) + 2
    return "\n".join(head) + "\n\n" + "\n\n".join(body)


async def send_files(bot: Bot, chat_id: int, platform: str, view: TicketView,
                     store: EvidenceStore, *, from_role: str) -> None:
    """The other side's files in the thread (one's own are on one's phone already: a slow
    connection should not fetch them again), by file id on the platform they came from, else
    by their stored bytes."""
    for message in view.messages:
        if not message.file_sha256 or message.author_role != from_role:
            continue
        is_pdf = message.file_mime == "application/pdf"
        if message.file_platform == platform and message.file_id:
            source: Any = message.file_id
        else:
            data = await asyncio.to_thread(store.get, message.file_sha256)
            name = f"ticket-{view.ticket.id}-{message.id}.{'pdf' if is_pdf else 'jpg'}"
            source = BufferedInputFile(data, filename=name)
        if is_pdf:
            await bot.send_document(chat_id, source)
        else:
            await bot.send_photo(chat_id, source)


# --- the directory ---------------------------------------------------------------------------

def _directory_text(t: Translator, entry: tickets.Directory) -> str:
    # Phone numbers go out as plain text in ASCII digits: Telegram accepts only http(s) and
    # tg:// URLs in buttons (a `tel:` URL button is refused), and Bale's Markdown support for a
    # `tel:` link is unconfirmed; the apps make a number in plain text tappable themselves, but
    # not one written in Persian digits, so `Markup` keeps the translator from converting it.
    def phone(number: str) -> Markup:
        return Markup(t.raw(number))

    lines = [t("contact-title")]
    for expert in entry.experts:
        topic = expert.topic_en if t.lang == "en" and expert.topic_en else expert.topic_fa
        lines.append(t("contact-expert-line", name=expert.name, topic=topic,
                       phone=phone(expert.phone)))
        if expert.hours:
            lines.append(t("contact-expert-hours", hours=expert.hours))
    if entry.region_fa is not None:
        region = entry.region_en if t.lang == "en" and entry.region_en else entry.region_fa
        lines.append("")
        if entry.liaisons:
            for name, number in entry.liaisons:
                if number:
                    lines.append(t("contact-liaison-line", region=region, name=name,
                                   phone=phone(number)))
                else:
                    lines.append(t("contact-liaison-no-phone", region=region, name=name))
        else:
            lines.append(t("contact-liaison-none", region=region))
        if entry.region_phone:
            lines.append(t("contact-region-phone", phone=phone(entry.region_phone)))
    lines.append("")
    lines.append(t("contact-ask-hint"))
    return "\n".join(lines)


def _contact_keyboard(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("contact-button-ask"), callback_data=owner_cb("ask"))
    kb.button(text=t("contact-button-my-tickets"), callback_data=owner_cb("list"))
    kb.button(text=t("contact-button-menu"), callback_data="menu:main")
    kb.adjust(2, 1)
    return kb.as_markup()


@router.message(Command("contact"))
async def show_contact(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                       state: FSMContext) -> None:
    await state.clear()
    entry = await tickets.directory(session, actor.office_id)
    await message.answer(_directory_text(t, entry), reply_markup=_contact_keyboard(t))


@router.callback_query(F.data == "menu:contact")
async def show_contact_button(callback: CallbackQuery, session: AsyncSession, actor: Actor,
                              t: Translator, state: FSMContext, bot: Bot) -> None:
    await state.clear()
    await callback.answer()
    entry = await tickets.directory(session, actor.office_id)
    await say(bot, callback.from_user.id, _directory_text(t, entry), _contact_keyboard(t))


# --- asking ----------------------------------------------------------------------------------

def _category_keyboard(t: Translator, office_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for category in tickets.CATEGORIES:
        kb.button(text=t(f"ticket-category-{category}"),
                  callback_data=owner_cb("cat", office_id, category))
    kb.button(text=t("contact-button-cancel"), callback_data=owner_cb("cancel"))
    kb.adjust(2, 2, 1, 1)
    return kb.as_markup()


@router.callback_query(TicketCb.filter((F.side == "o") & (F.action == "ask")))
async def choose_category(callback: CallbackQuery, callback_data: TicketCb,
                          session: AsyncSession, actor: Actor, t: Translator, clock: Clock,
                          bot: Bot) -> None:
    office_id = callback_data.id or actor.office_id
    if not actor.office_ids:
        await refuse(callback, t, TicketError("no-office"))
        return
    if office_id is None:  # several offices and none chosen: ask which one
        await callback.answer()
        kb = InlineKeyboardBuilder()
        for oid in actor.office_ids:
            office = await tickets.office(session, oid)
            if office is not None:
                kb.button(text=f"{office.name} ({office.code})",
                          callback_data=owner_cb("ask", oid))
        kb.adjust(1)
        await say(bot, callback.from_user.id, t("ticket-choose-office"), kb.as_markup())
        return
    if office_id not in actor.office_ids:
        await refuse(callback, t, TicketError("no-office"))
        return
    policy = tickets.policy_of(session)
    try:
        await tickets.check_can_open(session, office_id, actor.account_id, clock.now(), policy)
    except TicketError as error:
        await refuse(callback, t, error, _list_keyboard(t))
        return
    await callback.answer()
    await say(bot, callback.from_user.id, t("ticket-choose-category"),
              _category_keyboard(t, office_id))


@router.callback_query(TicketCb.filter((F.side == "o") & (F.action == "cat")))
async def ask_text(callback: CallbackQuery, callback_data: TicketCb, actor: Actor,
                   session: AsyncSession, t: Translator, state: FSMContext, bot: Bot) -> None:
    if callback_data.id not in actor.office_ids:
        await refuse(callback, t, TicketError("no-office"))
        return
    if callback_data.arg not in tickets.CATEGORIES:
        await refuse(callback, t, TicketError("bad-category"))
        return
    await state.set_state(Ask.text)
    await state.set_data({"office": callback_data.id, "category": callback_data.arg})
    await callback.answer()
    policy = tickets.policy_of(session)
    kb = InlineKeyboardBuilder()
    kb.button(text=t("contact-button-cancel"), callback_data=owner_cb("cancel"))
    await say(bot, callback.from_user.id,
              t("ticket-ask-text", category=t(f"ticket-category-{callback_data.arg}"),
                max=policy.max_chars), kb.as_markup())


async def _create(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                  state: FSMContext, clock: Clock, text: str | None,
                  file: NewFile | None) -> None:
    data = await state.get_data()
    try:
        record = await tickets.open_ticket(
            session, account_id=actor.account_id, office_ids=actor.office_ids,
            office_id=int(data.get("office", 0)), category=str(data.get("category", "")),
            text=text, file=file, now=clock.now())
    except TicketError as error:
        await session.rollback()
        if error.reason in ("too-many-open", "no-office", "bad-category"):
            await state.clear()
        await refuse(message, t, error)
        return
    await session.commit()
    await state.set_state(Thread.writing)
    await state.set_data({"ticket": record.id})
    key = "ticket-created" if record.assignee_account_id else "ticket-created-unassigned"
    await message.answer(t(key, number=record.id, to=t(f"ticket-level-{record.level}")),
                         reply_markup=_done_keyboard(t, record.id))


@router.message(Ask.text, F.text, not_command)
async def take_question(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                        state: FSMContext, clock: Clock) -> None:
    await _create(message, session, actor, t, state, clock, message.text, None)


@router.message(Ask.text, F.photo | F.document)
async def take_question_file(message: Message, bot: Bot, session: AsyncSession, actor: Actor,
                             t: Translator, state: FSMContext, clock: Clock,
                             evidence_store: EvidenceStore) -> None:
    if not (message.caption or "").strip():
        await message.answer(t("ticket-need-caption"))
        return
    policy = tickets.policy_of(session)
    try:  # refuse a too long caption before downloading anything
        tickets.clean_text(message.caption, policy)
    except TicketError as error:
        await refuse(message, t, error)
        return
    file = await receive_file(message, bot, t, evidence_store, policy.max_file_bytes)
    if file is not None:
        await _create(message, session, actor, t, state, clock, message.caption, file)


@router.message(Ask.text, not_command)
async def reject_question(message: Message, t: Translator) -> None:
    await message.answer(t("ticket-wrong-input"))


@router.callback_query(TicketCb.filter((F.side == "o") & (F.action == "cancel")))
async def cancel(callback: CallbackQuery, t: Translator, state: FSMContext, bot: Bot) -> None:
    await state.clear()
    await callback.answer()
    await say(bot, callback.from_user.id, t("ticket-cancelled"), _contact_keyboard(t))


# --- the thread ------------------------------------------------------------------------------

def _done_keyboard(t: Translator, ticket_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("contact-button-done"), callback_data=owner_cb("done", ticket_id))
    return kb.as_markup()


def _list_keyboard(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("contact-button-my-tickets"), callback_data=owner_cb("list"))
    return kb.as_markup()


def _ticket_keyboard(t: Translator, ticket: tickets.TicketRecord) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    if ticket.status != tickets.CLOSED:
        kb.button(text=t("ticket-button-reply"), callback_data=owner_cb("reply", ticket.id))
        kb.button(text=t("ticket-button-close"), callback_data=owner_cb("close", ticket.id))
    elif ticket.rating is None:
        for n in range(1, 6):
            kb.button(text=t("ticket-rate-button", rating=n),
                      callback_data=owner_cb("rate", ticket.id, n))
    kb.button(text=t("contact-button-my-tickets"), callback_data=owner_cb("list"))
    if ticket.status != tickets.CLOSED:
        kb.adjust(2)
    else:
        kb.adjust(5, 1)
    return kb.as_markup()


async def _send_list(bot: Bot, chat_id: int, session: AsyncSession, actor: Actor,
                     t: Translator) -> None:
    if not actor.office_ids:
        await say(bot, chat_id, t("ticket-refused-no-office"))
        return
    rows = await tickets.owner_tickets(session, actor.office_ids)
    kb = InlineKeyboardBuilder()
    if not rows:
        kb.button(text=t("contact-button-ask"), callback_data=owner_cb("ask"))
        await say(bot, chat_id, t("ticket-list-empty"), kb.as_markup())
        return
    lines = [t("ticket-list-title")]
    for ticket in rows:
        lines.append(t("ticket-list-line", number=ticket.id,
                       category=t(f"ticket-category-{ticket.category}"),
                       status=t(f"ticket-status-{ticket.status}")))
        kb.button(text=t("ticket-button-number", number=ticket.id),
                  callback_data=owner_cb("view", ticket.id))
    kb.adjust(4)
    more = InlineKeyboardBuilder()
    more.button(text=t("contact-button-ask"), callback_data=owner_cb("ask"))
    kb.attach(more)
    await say(bot, chat_id, "\n".join(lines), kb.as_markup())


@router.message(Command("tickets"))
async def list_tickets(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                       state: FSMContext, bot: Bot) -> None:
    await state.clear()
    await _send_list(bot, message.chat.id, session, actor, t)


@router.callback_query(TicketCb.filter((F.side == "o") & (F.action == "list")))
async def list_tickets_button(callback: CallbackQuery, session: AsyncSession, actor: Actor,
                              t: Translator, state: FSMContext, bot: Bot) -> None:
    await state.clear()
    await callback.answer()
    await _send_list(bot, callback.from_user.id, session, actor, t)


@router.callback_query(TicketCb.filter((F.side == "o") & (F.action == "view")))
async def view_ticket(callback: CallbackQuery, callback_data: TicketCb, session: AsyncSession,
                      actor: Actor, t: Translator, bot: Bot, platform: str,
                      evidence_store: EvidenceStore) -> None:
    try:
        view = await tickets.for_owner(session, callback_data.id, actor.office_ids)
    except TicketError as error:
        await refuse(callback, t, error, _list_keyboard(t))
        return
    await callback.answer()
    chat_id = callback.from_user.id
    await send_files(bot, chat_id, platform, view, evidence_store, from_role="expert")
    await say(bot, chat_id, thread_text(t, view, for_expert=False),
              _ticket_keyboard(t, view.ticket))


@router.callback_query(TicketCb.filter((F.side == "o") & (F.action == "reply")))
async def start_reply(callback: CallbackQuery, callback_data: TicketCb, session: AsyncSession,
                      actor: Actor, t: Translator, state: FSMContext, bot: Bot) -> None:
    try:
        view = await tickets.for_owner(session, callback_data.id, actor.office_ids)
        if view.ticket.status == tickets.CLOSED:
            raise TicketError("closed")
    except TicketError as error:
        await refuse(callback, t, error, _list_keyboard(t))
        return
    await state.set_state(Thread.writing)
    await state.set_data({"ticket": view.ticket.id})
    await callback.answer()
    await say(bot, callback.from_user.id, t("ticket-reply-ask", number=view.ticket.id),
              _done_keyboard(t, view.ticket.id))


async def _append(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                  state: FSMContext, clock: Clock, text: str | None,
                  file: NewFile | None) -> None:
    ticket_id = int((await state.get_data()).get("ticket", 0))
    try:
        record = await tickets.add_owner_message(
            session, ticket_id=ticket_id, account_id=actor.account_id,
            office_ids=actor.office_ids, text=text, file=file, now=clock.now())
    except TicketError as error:
        await session.rollback()
        if error.reason in ("closed", "not-found"):
            await state.clear()
        await refuse(message, t, error)
        return
    await session.commit()
    await message.answer(t("ticket-reply-sent", number=record.id),
                         reply_markup=_done_keyboard(t, record.id))


@router.message(Thread.writing, F.text, not_command)
async def take_reply(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                     state: FSMContext, clock: Clock) -> None:
    await _append(message, session, actor, t, state, clock, message.text, None)


@router.message(Thread.writing, F.photo | F.document)
async def take_reply_file(message: Message, bot: Bot, session: AsyncSession, actor: Actor,
                          t: Translator, state: FSMContext, clock: Clock,
                          evidence_store: EvidenceStore) -> None:
    file = await receive_attachment(message, bot, session, t, evidence_store)
    if file is not None:
        await _append(message, session, actor, t, state, clock, message.caption, file)


@router.message(Thread.writing, not_command)
async def reject_reply(message: Message, t: Translator) -> None:
    await message.answer(t("ticket-wrong-input"))


@router.callback_query(TicketCb.filter((F.side == "o") & (F.action == "done")))
async def done(callback: CallbackQuery, t: Translator, state: FSMContext, bot: Bot) -> None:
    await state.clear()
    await callback.answer()
    await say(bot, callback.from_user.id, t("ticket-done"), _list_keyboard(t))


@router.callback_query(TicketCb.filter((F.side == "o") & (F.action == "close")))
async def close_ticket(callback: CallbackQuery, callback_data: TicketCb, session: AsyncSession,
                       actor: Actor, t: Translator, state: FSMContext, clock: Clock,
                       bot: Bot) -> None:
    try:
        record = await tickets.close(session, ticket_id=callback_data.id,
                                     account_id=actor.account_id, office_ids=actor.office_ids,
                                     now=clock.now())
    except TicketError as error:
        await session.rollback()
        await refuse(callback, t, error, _list_keyboard(t))
        return
    await session.commit()
    await state.clear()
    await callback.answer()
    await say(bot, callback.from_user.id, t("ticket-closed", number=record.id),
              _ticket_keyboard(t, record))


@router.callback_query(TicketCb.filter((F.side == "o") & (F.action == "rate")))
async def rate_ticket(callback: CallbackQuery, callback_data: TicketCb, session: AsyncSession,
                      actor: Actor, t: Translator, clock: Clock, bot: Bot) -> None:
    rating = int(callback_data.arg) if callback_data.arg.isdigit() else 0
    try:
        await tickets.rate(session, ticket_id=callback_data.id, office_ids=actor.office_ids,
                           rating=rating, now=clock.now())
    except TicketError as error:
        await session.rollback()
        await refuse(callback, t, error)
        return
    await session.commit()
    await callback.answer()
    await say(bot, callback.from_user.id, t("ticket-rated", rating=rating), _list_keyboard(t))


@router.callback_query(F.data.startswith("tk:o:"))
async def stale(callback: CallbackQuery, t: Translator, bot: Bot) -> None:
    """A garbled or outdated owner button: say so, never a traceback."""
    await callback.answer()
    await say(bot, callback.from_user.id, t("ticket-stale"), _contact_keyboard(t))
