"""Answering a question: a typed text, a choice, yes/no, the options of a multi-choice, and
the staff list (add, rename, mark, remove). Every value is validated by the rubric
(`scoring.answers`); a refused one is `BadAnswer` with the reason's catalog key."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from scoring.answers import AnswerError, parse_answer, parse_staff_name, validate_value
from scoring.rubric import Indicator
from services.declaration.draft import Draft, load, place, save
from services.errors import Invalid, NotFound
from services.position import Position
from services.uow import UnitOfWork
from storage.accounts import Actor


class BadAnswer(Invalid):
    """The rubric refuses the value; `code` and `params` say why (`locales/*/scoring.ftl`)."""

    @classmethod
    def of(cls, error: AnswerError) -> BadAnswer:
        return cls(error.key, **error.args)


@dataclass(frozen=True, slots=True)
class Answered:
    """The draft after the answer, positioned where the wizard goes next. `what`: an answer
    (`answer`), a staff member added or renamed (`member`, then `index` names them), a wrong
    value (`refused`: `error` says why, and with `reask` the question is asked again)."""

    draft: Draft
    item: Indicator
    what: Literal["answer", "member", "refused"] = "answer"
    index: int = -1
    error: BadAnswer | None = None
    reask: bool = False
    member: dict[str, Any] = field(default_factory=dict)


def _check(item: Indicator, value: Any) -> Any:
    try:
        return validate_value(item, value)
    except AnswerError as error:
        raise BadAnswer.of(error) from error


async def _answer(uow: UnitOfWork, draft: Draft, actor: Actor, now: datetime, item: Indicator,
                  value: Any, *, stay: bool = False) -> Draft:
    draft = await save(uow, draft, actor, now, item.key, value)
    return await place(uow, draft, Position.question(item.key) if stay else draft.after(item))


async def choose(uow: UnitOfWork, actor: Actor, now: datetime, period_id: int, key: str,
                 option: str) -> Answered:
    """One option of a choice question (`option`: its key, or its place among the options)."""
    async with uow:
        draft = await load(uow, actor, now, period_id=period_id, edit=True)
        item = draft.item(key)
        value = _check(item, _option_key(item, option))
        draft = await _answer(uow, draft, actor, now, item, value)
        await uow.commit()
    return Answered(draft, item)


def _option_key(item: Indicator, option: str) -> str:
    """A button names an option by its place (compact: see texts.wizard_callbacks); one sent
    before that by its key. A key never is all digits (a key starts with a letter)."""
    if option.isdigit():
        index = int(option)
        if index >= len(item.options):
            raise NotFound("stale-button")
        return item.options[index].key
    return option


async def yes_no(uow: UnitOfWork, actor: Actor, now: datetime, period_id: int, key: str,
                 yes: bool) -> Answered:
    async with uow:
        draft = await load(uow, actor, now, period_id=period_id, edit=True)
        item = draft.item(key)
        draft = await _answer(uow, draft, actor, now, item, yes)
        await uow.commit()
    return Answered(draft, item)


async def toggle(uow: UnitOfWork, actor: Actor, now: datetime, period_id: int, key: str,
                 option: str) -> Answered:
    """Tick or untick one option of a multi-choice question, saved at once; the owner stays."""
    async with uow:
        draft = await load(uow, actor, now, period_id=period_id, edit=True)
        item = draft.item(key)
        option = _option_key(item, option)
        _check(item, [option])  # an option this item really has
        chosen = list(draft.view.answers.get(item.key) or [])
        chosen = [k for k in chosen if k != option] if option in chosen else [*chosen, option]
        draft = await _answer(uow, draft, actor, now, item, _check(item, chosen), stay=True)
        await uow.commit()
    return Answered(draft, item)


async def toggle_done(uow: UnitOfWork, actor: Actor, now: datetime, period_id: int,
                      key: str) -> Answered:
    """The options of a multi-choice question are chosen: on to what follows."""
    async with uow:
        draft = await load(uow, actor, now, period_id=period_id, edit=True)
        item = draft.item(key)
        value = _check(item, list(draft.view.answers.get(item.key) or []))
        draft = await _answer(uow, draft, actor, now, item, value)
        await uow.commit()
    return Answered(draft, item)


class NoQuestion(Invalid):
    """A text came while the wizard expects none: files (`evidence-expects-file`), or
    nothing at all (`no-question-now`)."""


async def answer_text(uow: UnitOfWork, actor: Actor, now: datetime, text: str) -> Answered:
    """A typed answer to where the owner is: the question's value, a new staff member's name,
    or the new name of the staff member being renamed."""
    async with uow:
        draft = await load(uow, actor, now, edit=True)
        position = draft.position
        if position is not None and position.is_evidence:
            raise NoQuestion("evidence-expects-file")
        if position is not None and position.is_staff:
            result = await _rename(uow, draft, actor, now, position.index, text)
        else:
            key = position.key if position is not None else ""
            item = next((i for i in draft.items if i.key == key), None)
            if item is None:
                raise NoQuestion("no-question-now")
            result = await _typed(uow, draft, actor, now, item, text)
        await uow.commit()
    return result


async def _typed(uow: UnitOfWork, draft: Draft, actor: Actor, now: datetime, item: Indicator,
                 text: str) -> Answered:
    try:
        if item.kind == "staff_list":
            name = parse_staff_name(text)
        else:
            value = parse_answer(item, text)
    except AnswerError as error:
        return Answered(draft, item, "refused", error=BadAnswer.of(error), reask=True)
    if item.kind == "staff_list":
        members = members_of(draft, item)
        member = {"name": name, **{f.key: False for f in item.staff_fields}}
        draft = await store_members(uow, draft, actor, now, item, [*members, member],
                                    stay=True)
        return Answered(draft, item, "member", index=len(members), member=member)
    draft = await _answer(uow, draft, actor, now, item, value)
    return Answered(draft, item)


async def _rename(uow: UnitOfWork, draft: Draft, actor: Actor, now: datetime, index: int,
                  text: str) -> Answered:
    item = draft.staff_item()
    members = members_of(draft, item)
    if index >= len(members):
        raise NotFound("stale-button")
    try:
        members[index]["name"] = parse_staff_name(text)
    except AnswerError as error:
        return Answered(draft, item, "refused", error=BadAnswer.of(error))
    draft = await store_members(uow, draft, actor, now, item, members, stay=True)
    return Answered(draft, item, "member", index=index, member=members[index])


def members_of(draft: Draft, item: Indicator) -> list[dict[str, Any]]:
    return [dict(m) for m in draft.view.answers.get(item.key) or []]


async def store_members(uow: UnitOfWork, draft: Draft, actor: Actor, now: datetime,
                        item: Indicator, members: list[dict[str, Any]], *, stay: bool
                        ) -> Draft:
    return await _answer(uow, draft, actor, now, item, _check(item, members), stay=stay)
