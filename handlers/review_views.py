"""Sending the reviewer's screens: a declaration with its provisional score, and its files
(by the platform's file id where it came from, else the stored bytes). The words and
keyboards are `texts.review`; the data comes from `services.review`.
"""

from __future__ import annotations

import asyncio

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, Message

from delivery.limits import answer_long
from services.review import Opened
from storage.declarations import EvidenceRecord
from storage.evidence import EvidenceStore
from storage.review import ReviewTarget
from texts.i18n import Translator
from texts.review import action_keyboard, declaration_text, file_caption, file_keyboard


async def send_declaration(message: Message, t: Translator, opened: Opened) -> None:
    # A long rubric with comments and adjustments can outgrow one message: split it.
    await answer_long(message, declaration_text(t, opened.target, opened.breakdown,
                                                opened.negatives),
                      reply_markup=action_keyboard(t, opened.target))


async def send_evidence(message: Message, platform: str, store: EvidenceStore,
                        evidence: EvidenceRecord, caption: str,
                        markup: InlineKeyboardMarkup | None) -> None:
    """Re-send by file id on the platform it came from; upload the stored bytes on the other
    (or when the platform no longer knows the id)."""
    as_photo = evidence.mime != "application/pdf" and evidence.filename is None
    if evidence.platform == platform:
        try:
            if as_photo:
                await message.answer_photo(evidence.file_id, caption=caption,
                                           reply_markup=markup)
            else:
                await message.answer_document(evidence.file_id, caption=caption,
                                              reply_markup=markup)
            return
        except TelegramBadRequest:
            pass  # an id the platform forgot: fall back to the bytes we keep
    data = await asyncio.to_thread(store.get, evidence.sha256)
    extension = {"image/jpeg": "jpg", "image/png": "png"}.get(evidence.mime, "pdf")
    upload = BufferedInputFile(data, filename=evidence.filename or f"evidence.{extension}")
    if evidence.mime != "application/pdf":
        await message.answer_photo(upload, caption=caption, reply_markup=markup)
    else:
        await message.answer_document(upload, caption=caption, reply_markup=markup)


async def send_all_files(message: Message, t: Translator, platform: str, store: EvidenceStore,
                         target: ReviewTarget) -> int:
    files = list(target.view.evidence)
    for number, evidence in enumerate(files, start=1):
        await send_evidence(message, platform, store, evidence,
                            file_caption(t, target, evidence, number, len(files)),
                            file_keyboard(t, evidence))
    return len(files)
