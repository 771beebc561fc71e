"""The reviewer's screens in words: the queue, a page of a list, a declaration, its files'
captions, and the keyboards that go with them. Nothing here reads or writes the database; the
handlers pass in what the services returned.

Screens are built for someone going through hundreds of files: counts on every list, the
provisional score on the declaration, all its files in one tap, and «next» everywhere. Buttons
are the typed factories of `texts.review_callbacks`.
"""

from __future__ import annotations

from typing import Any

from aiogram.types import InlineKeyboardMarkup

from scoring.calendar import format_jalali_date, period_title
from scoring.score import Breakdown
from scoring.status import DeclarationStatus
from storage.declarations import EvidenceRecord
from storage.records import PeriodRecord
from storage.review import ReviewTarget, rejected_to_tell, window_dates
from storage.review_queue import QueueCounts, QueueRow
from texts.i18n import Markup, Translator
from texts.keyboards import InlineKeyboardBuilder
from texts.review_callbacks import ReviewCb, ReviewIdCb, ReviewListCb, ReviewPairCb
from texts.review_text import QUICK_REASONS, TICK, explain, reason_text
from texts.views import format_value, title

S = DeclarationStatus
PER_PAGE = 8
FILTER_KEYS = {"s": "rv-filter-submitted", "r": "rv-filter-returned", "c": "rv-filter-confirmed"}


def region_names(names: list[tuple[str, str]], lang: str) -> str:
    return ("، " if lang == "fa" else ", ").join(fa if lang == "fa" else en for fa, en in names)


# ---------------------------------------------------------------------------------------------
# The queue


def queue_text(t: Translator, period: PeriodRecord, regions: str, counts: QueueCounts,
               refusal: Any) -> str:
    lines = [t("rv-queue-title", regions=regions),
             t("rv-queue-period", period=period_title(period.code, t.lang),
               **{k: format_jalali_date(v, t.lang)
                  for k, v in window_dates(period).items()}),
             t("rv-queue-counts", to_review=counts.to_review, returned=counts.returned,
               confirmed=counts.confirmed),
             t("rv-queue-drafts", drafts=counts.drafts),
             t("rv-queue-discrepancies", count=counts.discrepancies)]
    if refusal is not None:
        lines.append(t("rv-queue-read-only", reason=Markup(explain(t, refusal))))
    return "\n".join(lines)


def queue_keyboard(t: Translator, counts: QueueCounts) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    if counts.to_review:
        kb.button(text=t("rv-button-start", count=counts.to_review),
                  callback_data=ReviewIdCb(action="n", id=0))
    kb.button(text=t("rv-button-list-submitted", count=counts.to_review),
              callback_data=ReviewListCb(which="s", page=0))
    kb.button(text=t("rv-button-list-returned", count=counts.returned),
              callback_data=ReviewListCb(which="r", page=0))
    kb.button(text=t("rv-button-list-confirmed", count=counts.confirmed),
              callback_data=ReviewListCb(which="c", page=0))
    kb.button(text=t("rv-button-discrepancies", count=counts.discrepancies),
              callback_data=ReviewCb(action="d"))
    kb.button(text=t("rv-button-negative"), callback_data=ReviewCb(action="ng"))
    kb.adjust(*(([1] if counts.to_review else []) + [3, 2]))
    return kb.as_markup()


def list_text(t: Translator, which: str, rows: list[QueueRow], total: int, page: int
              ) -> str:
    pages = max(1, -(-total // PER_PAGE))
    lines = [t("rv-list-title", filter=t(FILTER_KEYS[which]), total=total, page=page + 1,
               pages=pages)]
    if not rows:
        lines.append(t("rv-list-empty"))
    for number, row in enumerate(rows, start=page * PER_PAGE + 1):
        when = format_jalali_date(row.submitted_at, t.lang) if row.submitted_at else "—"
        lines.append(t("rv-list-line", number=number, name=row.office_name,
                       code=row.office_code, city=row.city, date=when))
    return "\n".join(lines)


def list_keyboard(t: Translator, which: str, rows: list[QueueRow], total: int,
                  page: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for number, row in enumerate(rows, start=page * PER_PAGE + 1):
        kb.button(text=t("rv-button-open", number=number, code=row.office_code),
                  callback_data=ReviewIdCb(action="o", id=row.declaration_id))
    nav = InlineKeyboardBuilder()
    if page > 0:
        nav.button(text=t("rv-button-previous-page"),
                   callback_data=ReviewListCb(which=which, page=page - 1))
    if (page + 1) * PER_PAGE < total:
        nav.button(text=t("rv-button-next-page"),
                   callback_data=ReviewListCb(which=which, page=page + 1))
    nav.button(text=t("rv-button-queue"), callback_data=ReviewCb(action="q"))
    kb.adjust(2)
    nav.adjust(3)
    kb.attach(nav)
    return kb.as_markup()


# ---------------------------------------------------------------------------------------------
# A declaration


def declaration_text(t: Translator, target: ReviewTarget, breakdown: Breakdown,
                     negatives: int) -> str:
    view, office = target.view, target.office
    lang = t.lang
    submitted = format_jalali_date(view.submitted_at, lang) if view.submitted_at else "—"
    lines = [t("rv-decl-title", name=office.name, code=office.code, city=office.city,
               type=t(f"rv-type-{office.office_type}")),
             t("rv-decl-status", status=t(f"status-{view.status}"), version=view.version,
               date=submitted)]
    if view.grace_until is not None:
        lines.append(t("rv-decl-grace", date=format_jalali_date(
            view.grace_until - TICK, lang)))
    files = view.evidence_counts()
    rejected: dict[str, int] = {}
    for e in view.evidence:
        if e.rejected_reason:
            rejected[e.item_key] = rejected.get(e.item_key, 0) + 1
    points = {line.key: line for line in breakdown.lines}
    for number, item in enumerate(target.items, start=1):
        declared = format_value(item, view.answers.get(item.key), t) \
            if item.key in view.raw else t("value-unanswered")
        if item.key in target.accepted:
            value = Markup(t("rv-decl-adjusted", declared=declared,
                             accepted=format_value(item, target.accepted[item.key], t)))
        else:
            value = Markup(declared)
        line = t("rv-decl-line", number=number, title=title(item, lang), value=value)
        if item.needs_evidence:
            line += " " + t("rv-decl-files", count=files.get(item.key, 0))
            if rejected.get(item.key):
                line += " " + t("rv-decl-rejected", count=rejected[item.key])
        if item.key in points:
            line += " " + t("rv-decl-points", points=points[item.key].points,
                            max=points[item.key].max_points)
        if item.key in view.comments:
            line += "\n    " + t("rv-decl-comment", comment=view.comments[item.key])
        lines.append(line)
    extra = [line for line in breakdown.lines if line.kind != "indicator"]
    lines.append(t("rv-decl-other", parts=Markup(("، " if lang == "fa" else ", ").join(
        t("rv-decl-part", title=line.title_fa if lang == "fa" else line.title_en,
          points=line.points) for line in extra))))
    if negatives:
        lines.append(t("rv-decl-negatives", count=negatives, points=-breakdown.penalty))
    lines.append(t("rv-decl-total", total=breakdown.total, max=breakdown.max_total,
                   rank=breakdown.rank))
    return "\n".join(lines)


def action_keyboard(t: Translator, target: ReviewTarget, *, with_files: bool = True
                    ) -> InlineKeyboardMarkup:
    view = target.view
    kb = InlineKeyboardBuilder()
    total_files = len(view.evidence)
    if with_files and total_files:
        kb.button(text=t("rv-button-files", count=total_files),
                  callback_data=ReviewIdCb(action="f", id=view.id))
    if view.status == S.SUBMITTED:
        kb.button(text=t("rv-button-confirm"), callback_data=ReviewIdCb(action="c", id=view.id))
        kb.button(text=t("rv-button-adjust"), callback_data=ReviewIdCb(action="a", id=view.id))
        kb.button(text=t("rv-button-return"), callback_data=ReviewIdCb(action="r", id=view.id))
    kb.button(text=t("rv-button-negative-office"),
              callback_data=ReviewIdCb(action="ngo", id=target.office.id))
    kb.button(text=t("rv-button-next"), callback_data=ReviewIdCb(action="n", id=view.id))
    kb.button(text=t("rv-button-queue"), callback_data=ReviewCb(action="q"))
    kb.adjust(2)
    return kb.as_markup()


# ---------------------------------------------------------------------------------------------
# Files


def file_keyboard(t: Translator, evidence: EvidenceRecord) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    if evidence.rejected_reason:
        kb.button(text=t("rv-button-unreject"),
                  callback_data=ReviewIdCb(action="ux", id=evidence.id))
    else:
        kb.button(text=t("rv-button-reject"), callback_data=ReviewIdCb(action="x", id=evidence.id))
    return kb.as_markup()


def reasons_keyboard(t: Translator, evidence_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for index, reason in enumerate(QUICK_REASONS):
        kb.button(text=t(f"rv-reason-{reason}"),
                  callback_data=ReviewPairCb(action="xr", id=evidence_id, n=index))
    kb.button(text=t("rv-button-reason-other"),
              callback_data=ReviewIdCb(action="xt", id=evidence_id))
    kb.button(text=t("rv-button-cancel"), callback_data=ReviewIdCb(action="xc", id=evidence_id))
    kb.adjust(3, 2)
    return kb.as_markup()


def file_caption(t: Translator, target: ReviewTarget, evidence: EvidenceRecord, number: int,
                 total: int) -> str:
    item = next((i for i in target.items if i.key == evidence.item_key), None)
    caption = t("rv-file-caption", number=number, total=total,
                title=title(item, t.lang) if item else evidence.item_key)
    if evidence.rejected_reason:
        caption += "\n" + t("rv-file-rejected",
                            reason=Markup(reason_text(t, evidence.rejected_reason)))
    return caption


def item_buttons(t: Translator, target: ReviewTarget, action: Any, back: str
                 ) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for index, item in enumerate(target.items):
        kb.button(text=t("rv-button-item", number=index + 1, title=title(item, t.lang)),
                  callback_data=ReviewPairCb(action=action, id=target.view.id, n=index))
    kb.adjust(2)
    tail = InlineKeyboardBuilder()
    if action == "ri":
        tail.button(text=t("rv-button-return-send"),
                    callback_data=ReviewIdCb(action="rs", id=target.view.id))
    tail.button(text=t("rv-button-cancel"), callback_data=back)
    tail.adjust(1)
    kb.attach(tail)
    return kb.as_markup()


def single(t: Translator, key: str, data: str, **args: Any) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t(key, **args), callback_data=data)
    return kb.as_markup()


def has_return_notes(target: ReviewTarget) -> bool:
    """Whether there is anything to send back (comments or rejected files still short)."""
    return bool(target.view.comments or rejected_to_tell(target))


def return_text(t: Translator, target: ReviewTarget) -> str:
    """The return screen: the comments so far, how many rejected files go with them."""
    lines = [t("rv-return-title", name=target.office.name)]
    for number, item in enumerate(target.items, start=1):
        if item.key in target.view.comments:
            lines.append(t("rv-return-comment", number=number, title=title(item, t.lang),
                           comment=target.view.comments[item.key]))
    rejected = rejected_to_tell(target)
    if rejected:
        lines.append(t("rv-return-rejected", count=len(rejected)))
    if len(lines) == 1:
        lines.append(t("rv-return-nothing-yet"))
    lines.append(t("rv-return-how"))
    return "\n".join(lines)
