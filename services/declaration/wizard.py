"""Moving through the wizard: start or resume, the review, go on, back, edit, skip, «no
change». Each use case is one unit of work that records where the owner is now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.declaration.draft import (
    Draft,
    label,
    load,
    place,
    reload,
    reopen_if_submitted,
    save,
)
from services.errors import Forbidden, Invalid
from services.position import Position
from services.uow import UnitOfWork
from storage import declarations as decl
from storage import linking
from storage.accounts import Actor

S = decl.S


@dataclass(frozen=True, slots=True)
class Resumed:
    """The draft where the owner was; `offer_prefill`: nothing answered yet and an earlier
    confirmed declaration to copy from."""

    draft: Draft
    at: Position | None  # what to show: a question, its files, or (None) the review
    offer_prefill: bool = False


@dataclass(frozen=True, slots=True)
class Kept:
    draft: Draft
    count: int


_REVIEW = "review"


def _resume_position(draft: Draft) -> tuple[Position | None | str, bool]:
    """Where to continue: where the owner was if it still exists (a staff member being renamed:
    the staff question), else the next question (with the offer to copy the last period's
    answers before the first one), else the review (`_REVIEW`: where the owner was is left).
    """
    position = draft.position
    keys = {i.key for i in draft.items}
    if position is not None:
        if position.is_evidence and position.key in keys:
            return position, False
        if position.is_staff:
            staff = next((i for i in draft.items if i.kind == "staff_list"), None)
            if staff is not None:
                return Position.question(staff.key), False
        if position.is_question and position.key in keys:
            return position, False
    if draft.view.status in (S.DRAFT, S.RETURNED) and draft.next_item() is not None:
        offer = not draft.view.raw and bool(draft.previous)
        return draft.following(), offer
    return _REVIEW, False


async def resume(uow: UnitOfWork, actor: Actor, now: datetime, *, office_id: int | None = None,
                 edit: bool = False) -> Resumed:
    """Continue where the owner left off (the menu's button, a reminder's button that names
    one of the account's own offices, anything the wizard did not expect)."""
    async with uow:
        if office_id is not None:
            if not await linking.choose_office(uow.session, actor.account_id, office_id):
                raise Forbidden("not-your-office")
        draft = await load(uow, actor, now, edit=edit, office_id=office_id)
        position, offer = _resume_position(draft)
        if not isinstance(position, str):
            draft = await place(uow, draft, position)
        await uow.commit()
    return Resumed(draft, None if isinstance(position, str) else position, offer)


async def overview(uow: UnitOfWork, actor: Actor, now: datetime, *,
                   period_id: int | None = None, office_id: int | None = None) -> Draft:
    """All answers, evidence and what is missing, for the review (a draft is opened when the
    window is open and there is none yet)."""
    async with uow:
        if office_id is not None:
            if not await linking.choose_office(uow.session, actor.account_id, office_id):
                raise Forbidden("not-your-office")
        draft = await load(uow, actor, now, period_id=period_id, office_id=office_id)
        await uow.commit()
    return draft


async def go_on(uow: UnitOfWork, actor: Actor, now: datetime, period_id: int) -> Draft:
    """The next question not yet answered, else the review."""
    async with uow:
        draft = await load(uow, actor, now, period_id=period_id)
        draft = await place(uow, draft, draft.following())
        await uow.commit()
    return draft


async def current(uow: UnitOfWork, actor: Actor, now: datetime, period_id: int | None = None
                  ) -> Draft:
    """The draft the owner may change now, as it is (a list of files, a staff member's card);
    `NotEditable` when they may not."""
    async with uow:
        draft = await load(uow, actor, now, period_id=period_id, edit=True)
        await uow.commit()
    return draft


async def ask(uow: UnitOfWork, actor: Actor, now: datetime, period_id: int, key: str, *,
              back: bool = False) -> Draft:
    """Go to a question (an edit from the review; with `back`, the one before it)."""
    async with uow:
        draft = await load(uow, actor, now, period_id=period_id, edit=True)
        item = draft.item(key)
        if back:
            item = draft.previous_item(key) or item
        draft = await place(uow, draft, Position.question(item.key))
        await uow.commit()
    return draft


async def next_from(uow: UnitOfWork, actor: Actor, now: datetime, period_id: int, key: str
                    ) -> Draft:
    """«Keep this answer, next»: the answer stays as it is (nothing is saved, a submitted
    declaration stays submitted); on to its files, else the next question, else the review."""
    async with uow:
        draft = await load(uow, actor, now, period_id=period_id, edit=True)
        item = draft.item(key)
        position = draft.after(item)
        if position is not None and position.is_question and position.key == item.key:
            position = None
        if position is None or not position.is_evidence:
            keys = [i.key for i in draft.items]
            later = keys[keys.index(item.key) + 1:]
            nxt = next((k for k in later if k not in draft.view.raw), None) or \
                (later[0] if later else None)
            position = Position.question(nxt) if nxt else None
        draft = await place(uow, draft, position)
        await uow.commit()
    return draft


async def ask_evidence(uow: UnitOfWork, actor: Actor, now: datetime, period_id: int,
                       key: str) -> Draft:
    """Back to sending the files of a question."""
    async with uow:
        draft = await load(uow, actor, now, period_id=period_id, edit=True)
        draft = await place(uow, draft, Position.evidence(draft.item(key).key))
        await uow.commit()
    return draft


async def skip(uow: UnitOfWork, actor: Actor, now: datetime, period_id: int, key: str) -> Draft:
    """Skip an optional question (`Invalid("cannot-skip")` for a required one)."""
    async with uow:
        draft = await load(uow, actor, now, period_id=period_id, edit=True)
        item = draft.item(key)
        if item.required:
            raise Invalid("cannot-skip")
        draft = await save(uow, draft, actor, now, item.key, None)
        draft = await place(uow, draft, draft.following())
        await uow.commit()
    return draft


async def keep(uow: UnitOfWork, actor: Actor, now: datetime, period_id: int, *,
               key: str | None = None, section: str | None = None) -> Kept:
    """«No change»: copy the last confirmed answers (and their files) of one question, of one
    section, or (neither given) of everything; then the next question."""
    async with uow:
        draft = await load(uow, actor, now, period_id=period_id, edit=True)
        if key is not None:
            keys = [draft.item(key).key]
        elif section is not None:
            keys = [i.key for i in draft.items if i.section == section]
        else:
            keys = [i.key for i in draft.items]
        source = await decl.previous_confirmed(uow.session, draft.office.id, draft.period)
        if source is None:
            raise Invalid("nothing-to-keep")
        draft = await reopen_if_submitted(uow, draft, actor, now)
        count = await decl.copy_answers(uow.session, draft.view.id, source[0], keys, source[1],
                                        label(actor))
        draft = await reload(uow, draft)
        draft = await place(uow, draft, draft.following())
        await uow.commit()
    return Kept(draft, count)
