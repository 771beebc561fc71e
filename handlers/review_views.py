"""The reviewer's screens: the queue, a page of a list, a declaration, its files, and the
keyboards that go with them. Nothing here decides or writes anything; `handlers.review` does.

Callback data: `rv:<action>:<args…>`, every id re-checked against the reviewer's regions when
pressed. Screens are built for someone going through hundreds of files: counts on every list,
the provisional score on the declaration, all its files in one tap, and «next» everywhere.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from typing import Any

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, Message
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from scoring.calendar import format_jalali_date, period_title
from scoring.score import Breakdown
from scoring.status import DeclarationStatus
from storage import review
from storage.declarations import EvidenceRecord
from storage.evidence import EvidenceStore
from storage.models import Region
from storage.records import PeriodRecord
from storage.review import QueueCounts, ReviewError, ReviewTarget, reason_text
from storage.review_inputs import list_negatives
from texts.i18n import Markup, Translator
from texts.keyboards import InlineKeyboardBuilder
from texts.views import format_value, title

S = DeclarationStatus
PER_PAGE = 8
FILTER_KEYS = {"s": "rv-filter-submitted", "r": "rv-filter-returned", "c": "rv-filter-confirmed"}


def cbd(action: str, *args: object) -> str:
    data = ":".join(["rv", action, *map(str, args)])
    assert len(data.encode()) <= 64, data
    return data


def explain(t: Translator, error: ReviewError) -> str:
    """A refusal in the reader's language: dates as Jalali, period codes as titles."""
    args: dict[str, object] = {}
    for name, value in error.args_.items():
        if isinstance(value, datetime | date):
            args[name] = format_jalali_date(value, t.lang)
        elif name == "period_code":
            args["period"] = period_title(str(value), t.lang)
        elif name == "status":
            args[name] = t(f"status-{value}")
        else:
            args[name] = value
    return t(error.key, **args)


async def region_names(session: AsyncSession, regions: set[int], lang: str) -> str:
    rows = (await session.execute(select(Region.name_fa, Region.name_en).where(
        Region.code.in_(sorted(regions) or [-1])).order_by(Region.code))).all()
    return ("، " if lang == "fa" else ", ").join(fa if lang == "fa" else en for fa, en in rows)


# ---------------------------------------------------------------------------------------------
# The queue


def queue_text(t: Translator, period: PeriodRecord, regions: str, counts: QueueCounts,
               now: datetime) -> str:
    lines = [t("rv-queue-title", regions=regions),
             t("rv-queue-period", period=period_title(period.code, t.lang),
               **{k: format_jalali_date(v, t.lang)
                  for k, v in review.window_dates(period).items()}),
             t("rv-queue-counts", to_review=counts.to_review, returned=counts.returned,
               confirmed=counts.confirmed),
             t("rv-queue-drafts", drafts=counts.drafts),
             t("rv-queue-discrepancies", count=counts.discrepancies)]
    refusal = review.action_refusal(period, now)
    if refusal is not None:
        lines.append(t("rv-queue-read-only", reason=Markup(explain(t, refusal))))
    return "\n".join(lines)


def queue_keyboard(t: Translator, counts: QueueCounts) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    if counts.to_review:
        kb.button(text=t("rv-button-start", count=counts.to_review), callback_data=cbd("n", 0))
    kb.button(text=t("rv-button-list-submitted", count=counts.to_review),
              callback_data=cbd("l", "s", 0))
    kb.button(text=t("rv-button-list-returned", count=counts.returned),
              callback_data=cbd("l", "r", 0))
    kb.button(text=t("rv-button-list-confirmed", count=counts.confirmed),
              callback_data=cbd("l", "c", 0))
    kb.button(text=t("rv-button-discrepancies", count=counts.discrepancies),
              callback_data=cbd("d"))
    kb.button(text=t("rv-button-negative"), callback_data=cbd("ng"))
    kb.adjust(*(([1] if counts.to_review else []) + [3, 2]))
    return kb.as_markup()


def list_text(t: Translator, which: str, rows: list[review.QueueRow], total: int, page: int
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


def list_keyboard(t: Translator, which: str, rows: list[review.QueueRow], total: int,
                  page: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for number, row in enumerate(rows, start=page * PER_PAGE + 1):
        kb.button(text=t("rv-button-open", number=number, code=row.office_code),
                  callback_data=cbd("o", row.declaration_id))
    nav = InlineKeyboardBuilder()
    if page > 0:
        nav.button(text=t("rv-button-previous-page"), callback_data=cbd("l", which, page - 1))
    if (page + 1) * PER_PAGE < total:
        nav.button(text=t("rv-button-next-page"), callback_data=cbd("l", which, page + 1))
    nav.button(text=t("rv-button-queue"), callback_data=cbd("q"))
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
            view.grace_until - review.TICK, lang)))
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
        kb.button(text=t("rv-button-files", count=total_files), callback_data=cbd("f", view.id))
    if view.status == S.SUBMITTED:
        kb.button(text=t("rv-button-confirm"), callback_data=cbd("c", view.id))
        kb.button(text=t("rv-button-adjust"), callback_data=cbd("a", view.id))
        kb.button(text=t("rv-button-return"), callback_data=cbd("r", view.id))
    kb.button(text=t("rv-button-negative-office"), callback_data=cbd("ngo", target.office.id))
    kb.button(text=t("rv-button-next"), callback_data=cbd("n", view.id))
    kb.button(text=t("rv-button-queue"), callback_data=cbd("q"))
    kb.adjust(2)
    return kb.as_markup()


async def send_declaration(message: Message, session: AsyncSession, t: Translator,
                           target: ReviewTarget) -> None:
    breakdown = await review.provisional(session, target)
    negatives = len(await list_negatives(session, target.office.id, target.period.id))
    await message.answer(declaration_text(t, target, breakdown, negatives),
                         reply_markup=action_keyboard(t, target))


# ---------------------------------------------------------------------------------------------
# Files


def file_keyboard(t: Translator, evidence: EvidenceRecord) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    if evidence.rejected_reason:
        kb.button(text=t("rv-button-unreject"), callback_data=cbd("ux", evidence.id))
    else:
        kb.button(text=t("rv-button-reject"), callback_data=cbd("x", evidence.id))
    return kb.as_markup()


def reasons_keyboard(t: Translator, evidence_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for index, reason in enumerate(review.QUICK_REASONS):
        kb.button(text=t(f"rv-reason-{reason}"), callback_data=cbd("xr", evidence_id, index))
    kb.button(text=t("rv-button-reason-other"), callback_data=cbd("xt", evidence_id))
    kb.button(text=t("rv-button-cancel"), callback_data=cbd("xc", evidence_id))
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


def item_buttons(t: Translator, target: ReviewTarget, action: str, back: str
                 ) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for index, item in enumerate(target.items):
        kb.button(text=t("rv-button-item", number=index + 1, title=title(item, t.lang)),
                  callback_data=cbd(action, target.view.id, index))
    kb.adjust(2)
    tail = InlineKeyboardBuilder()
    if action == "ri":
        tail.button(text=t("rv-button-return-send"), callback_data=cbd("rs", target.view.id))
    tail.button(text=t("rv-button-cancel"), callback_data=back)
    tail.adjust(1)
    kb.attach(tail)
    return kb.as_markup()


def single(t: Translator, key: str, data: str, **args: Any) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t(key, **args), callback_data=data)
    return kb.as_markup()
