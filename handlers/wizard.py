"""The declaration wizard's engine: which question comes next, asking it, and the review.

The draft in the database is the state: `Declaration.current_item` says what the owner is on
(an indicator key, `ev:<key>` while files are awaited, `sr:<index>` while a staff member is being
renamed), and every answer is a committed row. A restart, another phone or the other platform
resumes exactly here.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime
from typing import Any

from aiogram.exceptions import ClientDecodeError, TelegramAPIError
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.owner import OwnerContext, actor_label, edit_refusal, menu_button, resolve
from scoring.answers import has_substance
from scoring.rubric import Indicator, Rubric
from scoring.score import score
from scoring.status import DeclarationStatus
from storage import declarations as decl
from storage.accounts import Actor
from storage.db import MEMO, STABLE_MEMO
from texts.i18n import Translator
from texts.keyboards import InlineKeyboardBuilder
from texts.views import (
    bounds_text,
    cb,
    evidence_keyboard,
    format_value,
    hint,
    question_keyboard,
    staff_member_keyboard,
    title,
)

S = DeclarationStatus
log = logging.getLogger(__name__)


class Refused(Exception):
    """The owner may not do this now: `key` is the catalog message that says why."""

    def __init__(self, key: str, **args: object) -> None:
        super().__init__(key)
        self.key, self.args_ = key, args


async def save(session: AsyncSession, actor: Actor, now: datetime, view: decl.DeclarationView,
               key: str, value: Any, next_item: str | None, *, rubric: Rubric) -> None:
    """Save one answer (reopening a submitted declaration).

    With `next_item`, the wizard stays there and the answer is committed now. Without, the
    caller moves the wizard on (`after_answer`, `go_on`, `ask`), which records the new position
    and commits both together before it replies.
    """
    reopened = await reopen_if_submitted(session, view, actor, now)
    await decl.save_answer(session, view.id, key, value, actor_label(actor),
                           old=view.raw.get(key, decl.NO_ANSWER))
    saved = view.answered(rubric, key, value, status=S.DRAFT if reopened else view.status)
    if next_item is not None:
        await _record_position(session, saved, next_item)
        saved = replace(saved, current_item=next_item)
    # What was just written is known: the rest of the update reads it without a reload.
    session.info.setdefault(MEMO, {})[("view", view.id)] = saved


async def editable_context(session: AsyncSession, actor: Actor, now: datetime
                           ) -> tuple[OwnerContext, decl.DeclarationView]:
    """The owner's context and draft, or Refused with the reason the owner may not edit now."""
    context = await wizard_context(session, actor, now)
    view = await load_view(session, context)
    assert context.period is not None
    refusal = edit_refusal(context.period, view, now)
    if refusal is not None:
        raise Refused(refusal[0], **refusal[1])
    return context, view


async def wizard_context(session: AsyncSession, actor: Actor, now: datetime) -> OwnerContext:
    if not actor.office_ids:
        raise Refused("not-linked")
    context = await resolve(session, actor, now, create=True)
    if context is None:
        raise Refused("pick-office-first")
    if context.period is None:
        raise Refused("menu-no-period")
    if context.declaration_id is None:
        key, args = edit_refusal(context.period, None, now) or ("menu-no-period", {})
        raise Refused(key, **args)
    return context


async def load_view(session: AsyncSession, context: OwnerContext) -> decl.DeclarationView:
    """The draft as it is now. Kept for the rest of the update (one handler asks for it several
    times); any write through the session drops the memo (see `storage.db`)."""
    assert context.declaration_id is not None and context.rubric is not None
    memo = session.info.setdefault(MEMO, {})
    key = ("view", context.declaration_id)
    if key not in memo:
        memo[key] = await decl.load(session, context.declaration_id, context.rubric)
    return memo[key]


def next_item(context: OwnerContext, view: decl.DeclarationView) -> Indicator | None:
    """The first question not yet answered or skipped, in asking order."""
    for item in context.items:
        if item.key not in view.raw:
            return item
    return None


def previous_item(context: OwnerContext, key: str) -> Indicator | None:
    keys = [i.key for i in context.items]
    index = keys.index(key) if key in keys else 0
    return context.items[index - 1] if index > 0 else None


async def previous_answers(session: AsyncSession, context: OwnerContext
                           ) -> tuple[int, dict[str, Any]] | None:
    assert context.period is not None
    # Nothing an update writes changes an earlier period's confirmed answers.
    memo = session.info.setdefault(STABLE_MEMO, {})
    key = ("previous", context.office.id, context.period.id)
    if key not in memo:
        memo[key] = await decl.previous_confirmed(session, context.office.id, context.period)
    return memo[key]


async def reopen_if_submitted(session: AsyncSession, view: decl.DeclarationView, actor: Actor,
                              now: datetime) -> bool:
    """Editing a submitted declaration takes it back to draft until the owner submits again."""
    if view.status == S.SUBMITTED:
        await decl.move(session, view.id, S.DRAFT, actor=actor_label(actor), by="owner",
                        now=now, reason="edited by the owner")
        return True
    return False


async def ask(message: Message, session: AsyncSession, t: Translator, context: OwnerContext,
              item: Indicator, note: str | None = None) -> None:
    """Send one question with its keyboard, after recording that the owner is on it. `note`
    (e.g. «saved») goes on top of the same message: one message, not two, on a slow line."""
    text, markup = await question(session, t, context, item, record=True)
    await message.answer(_with_note(note, text), reply_markup=markup)


async def _record_position(session: AsyncSession, view: decl.DeclarationView,
                           current: str | None) -> None:
    """Record where the owner is, with whatever the update saved before, and commit."""
    if view.current_item != current:
        await decl.set_current(session, view.id, current)
    await session.commit()


def _with_note(note: str | None, text: str) -> str:
    return f"{note}\n\n{text}" if note else text


async def refresh_keyboard(message: Message, session: AsyncSession, t: Translator,
                           context: OwnerContext, item: Indicator) -> None:
    """Redraw the question's buttons in place (a toggle), instead of sending it again."""
    text, markup = await question(session, t, context, item, record=False)
    await redraw(message, text, markup)


async def redraw(message: Message, text: str, markup: Any) -> None:
    """Replace a message's buttons in place; when the platform refuses (a message too old, or
    Bale answering an edit with a stub aiogram cannot parse), send it afresh instead."""
    try:
        await message.edit_reply_markup(reply_markup=markup)
    except (TelegramAPIError, ClientDecodeError) as exc:
        log.info("edit refused (%s); sending the message again", exc)
        await message.answer(text, reply_markup=markup)


async def question(session: AsyncSession, t: Translator, context: OwnerContext,
                   item: Indicator, *, record: bool) -> tuple[str, Any]:
    assert context.period is not None and context.declaration_id is not None
    view = await load_view(session, context)
    previous = await previous_answers(session, context)
    if record:
        # After the last read, before the rendering: the commit keeps what this update saved
        # whatever happens next, and ends its only transaction (the reply opens none).
        await _record_position(session, view, item.key)
    previous_raw = previous[1] if previous else {}
    items = context.items
    number = [i.key for i in items].index(item.key) + 1
    lines = [t("question-title", number=number, total=len(items), title=title(item, t.lang))]
    if hint(item, t.lang):
        lines.append(hint(item, t.lang))
    bounds = bounds_text(item, t)
    if bounds:
        lines.append(bounds)
    value = view.answers.get(item.key)
    if item.key in view.raw:
        lines.append(t("question-current", value=format_value(item, value, t)))
    elif item.key in previous_raw and previous_raw[item.key] is not None:
        try:
            shown = format_value(item, decl.answers_from_json(context.rubric, previous_raw,
                                                              [item.key]).get(item.key), t)
        except Exception:  # an answer the new rubric no longer accepts: show nothing
            shown = None
        if shown:
            lines.append(t("question-previous", value=shown))
    if item.kind in ("integer", "number"):
        lines.append(t("question-type-number"))
    elif item.kind == "staff_list":
        lines.append(t("question-staff-how"))
    section_items = [i for i in items if i.section == item.section]
    section_first = section_items[0].key == item.key and any(
        i.key in previous_raw for i in section_items)
    can_keep_all = bool(previous_raw) and number == 1
    markup = question_keyboard(
        item, context.period.id, t, value=value,
        previous=previous_raw.get(item.key) if item.key in previous_raw else None,
        first=number == 1, section_first=section_first, can_keep_all=can_keep_all)
    return "\n".join(lines), markup


async def ask_evidence(message: Message, session: AsyncSession, t: Translator,
                       context: OwnerContext, item: Indicator, note: str | None = None) -> None:
    assert context.period is not None
    view = await load_view(session, context)
    await _record_position(session, view, f"ev:{item.key}")
    count = len(view.evidence_for(item.key))
    prompt = item.evidence.prompt_fa if t.lang == "fa" else item.evidence.prompt_en
    await message.answer(_with_note(note, t(
        "evidence-ask", prompt=prompt, count=count, needed=item.evidence.min_count,
        max_mb=_max_mb(session), accepts=t(f"evidence-accepts-{item.evidence.kind}"))),
        reply_markup=evidence_keyboard(context.period.id, item.key, count, t))


def _max_mb(session: AsyncSession) -> int:
    # The Context middleware puts the settings in the session's info, so every helper has them.
    settings = session.info.get("settings")
    return int(settings.evidence_max_mb) if settings is not None else 10


async def after_answer(message: Message, session: AsyncSession, t: Translator,
                       context: OwnerContext, item: Indicator, note: str | None = None) -> None:
    """What follows an answer: its evidence if it needs some, else the next question."""
    view = await load_view(session, context)
    value = view.answers.get(item.key)
    if item.needs_evidence and has_substance(value):
        await ask_evidence(message, session, t, context, item, note)
        return
    await go_on(message, session, t, context, note)


async def go_on(message: Message, session: AsyncSession, t: Translator,
                context: OwnerContext, note: str | None = None) -> None:
    view = await load_view(session, context)
    item = next_item(context, view)
    if item is None:
        await _record_position(session, view, None)
        await show_review(message, session, t, context, note)
        return
    await ask(message, session, t, context, item, note)


async def resume(message: Message, session: AsyncSession, t: Translator,
                 context: OwnerContext) -> None:
    """Continue exactly where the owner was: the question, the files, or the review."""
    view = await load_view(session, context)
    current = view.current_item or ""
    keys = {i.key: i for i in context.items}
    if current.startswith("ev:") and current[3:] in keys:
        await ask_evidence(message, session, t, context, keys[current[3:]])
    elif current.startswith("sr:"):
        staff = next((i for i in context.items if i.kind == "staff_list"), None)
        if staff is not None:
            await ask(message, session, t, context, staff)
    elif current in keys:
        await ask(message, session, t, context, keys[current])
    elif view.status in (S.DRAFT, S.RETURNED) and next_item(context, view) is not None:
        if not view.raw and await previous_answers(session, context):
            await message.answer(t("prefill-offer"))
        await go_on(message, session, t, context)
    else:
        await show_review(message, session, t, context)


async def show_staff_member(message: Message, t: Translator, context: OwnerContext,
                            item: Indicator, index: int, member: dict[str, Any],
                            *, in_place: bool = False) -> None:
    assert context.period is not None
    text = t("staff-member", name=member.get("name", ""), number=index + 1)
    markup = staff_member_keyboard(item, context.period.id, index, member, t)
    if in_place:
        await redraw(message, text, markup)
        return
    await message.answer(text, reply_markup=markup)


async def show_review(message: Message, session: AsyncSession, t: Translator,
                      context: OwnerContext, note: str | None = None) -> None:
    """All answers with evidence counts, missing items marked, the provisional score."""
    assert context.period is not None and context.rubric is not None
    view = await load_view(session, context)
    missing = {m.key: m for m in decl.missing(context.rubric, context.office.office_type, view)}
    counts = view.evidence_counts()
    lines = [t("review-title", status=t(f"status-{view.status}"))]
    kb = InlineKeyboardBuilder()
    for number, item in enumerate(context.items, start=1):
        if item.key in view.raw:
            value = format_value(item, view.answers.get(item.key), t)
        else:
            value = t("value-unanswered")
        line = t("review-line", number=number, title=title(item, t.lang), value=value)
        if item.needs_evidence and (counts.get(item.key) or has_substance(
                view.answers.get(item.key))):
            line += " " + t("review-files", count=counts.get(item.key, 0))
        if item.key in missing:
            line += " " + t("review-missing")
        if item.key in view.comments:
            line += "\n    " + t("review-comment", comment=view.comments[item.key])
        lines.append(line)
        kb.button(text=t("button-edit-item", number=number),
                  callback_data=cb(context.period.id, "e", item.key))
    breakdown = score(context.rubric, context.office.office_type, view.answers,
                      evidence_counts=counts)
    lines.append(t("review-provisional", total=breakdown.total, max=breakdown.max_total,
                   rank=breakdown.rank))
    if missing:
        lines.append(t("review-incomplete", count=len(missing)))
    kb.adjust(4)
    actions = InlineKeyboardBuilder()
    if not missing and view.status in (S.DRAFT, S.RETURNED):
        actions.button(text=t("button-submit"), callback_data=cb(context.period.id, "sub"))
    elif missing:
        actions.button(text=t("button-continue"), callback_data=cb(context.period.id, "go"))
    actions.button(text=t("button-menu"), callback_data="menu:main")
    actions.adjust(1)
    kb.attach(actions)
    await message.answer(_with_note(note, "\n".join(lines)), reply_markup=kb.as_markup())


__all__ = ["ask", "after_answer", "go_on", "menu_button", "resume", "show_review"]
