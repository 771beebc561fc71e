"""Evidence files: photos and PDFs for the item the owner is on, listed and removable.

A file is downloaded as soon as it arrives, checked by its bytes and size and stored by SHA-256
outside any transaction; then `services.declaration.evidence.attach` records it (the same bytes
twice for one item are kept once) before the bot replies. A wrong type, an oversized or a
corrupt file is refused with a message and nothing is stored.
"""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, Message
from aiohttp import ClientError

from handlers import wizard
from handlers.albums import QUIET
from handlers.errors import Unavailable
from handlers.filters import FILE
from handlers.owner import menu_button, press, say
from handlers.wizard import screen
from services.clock import Clock
from services.declaration import evidence
from services.declaration import wizard as flow
from services.declaration.evidence import AlbumPart, FileMeta
from services.errors import ServiceError
from services.uow import UnitOfWork
from settings import Settings
from storage.accounts import Actor
from storage.evidence import CheckedFile, EvidenceRejected, EvidenceStore, check
from storage.faults import fault_point
from texts.i18n import Translator
from texts.views import title
from texts.wizard_callbacks import EvidenceCb, ItemCb
from texts.wizard_keyboards import evidence_keyboard, evidence_list_keyboard

KIND_MIMES = {"photo": {"image/jpeg", "image/png"}, "document": {"application/pdf"},
              "either": {"image/jpeg", "image/png", "application/pdf"}}

__all__ = ["EvidenceCb", "on_files", "on_remove", "setup", "take_file"]
log = logging.getLogger(__name__)


def _name(message: Message) -> str:
    if message.document is not None and message.document.file_name:
        return message.document.file_name
    return "📷"


async def _download(message: Message, bot: Bot, kind: str, settings: Settings
                    ) -> tuple[CheckedFile, str, str | None]:
    """The file's bytes, checked (EvidenceRejected says why not), its id and its name."""
    max_bytes = int(settings.evidence_max_mb * 1024 * 1024)
    if message.photo:
        file = message.photo[-1]
        file_id, size, filename = file.file_id, file.file_size, None
    else:
        assert message.document is not None
        file_id, size = message.document.file_id, message.document.file_size
        filename = message.document.file_name
    if size is not None and size > max_bytes:
        raise EvidenceRejected("evidence-too-large", max_mb=settings.evidence_max_mb)
    buffer = await bot.download(file_id, timeout=settings.download_timeout_seconds)
    assert buffer is not None
    fault_point("evidence.downloaded")
    # A PDF's parse may take seconds (storage.evidence_checks): off the event loop.
    checked = await asyncio.to_thread(check, buffer.read(max_bytes + 1), max_bytes)
    fault_point("evidence.checked")
    if checked.mime not in KIND_MIMES.get(kind, set()):
        raise EvidenceRejected(f"evidence-want-{kind}")
    return checked, file_id, filename


async def take_file(message: Message, bot: Bot, actor: Actor, t: Translator, clock: Clock,
                    settings: Settings, evidence_store: EvidenceStore, uow: UnitOfWork,
                    ) -> None:
    """A file for the question the owner is on; the parts of an album are acknowledged once,
    by one outbox notice written with the files (`storage.album_notices`): a process killed
    while the album comes in loses neither, and any worker may take any part."""
    if not actor.office_ids:
        await message.answer(t("not-linked"))
        return
    view = screen(message, t, settings)
    try:
        awaiting = await evidence.awaiting(uow, actor, clock.now())
        if awaiting.item is None:
            await message.answer(t("evidence-not-expected"))
            await wizard.show_resumed(view, await flow.resume(uow, actor, clock.now()))
            return
        item = awaiting.item
        try:
            checked, file_id, filename = await _download(message, bot, item.evidence.kind,
                                                         settings)
            await asyncio.to_thread(evidence_store.put, checked)
            fault_point("evidence.stored")
        except EvidenceRejected as rejected:
            await message.answer(t(rejected.key, **rejected.message_args))
            return
        except (TelegramAPIError, ClientError, OSError, TimeoutError) as error:
            # The platform, the network or the disk: nothing is recorded, the inbox tries the
            # update again, and the owner learns which file it was in case it never arrives.
            raise Unavailable("evidence-unavailable", title=title(item, t.lang),
                              name=_name(message)) from error
        album = None
        if message.media_group_id:  # a part of an album: the album is acknowledged once
            album = AlbumPart(f"{actor.platform}:{message.chat.id}:{message.media_group_id}",
                              message.document.file_name if message.document is not None
                              else None, QUIET)
        attached = await evidence.attach(uow, actor, clock.now(), item.key, FileMeta(
            checked.sha256, len(checked.data), checked.mime, filename, file_id), album)
    except ServiceError as error:
        await message.answer(say(t, error), reply_markup=menu_button(t))
        return
    if album is not None:
        return  # the outbox answers for the whole album once its parts stop coming
    markup = evidence_keyboard(attached.draft.period.id, item.key, attached.count, t)
    await message.answer(
        t("evidence-received", count=attached.count, title=title(item, t.lang)),
        reply_markup=markup)


async def on_files(callback: CallbackQuery, callback_data: ItemCb, actor: Actor, t: Translator,
                   clock: Clock, uow: UnitOfWork, settings: Settings | None = None) -> None:
    """`ed` done with an item's files, `el` list them (to remove one), `eb` back to sending."""
    message = callback.message
    assert isinstance(message, Message)
    view, now = screen(message, t, settings), clock.now()
    p, key = callback_data.period, callback_data.key
    if callback_data.action == "ed":
        done = await press(callback, t, evidence.done(uow, actor, now, p, key))
        if done is not None:
            if done.short:
                await message.answer(t("evidence-still-missing",
                                       needed=done.item.evidence.min_count))
            await wizard.show(view, done.draft)
    elif callback_data.action == "el":
        listed = await press(callback, t, evidence.files(uow, actor, now, p, key))
        if listed is not None:
            await _show_list(message, t, listed)
    else:
        draft = await press(callback, t, flow.ask_evidence(uow, actor, now, p, key))
        if draft is not None:
            await wizard.show(view, draft)


async def on_remove(callback: CallbackQuery, callback_data: EvidenceCb, actor: Actor,
                    t: Translator, clock: Clock, uow: UnitOfWork) -> None:
    """Remove one file: it must be a file of the owner's own declaration."""
    message = callback.message
    assert isinstance(message, Message)
    removed = await press(callback, t, evidence.remove(uow, actor, clock.now(),
                                                       callback_data.period,
                                                       callback_data.evidence))
    if removed is not None:
        await _show_list(message, t, removed, note=t("evidence-removed"))


async def _show_list(message: Message, t: Translator, listed: evidence.Awaiting,
                     note: str | None = None) -> None:
    """A question's files as they are now (after a removal: without it), each removable."""
    assert listed.item is not None
    key, p = listed.item.key, listed.draft.period.id
    files = listed.draft.view.evidence_for(key)
    lines = [note] if note else []
    lines.append(t("evidence-list-title", title=title(listed.item, t.lang)))
    for number, file in enumerate(files, start=1):
        kind = t("evidence-kind-pdf") if file.mime == "application/pdf" else \
            t("evidence-kind-image")
        lines.append(t("evidence-list-line", number=number, kind=kind,
                       kb=max(1, file.size // 1024)))
    if not files:
        lines.append(t("evidence-list-empty"))
    await message.answer("\n".join(lines), reply_markup=evidence_list_keyboard(
        p, key, [f.id for f in files], t))


def setup() -> Router:
    """This feature's handlers on a new router (each call builds a new one)."""
    router = Router(name=__name__)
    router.message.register(take_file, FILE)
    return router
