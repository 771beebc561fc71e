"""What both sides of a question thread share: saying something (a callback answer is not shown
by an old Bale app, so refusals go out as messages), ending a writing step when the person
leaves it, receiving a file, and sending the other side's files of a thread."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    TelegramObject,
)

from services.errors import ServiceError
from services.tickets.owner import check_text
from storage.evidence import EvidenceRejected, EvidenceStore, check
from storage.tickets import NewFile, TicketPolicy, TicketView
from texts.i18n import Translator

# The file checks' reasons, as this feature's catalog keys.
FILE_REFUSALS = {"evidence-too-large": "ticket-file-too-large",
                 "evidence-wrong-type": "ticket-file-wrong-type",
                 "evidence-corrupt": "ticket-file-corrupt",
                 "evidence-too-many-pixels": "ticket-file-too-many-pixels"}


def policy(settings: Any) -> TicketPolicy:
    """The limits and the working-hours clock from the settings."""
    return TicketPolicy.from_settings(settings)


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


async def say(bot: Bot, chat_id: int, text: str, markup: Any = None) -> None:
    await bot.send_message(chat_id, text, reply_markup=markup)


async def refuse(target: Message | CallbackQuery, t: Translator, error: ServiceError,
                 markup: InlineKeyboardMarkup | None = None) -> None:
    """Say why, as a message: a callback answer is not shown by an old Bale app."""
    text = t(error.code, **error.params)
    if isinstance(target, CallbackQuery):
        await target.answer()
        assert target.bot is not None
        await say(target.bot, target.from_user.id, text, markup)
    else:
        await target.answer(text, reply_markup=markup)


async def not_command(message: Message) -> bool:
    """Commands are never taken as a question's text (so /start or /tickets still work)."""
    return not (message.text or "").startswith("/")


async def receive_attachment(message: Message, bot: Bot, t: Translator, store: EvidenceStore,
                             limits: TicketPolicy) -> NewFile | None:
    """A photo or PDF sent into a thread, its caption checked too; None (after saying why) if
    either is refused. Used by both sides of a thread."""
    try:
        check_text(message.caption, limits, allow_empty=True)
    except ServiceError as error:
        await refuse(message, t, error)
        return None
    return await receive_file(message, bot, t, store, limits.max_file_bytes)


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
        # Off the event loop: a PDF's parse may take up to its time budget.
        checked = await asyncio.to_thread(check, buffer.read(max_bytes + 1), max_bytes)
    except EvidenceRejected as rejected:
        args = dict(rejected.message_args)
        if "max_mb" in args:
            args["max_mb"] = int(float(str(args["max_mb"])))
        await message.answer(t(FILE_REFUSALS.get(rejected.key, "ticket-file-corrupt"), **args))
        return None
    await asyncio.to_thread(store.put, checked)
    return NewFile(checked.sha256, checked.mime, getattr(bot, "platform", "telegram"), file_id)


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
