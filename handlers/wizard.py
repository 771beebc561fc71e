"""The declaration wizard on screen: a question with its buttons, the files a question awaits,
a staff member's card, the review.

The draft in the database is the state: the services record where the owner is
(`services.position.Position`) and return the draft after each change; these functions only
render it. A restart, another phone or the other platform resumes exactly where the owner was.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from aiogram.exceptions import ClientDecodeError, TelegramAPIError, TelegramBadRequest
from aiogram.types import Message

from delivery.limits import answer_long
from scoring.answers import answers_from_json, has_substance
from scoring.calendar import format_jalali_date
from scoring.rubric import Indicator
from scoring.score import score
from scoring.status import DeclarationStatus
from services.declaration import Draft, Resumed
from services.position import Position
from settings import Settings
from texts.i18n import Translator
from texts.views import bounds_text, format_value, hint, status_key, title
from texts.wizard_keyboards import (
    evidence_keyboard,
    option_label,
    options_are_long,
    question_keyboard,
    reopen_confirm_keyboard,
    review_keyboard,
    staff_member_keyboard,
)

S = DeclarationStatus
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Screen:
    """Where to render: the chat's message, the person's language, the largest file size."""

    message: Message
    t: Translator
    max_mb: int = 10

    async def say(self, text: str, **kwargs: Any) -> None:
        await self.message.answer(text, **kwargs)


def screen(message: Message, t: Translator, settings: Settings | None) -> Screen:
    return Screen(message, t, int(settings.evidence_max_mb) if settings is not None else 10)


def _with_note(note: str | None, text: str) -> str:
    return f"{note}\n\n{text}" if note else text


async def show(screen: Screen, draft: Draft, at: Position | None = None, note: str | None = None
               ) -> None:
    """What the owner is on (`at`, else the draft's position): a question, its files, or the
    review. `note` (e.g. «saved») goes on top of the same message: one message, not two."""
    position = at if at is not None else draft.position
    items = {i.key: i for i in draft.items}
    if position is not None and position.is_evidence and position.key in items:
        await ask_evidence(screen, draft, items[position.key], note)
    elif position is not None and position.is_question and position.key in items:
        await ask(screen, draft, items[position.key], note)
    elif position is not None and position.is_staff and any(
            i.kind == "staff_list" for i in draft.items):
        await ask(screen, draft, draft.staff_item(), note)
    else:
        await show_review(screen, draft, note)


async def show_resumed(screen: Screen, resumed: Resumed) -> None:
    """Where the owner continues, after the offer to copy the last period's answers."""
    if resumed.offer_prefill:
        await screen.say(screen.t("prefill-offer"))
    await show(screen, resumed.draft, resumed.at)


async def ask(screen: Screen, draft: Draft, item: Indicator, note: str | None = None) -> None:
    text, markup = question(screen.t, draft, item)
    await screen.say(_with_note(note, text), reply_markup=markup)


async def refresh_keyboard(screen: Screen, draft: Draft, item: Indicator) -> None:
    """Redraw the question's buttons in place (a toggle), instead of sending it again."""
    text, markup = question(screen.t, draft, item)
    await redraw(screen.message, text, markup)


async def redraw(message: Message, text: str, markup: Any) -> None:
    """Replace a message's buttons in place. When the platform refuses the edit (a message too
    old, or gone), the buttons come in a new message under the text's first line (the question's
    title), not the whole question again. (Bale's stub answer to an edit is success:
    `delivery.platforms`.)"""
    try:
        await message.edit_reply_markup(reply_markup=markup)
    except (TelegramAPIError, ClientDecodeError) as exc:
        if isinstance(exc, TelegramBadRequest) and "not modified" in exc.message.lower():
            return  # already as wanted (a double tap)
        log.info("edit refused (%s); the buttons come in a new message", exc)
        await message.answer(text.split("\n", 1)[0], reply_markup=markup)


def question(t: Translator, draft: Draft, item: Indicator) -> tuple[str, Any]:
    view, previous_raw, items = draft.view, draft.previous, draft.items
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
        shown = _previous_value(draft, item, t)
        if shown:
            lines.append(t("question-previous", value=shown))
    if item.kind in ("choice", "multi_choice") and options_are_long(item, t.lang):
        # the buttons would cut these titles: the whole of each is here, numbered like them
        lines += [option_label(item, n, t.lang).split(".", 1)[0] + ". " + title(o, t.lang)
                  for n, o in enumerate(item.options)]
    if item.kind in ("integer", "number"):
        lines.append(t("question-type-number"))
    elif item.kind == "staff_list":
        lines.append(t("question-staff-how"))
    section_items = [i for i in items if i.section == item.section]
    section_first = section_items[0].key == item.key and any(
        i.key in previous_raw for i in section_items)
    markup = question_keyboard(
        item, draft.period.id, t, value=value,
        previous=previous_raw.get(item.key) if item.key in previous_raw else None,
        first=number == 1, section_first=section_first,
        can_keep_all=bool(previous_raw) and number == 1)
    return "\n".join(lines), markup


def _previous_value(draft: Draft, item: Indicator, t: Translator) -> str | None:
    """The last confirmed period's answer to `item`, as shown (None: none, or one the rubric
    no longer accepts)."""
    if draft.previous.get(item.key) is None:
        return None
    try:
        return format_value(item, answers_from_json(draft.rubric, draft.previous,
                                                    [item.key]).get(item.key), t)
    except Exception:  # an answer the new rubric no longer accepts: show nothing
        return None


async def ask_reopen(screen: Screen, draft: Draft, key: str) -> None:
    """Before editing a submitted declaration: it goes back to draft and must be sent again."""
    item = draft.item(key)
    await screen.say(screen.t("edit-reopens", title=title(item, screen.t.lang),
                              date=format_jalali_date(draft.edit_deadline, screen.t.lang)),
                     reply_markup=reopen_confirm_keyboard(draft.period.id, key, screen.t))


async def ask_evidence(screen: Screen, draft: Draft, item: Indicator, note: str | None = None
                       ) -> None:
    t = screen.t
    count = len(draft.view.evidence_for(item.key))
    prompt = item.evidence.prompt_fa if t.lang == "fa" else item.evidence.prompt_en
    await screen.say(_with_note(note, t(
        "evidence-ask", prompt=prompt, count=count, needed=item.evidence.min_count,
        max_mb=screen.max_mb, accepts=t(f"evidence-accepts-{item.evidence.kind}"))),
        reply_markup=evidence_keyboard(draft.period.id, item.key, count, t))


async def show_staff_member(screen: Screen, draft: Draft, index: int, member: dict[str, Any],
                            *, in_place: bool = False) -> None:
    t = screen.t
    text = t("staff-member", name=member.get("name", ""), number=index + 1)
    markup = staff_member_keyboard(draft.staff_item(), draft.period.id, index, member, t)
    if in_place:
        await redraw(screen.message, text, markup)
        return
    await screen.say(text, reply_markup=markup)


async def show_review(screen: Screen, draft: Draft, note: str | None = None) -> None:
    """All answers with evidence counts, missing items marked, the provisional score."""
    t, view = screen.t, draft.view
    missing = {m.key: m for m in draft.missing()}
    counts = view.evidence_counts()
    lines = [t("review-title", status=t(status_key(view.status, view.under_review)))]
    for number, item in enumerate(draft.items, start=1):
        if item.key in view.raw:
            value = format_value(item, view.answers.get(item.key), t)
        else:
            value = t("value-unanswered")
        line = t("review-line", number=number, title=title(item, t.lang), value=value)
        if draft.changed_since_last(item.key):
            line += " " + t("review-changed", before=_previous_value(draft, item, t) or "—")
        if item.needs_evidence and (counts.get(item.key) or has_substance(
                view.answers.get(item.key))):
            line += " " + t("review-files", count=counts.get(item.key, 0))
        if item.key in missing:
            line += " " + t("review-missing")
        if item.key in view.comments:
            line += "\n    " + t("review-comment", comment=view.comments[item.key])
        lines.append(line)
    breakdown = score(draft.rubric, draft.office.office_type, view.answers,
                      evidence_counts=counts)
    if view.status in (S.CONFIRMED, S.PUBLISHED):  # the region's result, not this estimate
        lines.append(t("review-confirmed-see-results"))
    else:
        lines.append(t("review-provisional", total=breakdown.total, max=breakdown.max_total,
                       rank=breakdown.rank))
    if missing:
        lines.append(t("review-incomplete", count=len(missing)))
    markup = review_keyboard(
        draft.period.id, [i.key for i in draft.items], t,
        can_submit=not missing and view.status in (S.DRAFT, S.RETURNED) and draft.editable,
        can_continue=bool(missing) and draft.editable, can_edit=draft.editable)
    # Many items with comments can outgrow one message: split at line breaks, buttons last.
    await answer_long(screen.message, _with_note(note, "\n".join(lines)), reply_markup=markup)
