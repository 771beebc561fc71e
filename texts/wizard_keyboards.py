"""The declaration wizard's keyboards, built from typed buttons (`texts.wizard_callbacks`)."""

from __future__ import annotations

from typing import Any

from aiogram.types import InlineKeyboardMarkup

from scoring.rubric import Indicator
from scoring.text import to_persian_digits
from texts.callbacks import MenuCb
from texts.i18n import Translator
from texts.keyboards import InlineKeyboardBuilder
from texts.views import title
from texts.wizard_callbacks import (
    EvidenceCb,
    ItemCb,
    OptionCb,
    SectionCb,
    StaffCb,
    StaffFieldCb,
    WizardCb,
    YesNoCb,
)

# What a phone shows of a button's label before it cuts it (a narrow phone, Persian script).
BUTTON_CHARS = 28


def options_are_long(item: Indicator, lang: str) -> bool:
    """Whether some option would be cut on a button: then the message lists every option in
    full, numbered, and the buttons carry the numbers with a short start of each title."""
    return any(len(title(option, lang)) > BUTTON_CHARS for option in item.options)


def option_label(item: Indicator, number: int, lang: str) -> str:
    text = title(item.options[number], lang)
    if not options_are_long(item, lang):
        return text
    shown = text if len(text) <= BUTTON_CHARS - 4 else text[:BUTTON_CHARS - 5].rstrip() + "…"
    digits = str(number + 1)
    if lang == "fa":
        digits = to_persian_digits(digits)
    return f"{digits}. {shown}"


def question_keyboard(item: Indicator, period_id: int, t: Translator, *, value: Any,
                      previous: Any, first: bool, section_first: bool,
                      can_keep_all: bool) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    key, p = item.key, period_id
    if item.kind == "choice":
        for number, option in enumerate(item.options):
            mark = "● " if value == option.key else ""
            kb.button(text=mark + option_label(item, number, t.lang),
                      callback_data=OptionCb(period=p, action="a", key=key, option=str(number)))
        kb.adjust(1)
    elif item.kind == "yes_no":
        kb.button(text=t("button-yes"), callback_data=YesNoCb(period=p, action="y", key=key,
                                                              yes=True))
        kb.button(text=t("button-no"), callback_data=YesNoCb(period=p, action="y", key=key,
                                                             yes=False))
        kb.adjust(2)
    elif item.kind == "multi_choice":
        chosen = set(value or [])
        for number, option in enumerate(item.options):
            box = "☑️ " if option.key in chosen else "⬜️ "
            kb.button(text=box + option_label(item, number, t.lang),
                      callback_data=OptionCb(period=p, action="t", key=key, option=str(number)))
        kb.button(text=t("button-done"), callback_data=ItemCb(period=p, action="td", key=key))
        kb.adjust(*([1] * len(item.options)), 1)
    elif item.kind == "staff_list":
        members = list(value or [])
        for index, member in enumerate(members):
            kb.button(text=f"👤 {member.get('name', '')}",
                      callback_data=StaffCb(period=p, action="sm", index=index))
        kb.button(text=t("button-staff-done"), callback_data=WizardCb(period=p, action="sd"))
        kb.adjust(*([1] * len(members)), 1)
    extra = InlineKeyboardBuilder()
    if value is not None and item.kind not in ("staff_list", "multi_choice"):
        # a question revisited: keep the answer and go on (a list has its own «done»)
        extra.button(text=t("button-keep-answer"),
                     callback_data=ItemCb(period=p, action="n", key=key))
    if previous is not None and value is None:
        extra.button(text=t("button-keep"), callback_data=ItemCb(period=p, action="k", key=key))
    if section_first and previous is not None:
        extra.button(text=t("button-keep-section"),
                     callback_data=SectionCb(period=p, action="ks", section=item.section))
    if can_keep_all:
        extra.button(text=t("button-keep-all"), callback_data=WizardCb(period=p, action="ka"))
    if not item.required:
        extra.button(text=t("button-skip"), callback_data=ItemCb(period=p, action="s", key=key))
    if not first:
        extra.button(text=t("button-back"), callback_data=ItemCb(period=p, action="b", key=key))
    extra.button(text=t("button-review"), callback_data=WizardCb(period=p, action="rv"))
    extra.adjust(1, 2, 2)
    kb.attach(extra)
    return kb.as_markup()


def staff_member_keyboard(item: Indicator, period_id: int, index: int, member: dict[str, Any],
                          t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    p = period_id
    for field in item.staff_fields:
        box = "☑️ " if member.get(field.key) else "⬜️ "
        kb.button(text=box + title(field, t.lang),
                  callback_data=StaffFieldCb(period=p, action="sf", index=index,
                                             field=field.key))
    kb.button(text=t("button-staff-rename"),
              callback_data=StaffCb(period=p, action="sr", index=index))
    kb.button(text=t("button-staff-remove"),
              callback_data=StaffCb(period=p, action="sx", index=index))
    kb.button(text=t("button-staff-saved"), callback_data=WizardCb(period=p, action="sv"))
    kb.button(text=t("button-staff-done"), callback_data=WizardCb(period=p, action="sd"))
    kb.adjust(*([1] * len(item.staff_fields)), 2, 2)
    return kb.as_markup()


def evidence_keyboard(period_id: int, key: str, count: int, t: Translator
                      ) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("button-evidence-done"),
              callback_data=ItemCb(period=period_id, action="ed", key=key))
    if count:
        kb.button(text=t("button-evidence-list", count=count),
                  callback_data=ItemCb(period=period_id, action="el", key=key))
    kb.button(text=t("button-evidence-to-question"),
              callback_data=ItemCb(period=period_id, action="e", key=key))
    kb.button(text=t("button-review"), callback_data=WizardCb(period=period_id, action="rv"))
    kb.adjust(*([1] * (2 if count else 1)), 2)
    return kb.as_markup()


def evidence_list_keyboard(period_id: int, key: str, evidence_ids: list[int], t: Translator
                           ) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    for number, evidence_id in enumerate(evidence_ids, start=1):
        kb.button(text=t("button-evidence-remove", number=number),
                  callback_data=EvidenceCb(period=period_id, action="er", evidence=evidence_id))
    kb.button(text=t("button-evidence-back"),
              callback_data=ItemCb(period=period_id, action="eb", key=key))
    kb.adjust(*([2] * (len(evidence_ids) // 2 + 1)))
    return kb.as_markup()


def review_keyboard(period_id: int, keys: list[str], t: Translator, *, can_submit: bool,
                    can_continue: bool, can_edit: bool = True) -> InlineKeyboardMarkup:
    """The review's buttons; a declaration under review or approved (`can_edit` False) offers
    no edit, only a discrepancy report to the region."""
    kb = InlineKeyboardBuilder()
    if can_edit:
        for number, key in enumerate(keys, start=1):
            kb.button(text=t("button-edit-item", number=number),
                      callback_data=ItemCb(period=period_id, action="e", key=key))
        kb.adjust(4)
    actions = InlineKeyboardBuilder()
    if not can_edit:
        actions.button(text=t("button-report-discrepancy"), callback_data=MenuCb(action="disc"))
    if can_submit:
        actions.button(text=t("button-submit"),
                       callback_data=WizardCb(period=period_id, action="sub"))
    elif can_continue:
        actions.button(text=t("button-continue"),
                       callback_data=WizardCb(period=period_id, action="go"))
    actions.button(text=t("button-menu"), callback_data=MenuCb(action="main"))
    actions.adjust(1)
    kb.attach(actions)
    return kb.as_markup()


def reopen_confirm_keyboard(period_id: int, key: str, t: Translator) -> InlineKeyboardMarkup:
    """Editing a submitted declaration: asked first."""
    kb = InlineKeyboardBuilder()
    kb.button(text=t("button-reopen-confirm"),
              callback_data=ItemCb(period=period_id, action="ee", key=key))
    kb.button(text=t("button-cancel"), callback_data=WizardCb(period=period_id, action="rv"))
    kb.adjust(1)
    return kb.as_markup()


def submit_confirm_keyboard(period_id: int, t: Translator) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=t("button-submit-confirm"),
              callback_data=WizardCb(period=period_id, action="subok"))
    kb.button(text=t("button-cancel"), callback_data=WizardCb(period=period_id, action="rv"))
    kb.adjust(1)
    return kb.as_markup()
