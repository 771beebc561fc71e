"""The reviewer's other screens in words: an office's committee decisions and the items to
choose from, the open discrepancy reports and one report with its actions."""

from __future__ import annotations

from typing import Any

from aiogram.types import InlineKeyboardMarkup

from scoring.calendar import format_jalali_date
from storage.review_inputs import DiscrepancyRecord
from texts.i18n import Translator
from texts.keyboards import InlineKeyboardBuilder
from texts.review_callbacks import ReviewCb, ReviewIdCb, ReviewPairCb, ReviewTypeCb
from texts.views import title


def negatives_text(t: Translator, found: Any) -> str:
    """`found`: `services.review_inputs.Negatives`."""
    lines = [t("rv-neg-pick", name=found.office.name, code=found.office.code)]
    for record in found.existing:
        negative = next((n for n in found.items if n.key == record.item_key), None)
        lines.append(t("rv-neg-existing", title=title(negative, t.lang) if negative
                       else record.item_key, reference=record.reference,
                       date=record.decided_on))
    return "\n".join(lines)


def negatives_keyboard(t: Translator, found: Any) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for index, negative in enumerate(found.items):
        kb.button(text=t("rv-button-neg-item", title=title(negative, t.lang),
                         points=negative.points),
                  callback_data=ReviewPairCb(action="ngi", id=found.office.id, n=index))
    kb.button(text=t("rv-button-cancel"), callback_data=ReviewCb(action="q"))
    kb.adjust(1)
    return kb.as_markup()


def reports_text(t: Translator, reports: list[DiscrepancyRecord]) -> str:
    lines = [t("rv-disc-title", count=len(reports))]
    for report in reports:
        lines.append(t("rv-disc-line", number=report.id, name=report.office.name,
                       code=report.office.code, field=t(f"disc-field-{report.field}")))
    return "\n".join(lines)


def reports_keyboard(t: Translator, reports: list[DiscrepancyRecord]) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for report in reports:
        kb.button(text=t("rv-button-disc", number=report.id),
                  callback_data=ReviewIdCb(action="do", id=report.id))
    kb.button(text=t("rv-button-queue"), callback_data=ReviewCb(action="q"))
    kb.adjust(3)
    return kb.as_markup()


def shown(t: Translator, report: DiscrepancyRecord, value: str) -> str:
    """A field's value as a reader sees it (an office type in words)."""
    if report.field == "type":
        return t(f"rv-type-{value}") if value in ("urban", "rural_ict") else value
    return value or t("value-none")


def report_text(t: Translator, report: DiscrepancyRecord) -> str:
    return t("rv-disc-detail", number=report.id, name=report.office.name,
             code=report.office.code, field=t(f"disc-field-{report.field}"),
             current=shown(t, report, report.current), text=report.text,
             date=format_jalali_date(report.created_at, t.lang),
             status=t(f"disc-status-{report.status}"))


def report_keyboard(t: Translator, report: DiscrepancyRecord) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    if report.status == "open":
        kb.button(text=t("rv-button-disc-fix"), callback_data=ReviewIdCb(action="df",
                                                                         id=report.id))
        kb.button(text=t("rv-button-disc-answer"), callback_data=ReviewIdCb(action="da",
                                                                            id=report.id))
    if report.evidence_sha256:
        kb.button(text=t("rv-button-disc-evidence"),
                  callback_data=ReviewIdCb(action="de", id=report.id))
    kb.button(text=t("rv-button-disc-list"), callback_data=ReviewCb(action="d"))
    kb.adjust(2)
    return kb.as_markup()


def type_keyboard(t: Translator, report: DiscrepancyRecord) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("rv-type-urban"), callback_data=ReviewTypeCb(id=report.id, kind="u"))
    kb.button(text=t("rv-type-rural_ict"), callback_data=ReviewTypeCb(id=report.id, kind="r"))
    kb.button(text=t("rv-button-cancel"), callback_data=ReviewIdCb(action="do", id=report.id))
    kb.adjust(2, 1)
    return kb.as_markup()
