"""Answers as owners type them: numbers in Persian, Arabic-Indic or ASCII digits, yes/no words,
options by title, key or number, staff names, and an association or satisfaction score.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from scoring.answers.errors import AnswerError, _echo
from scoring.answers.validate import NAME_MAX, _check_number, validate_value
from scoring.rubric import ExternalInput, Indicator
from scoring.text import (
    NumberError,
    clean_name,
    normalize_persian,
    parse_decimal,
    strip_invisible,
    to_ascii_digits,
)

MAX_DIGITS = 15


def parse_answer(indicator: Indicator, text: str) -> Any:
    """The value of an answer typed as text. Numbers take Persian, Arabic-Indic or ASCII digits,
    «٫» or «.» as the decimal point and «٬» or «,» between thousands. A choice takes an option's
    title, key or number (1, 2, …); a multi-choice several, separated by «،» or commas. Staff lists
    are built member by member (see `parse_staff_name`)."""
    kind = indicator.kind
    if kind in ("integer", "number"):
        return _check_number(indicator, _parse_number(text))
    if not text or not text.strip():
        raise AnswerError("answer-empty")
    if kind == "yes_no":
        return _parse_yes_no(text)
    if kind == "choice":
        return _match_option(indicator, text)
    if kind == "multi_choice":
        words = normalize_persian(text)
        if words in _NONE_WORDS:
            return validate_value(indicator, [])
        parts = [p for p in re.split(r"[،,؛;\n]+", text) if p.strip()]
        return validate_value(indicator, [_match_option(indicator, p) for p in parts])
    raise AnswerError("answer-use-buttons")


def _parse_number(text: str) -> Decimal:
    if text is None:
        raise AnswerError("answer-empty")
    digits = sum(ch.isdigit() for ch in to_ascii_digits(text))
    if digits > MAX_DIGITS:
        raise AnswerError("answer-too-long", text=_echo(text), digits=MAX_DIGITS)
    try:
        return parse_decimal(text)
    except NumberError as exc:
        key = {"empty": "answer-empty", "bad_grouping": "answer-bad-grouping"}.get(
            exc.reason, "answer-not-a-number")
        raise AnswerError(key, text=_echo(text)) from None


_YES = frozenset({"بله", "بلی", "آری", "آره", "اره", "هست", "دارد", "دارم", "yes", "y", "true"})
_NO = frozenset({"خیر", "نه", "نخیر", "نیست", "ندارد", "ندارم", "no", "n", "false"})
_NONE_WORDS = frozenset({"هیچ", "هیچکدام", "هیچ کدام", "هیچ‌کدام", "ندارد", "none", "-"})


def _parse_yes_no(text: str) -> bool:
    word = normalize_persian(text).strip(" .!،؟?").lower()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise AnswerError("answer-not-yes-no", text=_echo(text))


def _match_option(indicator: Indicator, text: str) -> str:
    wanted = normalize_persian(to_ascii_digits(text)).strip(" .،").lower()
    if wanted.isascii() and wanted.isdigit() and 1 <= int(wanted) <= len(indicator.options):
        return indicator.options[int(wanted) - 1].key
    for option in indicator.options:
        names = (option.key, normalize_persian(option.title_fa), option.title_en.lower())
        if wanted in names:
            return option.key
    raise AnswerError("answer-unknown-option", text=_echo(text))


def parse_staff_name(text: str) -> str:
    """A staff member's name as typed: Arabic ي/ك made Persian, stray marks dropped, spaces
    folded; the zero-width non-joiner kept, as in a registered name (`clean_name`)."""
    name = clean_name(text or "")
    if not strip_invisible(name).strip() or len(name) > NAME_MAX or name.isdigit():
        raise AnswerError("answer-bad-name", max=NAME_MAX)
    return name


def parse_external_score(spec: ExternalInput, text: str) -> Decimal:
    """An association or satisfaction score typed by the one who enters it, on [min, max]."""
    value = _parse_number(text)
    args = {"min": spec.min, "max": spec.max, "unit_fa": "", "unit_en": ""}
    if not spec.min <= value <= spec.max:
        raise AnswerError("answer-out-of-range", **args)
    return value
