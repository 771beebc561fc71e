"""Evidence files: photos and PDFs for the item the owner is on, listed and removable.

A file is downloaded as soon as it arrives, checked by its bytes and size, stored by SHA-256, and
committed before the bot replies; a wrong type, an oversized or a corrupt file is refused with a
message and nothing is stored.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import wizard
from handlers.owner import OwnerContext, actor_label, menu_button
from handlers.wizard import Refused, editable_context
from services.clock import Clock
from settings import Settings
from storage import declarations as decl
from storage.accounts import Actor
from storage.evidence import EvidenceRejected, EvidenceStore, check
from texts.i18n import Translator
from texts.keyboards import InlineKeyboardBuilder
from texts.views import cb, evidence_keyboard, title

router = Router(name=__name__)

KIND_MIMES = {"photo": {"image/jpeg", "image/png"}, "document": {"application/pdf"},
              "either": {"image/jpeg", "image/png", "application/pdf"}}


@router.message(F.photo | F.document)
async def take_file(message: Message, bot: Bot, session: AsyncSession, actor: Actor,
                    t: Translator, clock: Clock, settings: Settings,
                    evidence_store: EvidenceStore) -> None:
    now = clock.now()
    if not actor.office_ids:
        await message.answer(t("not-linked"))
        return
    try:
        context, view = await editable_context(session, actor, now)
    except Refused as refused:
        await message.answer(t(refused.key, **refused.args_), reply_markup=menu_button(t))
        return
    current = view.current_item or ""
    items = {i.key: i for i in context.items}
    if not current.startswith("ev:") or current[3:] not in items:
        await message.answer(t("evidence-not-expected"))
        await wizard.resume(message, session, t, context)
        return
    item = items[current[3:]]
    max_bytes = int(settings.evidence_max_mb * 1024 * 1024)
    if message.photo:
        file = message.photo[-1]
        file_id, size, filename = file.file_id, file.file_size, None
    else:
        assert message.document is not None
        file_id, size = message.document.file_id, message.document.file_size
        filename = message.document.file_name
    try:
        if size is not None and size > max_bytes:
            raise EvidenceRejected("evidence-too-large", max_mb=settings.evidence_max_mb)
        buffer = await bot.download(file_id)
        assert buffer is not None
        checked = check(buffer.read(max_bytes + 1), max_bytes)
        if checked.mime not in KIND_MIMES.get(item.evidence.kind, set()):
            raise EvidenceRejected(f"evidence-want-{item.evidence.kind}")
    except EvidenceRejected as rejected:
        await message.answer(t(rejected.key, **rejected.message_args))
        return
    await asyncio.to_thread(evidence_store.put, checked)
    await decl.add_evidence(session, view.id, item.key, sha256=checked.sha256,
                            size=len(checked.data), mime=checked.mime, filename=filename,
                            platform=actor.platform, file_id=file_id, actor=actor_label(actor))
    await wizard.reopen_if_submitted(session, view, actor, now)
    await session.commit()
    # Counted afresh: the files of an album arrive as separate updates handled side by side.
    count = await decl.evidence_count(session, view.id, item.key)
    assert context.period is not None
    await message.answer(t("evidence-received", count=count, title=title(item, t.lang)),
                         reply_markup=evidence_keyboard(context.period.id, item.key, count, t))


async def evidence_action(message: Message, session: AsyncSession, actor: Actor,
                          t: Translator, now: datetime, context: OwnerContext,
                          view: decl.DeclarationView, action: str, args: list[str]) -> None:
    assert context.period is not None
    items = {i.key: i for i in context.items}
    if action == "ed":  # done with this item's files
        key = args[0] if args else ""
        if key not in items:
            raise Refused("item-gone")
        item = items[key]
        if len(view.evidence_for(key)) < item.evidence.min_count:
            await message.answer(t("evidence-still-missing", needed=item.evidence.min_count))
        await wizard.go_on(message, session, t, context)  # which records the next step
    elif action == "el":  # list the files of an item
        key = args[0] if args else ""
        if key not in items:
            raise Refused("item-gone")
        files = view.evidence_for(key)
        kb = InlineKeyboardBuilder()
        lines = [t("evidence-list-title", title=title(items[key], t.lang))]
        for number, file in enumerate(files, start=1):
            kind = t("evidence-kind-pdf") if file.mime == "application/pdf" else \
                t("evidence-kind-image")
            lines.append(t("evidence-list-line", number=number, kind=kind,
                           kb=max(1, file.size // 1024)))
            kb.button(text=t("button-evidence-remove", number=number),
                      callback_data=cb(context.period.id, "er", file.id))
        kb.button(text=t("button-evidence-back"), callback_data=cb(context.period.id, "eb", key))
        kb.adjust(*([2] * (len(files) // 2 + 1)))
        await message.answer("\n".join(lines), reply_markup=kb.as_markup())
    elif action == "er":  # remove one file: it must be a file of this very declaration
        evidence_id = int(args[0]) if args and args[0].isdigit() else -1
        if not await decl.remove_evidence(session, view.id, evidence_id, now,
                                          actor_label(actor)):
            raise Refused("stale-button")
        await wizard.reopen_if_submitted(session, view, actor, now)
        await session.commit()
        await message.answer(t("evidence-removed"))
    elif action == "eb":  # back to sending files for the item
        key = args[0] if args else ""
        if key not in items:
            raise Refused("item-gone")
        await wizard.ask_evidence(message, session, t, context, items[key])
    else:
        raise Refused("stale-button")
