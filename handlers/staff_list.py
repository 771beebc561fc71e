"""The staff list question: add members by name, toggle their yes/no attributes, rename, remove.

Each change is saved at once, so a half-entered list survives a restart like any other answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers import wizard
from handlers.owner import OwnerContext
from handlers.wizard import Refused, save
from scoring.answers import AnswerError, parse_staff_name, validate_value
from scoring.rubric import Indicator, Rubric
from storage import declarations as decl
from storage.accounts import Actor
from texts.i18n import Translator


def staff_item(context: OwnerContext) -> Indicator:
    item = next((i for i in context.items if i.kind == "staff_list"), None)
    if item is None:
        raise Refused("item-gone")
    return item


def _members(view: decl.DeclarationView, item: Indicator) -> list[dict[str, Any]]:
    return [dict(m) for m in view.answers.get(item.key) or []]


async def _store(session: AsyncSession, actor: Actor, now: datetime,
                 view: decl.DeclarationView, item: Indicator, members: list[dict[str, Any]],
                 current: str | None, rubric: Rubric) -> None:
    await save(session, actor, now, view, item.key, validate_value(item, members), current,
               rubric=rubric)


def _index(args: list[str], members: list[dict[str, Any]]) -> int:
    if not args or not args[0].isdigit() or int(args[0]) >= len(members):
        raise Refused("stale-button")
    return int(args[0])


async def add_member(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                     now: datetime, context: OwnerContext, view: decl.DeclarationView,
                     item: Indicator, name: str) -> None:
    members = _members(view, item)
    member = {"name": name, **{f.key: False for f in item.staff_fields}}
    await _store(session, actor, now, view, item, [*members, member], item.key, context.rubric)
    await wizard.show_staff_member(message, t, context, item, len(members), member)


async def rename_member(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                        now: datetime, context: OwnerContext, view: decl.DeclarationView,
                        current: str, text: str) -> None:
    item = staff_item(context)
    members = _members(view, item)
    index = _index([current[3:]], members)
    try:
        members[index]["name"] = parse_staff_name(text)
    except AnswerError as error:
        await message.answer(t(error.key, **error.args))
        return
    await _store(session, actor, now, view, item, members, item.key, context.rubric)
    await wizard.show_staff_member(message, t, context, item, index, members[index])


async def staff_action(message: Message, session: AsyncSession, actor: Actor, t: Translator,
                       now: datetime, context: OwnerContext, view: decl.DeclarationView,
                       action: str, args: list[str], label: str) -> None:
    item = staff_item(context)
    members = _members(view, item)
    if action == "sm":  # open a member's card
        index = _index(args, members)
        await wizard.show_staff_member(message, t, context, item, index, members[index])
    elif action == "sf":  # toggle an attribute
        index = _index(args, members)
        field = args[1] if len(args) > 1 else ""
        if field not in {f.key for f in item.staff_fields}:
            raise Refused("stale-button")
        members[index][field] = not members[index].get(field)
        await _store(session, actor, now, view, item, members, item.key, context.rubric)
        await wizard.show_staff_member(message, t, context, item, index, members[index],
                                       in_place=True)
    elif action == "sr":  # rename: the next text is the new name
        index = _index(args, members)
        await decl.set_current(session, view.id, f"sr:{index}")
        await session.commit()
        await message.answer(t("staff-rename-ask", name=members[index].get("name", "")))
    elif action == "sx":  # remove
        index = _index(args, members)
        removed = members.pop(index)
        await _store(session, actor, now, view, item, members, item.key, context.rubric)
        await message.answer(t("staff-removed", name=removed.get("name", "")))
        await wizard.ask(message, session, t, context, item)
    elif action == "sv":  # back to the list
        await wizard.ask(message, session, t, context, item)
    elif action == "sd":  # the list is complete
        await _store(session, actor, now, view, item, members, None, context.rubric)
        await wizard.after_answer(message, session, t, context, item)
    else:
        raise Refused("stale-button")
