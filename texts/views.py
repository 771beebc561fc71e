"""Rendering helpers shared by the handlers: values, questions, keyboards, the menu.

Nothing here touches the database; handlers pass in what to show. Every text comes from the
catalogs through the translator, so it is Persian first and escaped for the platform.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from aiogram.types import (
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from scoring.rubric import Indicator, Rubric
from texts.i18n import Translator, format_number
from texts.keyboards import InlineKeyboardBuilder


def title(item: Indicator | Any, lang: str) -> str:
    return item.title_fa if lang == "fa" else item.title_en


def hint(item: Indicator, lang: str) -> str:
    return item.hint_fa if lang == "fa" else item.hint_en


def unit(item: Indicator, lang: str) -> str:
    return item.unit_fa if lang == "fa" else item.unit_en


def format_value(item: Indicator, value: Any, t: Translator) -> str:
    """An answer as a person reads it, in the translator's language."""
    lang = t.lang
    if value is None:
        return t("value-none")
    if item.kind in ("integer", "number"):
        text = format_number(Decimal(value), lang)
        return f"{text} {unit(item, lang)}".strip()
    if item.kind == "yes_no":
        return t("value-yes") if value else t("value-no")
    if item.kind == "choice":
        option = item.option(value)
        return title(option, lang) if option else str(value)
    if item.kind == "multi_choice":
        if not value:
            return t("value-nothing-chosen")
        separator = "، " if lang == "fa" else ", "
        return separator.join(title(o, lang) for o in item.options if o.key in value)
    members = list(value)
    counts = {f.key: sum(1 for m in members if m.get(f.key)) for f in item.staff_fields}
    return t("value-staff", count=len(members), insured=counts.get("insured", 0),
             disabled=counts.get("disabled", 0))


def bounds_text(item: Indicator, t: Translator) -> str:
    if item.kind not in ("integer", "number") or item.min is None or item.max is None:
        return ""
    return t("question-bounds", min=item.min, max=item.max, unit=unit(item, t.lang))


def contact_keyboard(t: Translator) -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text=t("button-share-contact"),
                                                         request_contact=True)]],
                               resize_keyboard=True, one_time_keyboard=True)


def status_key(status: str, under_review: bool = False) -> str:
    """The catalog key of a declaration's status as the owner reads it."""
    return "status-in-review" if under_review else f"status-{status}"


def menu_keyboard(t: Translator, *, has_period: bool, several_offices: bool, submitted: bool,
                  editable: bool = True) -> InlineKeyboardMarkup:
    """The owner's menu; a declaration under review or confirmed (`editable` False) offers its
    review (with the discrepancy report) and no «edit»."""
    kb = InlineKeyboardBuilder()
    if has_period:
        if editable:
            kb.button(text=t("menu-continue") if not submitted else t("menu-edit"),
                      callback_data="menu:continue")
        kb.button(text=t("menu-review"), callback_data="menu:review")
    kb.button(text=t("menu-results"), callback_data="menu:results")
    kb.button(text=t("survey-menu-button"), callback_data="sv:o")
    kb.button(text=t("menu-contact"), callback_data="menu:contact")
    kb.button(text=t("menu-discrepancy"), callback_data="menu:disc")
    kb.button(text=t("menu-help"), callback_data="menu:help")
    kb.button(text=t("menu-language"), callback_data="menu:lang")
    if several_offices:
        kb.button(text=t("menu-switch-office"), callback_data="menu:offices")
    kb.adjust(*(((1, 1) if editable else (1,)) if has_period else ()), 2, 2, 2, 1)
    return kb.as_markup()


def items_in_order(rubric: Rubric, office_type: str) -> list[Indicator]:
    return list(rubric.applicable(office_type))
