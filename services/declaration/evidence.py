"""Evidence of an answer: which question awaits files, a file attached, the files listed,
one removed, done with a question's files.

The handler downloads and checks the bytes and puts them in the evidence store before it
calls `attach` (no network call inside a transaction); `attach` records the row and the
owner's position in one. The same bytes sent twice for one question are kept once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from scoring.calendar import utcnow
from scoring.rubric import Indicator
from services.declaration.draft import Draft, label, load, place, reload, reopen_if_submitted
from services.errors import Conflict, Invalid
from services.uow import UnitOfWork
from storage import album_notices
from storage import declarations as decl
from storage.accounts import Actor
from storage.faults import fault_point


@dataclass(frozen=True, slots=True)
class Awaiting:
    """The question whose files the wizard awaits (None: it awaits none), and the draft."""

    draft: Draft
    item: Indicator | None


@dataclass(frozen=True, slots=True)
class Attached:
    draft: Draft
    item: Indicator
    count: int  # the question's files now, this one included
    added: bool  # False: these bytes were there already


@dataclass(frozen=True, slots=True)
class FileMeta:
    """A checked file already in the evidence store, and how the platform names it."""

    sha256: str
    size: int
    mime: str
    filename: str | None
    file_id: str


@dataclass(frozen=True, slots=True)
class AlbumPart:
    """A file that is one part of an album: acknowledged with the others by one outbox notice
    (`storage.album_notices`) once no part has come for `quiet` seconds."""

    group: str  # platform, chat and media_group_id
    name: str | None  # the file's name (None: a photo)
    quiet: float = 1.5


@dataclass(frozen=True, slots=True)
class _Owner:
    """The actor as a recipient of the outbox."""

    id: int
    platform: str
    platform_user_id: int
    locale: str


@dataclass(frozen=True, slots=True)
class FilesDone:
    draft: Draft
    item: Indicator
    short: bool  # fewer files than the question asks for


def _awaited(draft: Draft) -> Indicator | None:
    position = draft.position
    if position is None or not position.is_evidence:
        return None
    return next((i for i in draft.items if i.key == position.key), None)


async def awaiting(uow: UnitOfWork, actor: Actor, now: datetime) -> Awaiting:
    """Which question a file would belong to now (the owner may change the draft). Only reads:
    the update's change is `attach`, whose commit also marks the update done in the inbox (a
    draft `load` would open here is opened again there)."""
    async with uow:
        draft = await load(uow, actor, now, edit=True)
    return Awaiting(draft, _awaited(draft))


async def attach(uow: UnitOfWork, actor: Actor, now: datetime, key: str, file: FileMeta,
                 album: AlbumPart | None = None) -> Attached:
    """Record a file for the question `key` (the one `awaiting` named before the download),
    reopening a submitted declaration. The count is read after the commit: the files of an
    album arrive as separate updates handled side by side. A part of an `album` is noted in
    the album's acknowledgement in the same transaction, so a process killed before the album
    is acknowledged loses neither the file nor the acknowledgement."""
    async with uow:
        draft = await load(uow, actor, now, edit=True)
        item = draft.item(key)
        if not item.needs_evidence:
            raise Invalid("evidence-not-expected")
        await decl.lock(uow.session, draft.view.id)  # the files of an album arrive at once
        known = await decl.has_evidence(uow.session, draft.view.id, key, file.sha256)
        if not known:
            await decl.add_evidence(
                uow.session, draft.view.id, key, sha256=file.sha256, size=file.size,
                mime=file.mime, filename=file.filename, platform=actor.platform,
                file_id=file.file_id, actor=label(actor))
            draft = await reopen_if_submitted(uow, draft, actor, now)
            if album is not None:
                await _note_album_part(uow, draft, actor, item, album)
        await uow.commit()
    fault_point("evidence.committed")
    async with uow:
        draft = await reload(uow, draft)
    return Attached(draft, item, len(draft.view.evidence_for(key)), not known)


async def _note_album_part(uow: UnitOfWork, draft: Draft, actor: Actor, item: Indicator,
                           album: AlbumPart) -> None:
    count = len((await reload(uow, draft)).view.evidence_for(item.key))  # under the row's lock
    # The outbox sender's clock: the quiet moment is real time, whatever the business clock.
    await album_notices.note_part(
        uow.session, _Owner(actor.account_id, actor.platform, actor.user_id, actor.locale),
        album.group, album.name, count, utcnow() + timedelta(seconds=album.quiet),
        title=[item.title_fa, item.title_en], period_id=draft.period.id, key=item.key)


async def files(uow: UnitOfWork, actor: Actor, now: datetime, period_id: int, key: str
                ) -> Awaiting:
    """The files of one question, to list (and remove)."""
    async with uow:
        draft = await load(uow, actor, now, period_id=period_id, edit=True)
        item = draft.item(key)
        await uow.commit()
    return Awaiting(draft, item)


async def remove(uow: UnitOfWork, actor: Actor, now: datetime, period_id: int,
                 evidence_id: int) -> Awaiting:
    """Remove one file; it must be a file of the owner's own declaration (else
    `Conflict("stale-button")`: removed already, or never theirs). The draft as it is after
    (the list without the file), with the file's question."""
    async with uow:
        draft = await load(uow, actor, now, period_id=period_id, edit=True)
        key = next((e.item_key for e in draft.view.evidence if e.id == evidence_id), None)
        if key is None or not await decl.remove_evidence(uow.session, draft.view.id,
                                                         evidence_id, now, label(actor)):
            raise Conflict("stale-button")
        draft = await reopen_if_submitted(uow, draft, actor, now)
        draft = await reload(uow, draft)
        await uow.commit()
    return Awaiting(draft, draft.item(key))


async def done(uow: UnitOfWork, actor: Actor, now: datetime, period_id: int, key: str
               ) -> FilesDone:
    """Done with a question's files: on to the next question (or the review), with a note
    when fewer files came than it asks for."""
    async with uow:
        draft = await load(uow, actor, now, period_id=period_id, edit=True)
        item = draft.item(key)
        short = len(draft.view.evidence_for(key)) < item.evidence.min_count
        draft = await place(uow, draft, draft.following())
        await uow.commit()
    return FilesDone(draft, item, short)


__all__ = ["Attached", "Awaiting", "FileMeta", "FilesDone", "attach", "awaiting", "done", "files",
           "remove"]
