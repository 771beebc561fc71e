"""The association's panel in words: its provinces, the period and its window, progress, an
office's score asked and saved, a file's import report."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aiogram.types import InlineKeyboardMarkup

from scoring.calendar import format_jalali_date, period_title
from storage.registry import ImportReport
from storage.review import window_dates
from texts.i18n import Markup, Translator
from texts.keyboards import InlineKeyboardBuilder
from texts.review_callbacks import AssocCb
from texts.review_text import explain


def panel_keyboard(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("assoc-button-enter"), callback_data=AssocCb(action="e"))
    kb.button(text=t("assoc-button-file"), callback_data=AssocCb(action="f"))
    kb.adjust(2)
    return kb.as_markup()


def done_keyboard(t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("assoc-button-done"), callback_data=AssocCb(action="q"))
    return kb.as_markup()


def panel_text(t: Translator, panel: Any) -> str:
    """`panel`: `services.association.Panel`."""
    lines = [t("assoc-title", provinces=("، " if t.lang == "fa" else ", ").join(
        panel.provinces)),
             t("assoc-period", period=period_title(panel.period.code, t.lang),
               **{k: format_jalali_date(v, t.lang)
                  for k, v in window_dates(panel.period).items()}),
             t("assoc-progress", scored=panel.scored, offices=panel.offices)]
    if panel.refusal is not None:
        lines.append(t("rv-queue-read-only", reason=Markup(explain(t, panel.refusal))))
    return "\n".join(lines)


def ask_score_text(t: Translator, found: Any) -> str:
    """`found`: `services.association.Office`."""
    return t("assoc-ask-score", name=found.office.name, code=found.office.code,
             min=found.spec.min, max=found.spec.max,
             current=found.current if found.current is not None else t("value-none"))


def saved_text(t: Translator, saved: Any) -> str:
    """`saved`: `services.association.Saved`."""
    key = "assoc-saved" if saved.old is None else "assoc-saved-changed"
    return t(key, name=saved.office.name, code=saved.office.code, score=Decimal(saved.value),
             old=saved.old if saved.old is not None else 0)


def import_text(t: Translator, report: ImportReport) -> str:
    lines = [t("assoc-import-report", inserted=report.inserted, updated=report.updated,
               unchanged=report.unchanged, rejected=report.rejected_rows)]
    if report.rejected:
        lines.append(t("assoc-import-nothing-written"))
        lines += [t("assoc-import-error", row=e.row, column=column_name(t, e.column),
                    reason=Markup(row_reason(t, e)))
                  for e in report.rejected[:10]]
        if len(report.rejected) > 10:
            lines.append(t("assoc-import-more", count=len(report.rejected) - 10))
    else:
        lines.append(t("assoc-import-written"))
    return "\n".join(lines)


COLUMNS = ("office_code", "score", "mean", "respondents")


def column_name(t: Translator, column: str) -> str:
    return t(f"assoc-col-{column}") if column in COLUMNS else column


def row_reason(t: Translator, error: Any) -> str:
    """A file row's problem in the reader's language (the English reason when it has no key:
    a row the file reader itself could not read)."""
    if error.code:
        return t(error.code, **dict(error.params))
    return t.raw(error.reason)


def file_refusal(t: Translator, error: Any) -> str:
    """A file that cannot be read at all (`storage.registry.RegistryFileError`)."""
    return t("assoc-file-unreadable", reason=Markup(t(error.code, **error.params)))
