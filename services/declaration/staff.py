"""The staff list question's buttons: mark a member's yes/no fields, rename, remove, done.

Each change is saved at once, so a half-entered list survives a restart like any other answer.
Adding a member and the new name itself come as texts (`answers.answer_text`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from services.declaration.answers import Answered, members_of, store_members
from services.declaration.draft import Draft, load, place
from services.errors import NotFound
from services.position import Position
from services.uow import UnitOfWork
from storage.accounts import Actor


@dataclass(frozen=True, slots=True)
class Member:
    draft: Draft
    index: int
    member: dict[str, Any]


def _member(draft: Draft, index: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    members = members_of(draft, draft.staff_item())
    if not 0 <= index < len(members):
        raise NotFound("stale-button")
    return members, members[index]


async def member(uow: UnitOfWork, actor: Actor, now: datetime, period_id: int, index: int
                 ) -> Member:
    """A staff member's card."""
    async with uow:
        draft = await load(uow, actor, now, period_id=period_id, edit=True)
        _, found = _member(draft, index)
        await uow.commit()
    return Member(draft, index, found)


async def toggle_field(uow: UnitOfWork, actor: Actor, now: datetime, period_id: int,
                       index: int, field: str) -> Member:
    async with uow:
        draft = await load(uow, actor, now, period_id=period_id, edit=True)
        item = draft.staff_item()
        members, found = _member(draft, index)
        if field not in {f.key for f in item.staff_fields}:
            raise NotFound("stale-button")
        found[field] = not found.get(field)
        draft = await store_members(uow, draft, actor, now, item, members, stay=True)
        await uow.commit()
    return Member(draft, index, found)


async def ask_rename(uow: UnitOfWork, actor: Actor, now: datetime, period_id: int, index: int
                     ) -> Member:
    """The next text the owner sends is this member's new name."""
    async with uow:
        draft = await load(uow, actor, now, period_id=period_id, edit=True)
        _, found = _member(draft, index)
        draft = await place(uow, draft, Position.staff(index))
        await uow.commit()
    return Member(draft, index, found)


async def remove(uow: UnitOfWork, actor: Actor, now: datetime, period_id: int, index: int
                 ) -> Member:
    """Remove a member; the owner is back at the list (`member`: the one removed)."""
    async with uow:
        draft = await load(uow, actor, now, period_id=period_id, edit=True)
        item = draft.staff_item()
        members, found = _member(draft, index)
        members.pop(index)
        draft = await store_members(uow, draft, actor, now, item, members, stay=True)
        await uow.commit()
    return Member(draft, index, found)


async def back_to_list(uow: UnitOfWork, actor: Actor, now: datetime, period_id: int) -> Draft:
    async with uow:
        draft = await load(uow, actor, now, period_id=period_id, edit=True)
        draft = await place(uow, draft, Position.question(draft.staff_item().key))
        await uow.commit()
    return draft


async def done(uow: UnitOfWork, actor: Actor, now: datetime, period_id: int) -> Answered:
    """The list is complete: on to its files, the next question or the review."""
    async with uow:
        draft = await load(uow, actor, now, period_id=period_id, edit=True)
        item = draft.staff_item()
        draft = await store_members(uow, draft, actor, now, item, members_of(draft, item),
                                    stay=False)
        await uow.commit()
    return Answered(draft, item)
