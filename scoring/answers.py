"""Answers: parsing what an owner types, validating what a button sends, and what is still missing.

Values by indicator kind (and how they are stored as JSON):

| kind         | value                                              | JSON                     |
|--------------|----------------------------------------------------|--------------------------|
| integer      | int                                                | number                   |
| number       | Decimal                                            | string, e.g. "12.5"      |
| choice       | option key, str                                    | string                   |
| multi_choice | list of option keys, in the rubric's option order  | array of strings         |
| yes_no       | bool                                               | true / false             |
| staff_list   | list of {"name": str, <field>: bool, ...}          | array of objects         |

Every refusal is an `AnswerError` whose `key` is a message id in `locales/*/scoring.ftl` and whose
`args` fill that message; `ANSWER_ERROR_KEYS` lists them all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from scoring.rubric import ExternalInput, Indicator, Rubric
from scoring.text import NumberError, normalize_persian, parse_decimal, to_ascii_digits

# No area, count or number of years in this domain comes near; a bigger number is a typo.
LIMIT = Decimal(10) ** 9
MAX_DIGITS = 15
NAME_MAX = 80
_ECHO_MAX = 40
_ONE = Decimal(1)

ANSWER_ERROR_KEYS = frozenset({
    "answer-empty",
    "answer-not-a-number",
    "answer-bad-grouping",
    "answer-too-long",
    "answer-not-whole",
    "answer-negative",
    "answer-out-of-range",
    "answer-too-small",
    "answer-too-large",
    "answer-not-yes-no",
    "answer-unknown-option",
    "answer-duplicate-option",
    "answer-count-out-of-range",
    "answer-use-buttons",
    "answer-bad-name",
    "answer-bad-staff",
    "answer-invalid",
})


class AnswerError(ValueError):
    """An answer refused. `key` names the message; `args` (a dict) fills it."""

    def __init__(self, key: str, **args: Any) -> None:
        super().__init__(key)
        self.key = key
        self._message_args = args

    @property
    def args(self) -> dict[str, Any]:  # type: ignore[override]
        # The message's arguments, as the bot passes them to the translator.
        return self._message_args

    def __str__(self) -> str:
        return f"{self.key} {self._message_args}"


def _echo(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _ECHO_MAX else text[: _ECHO_MAX - 1] + "…"


def _bounds_args(indicator: Indicator) -> dict[str, Any]:
    return {"min": indicator.min, "max": indicator.max,
            "unit_fa": indicator.unit_fa, "unit_en": indicator.unit_en}


# ---------------------------------------------------------------------------------------------
# Typed text


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


def _check_number(indicator: Indicator, value: Decimal) -> int | Decimal:
    args = _bounds_args(indicator)
    if not value.is_finite():
        raise AnswerError("answer-not-a-number", text=str(value))
    low, high = indicator.min, indicator.max
    if value < 0 and (low is None or low >= 0):
        raise AnswerError("answer-negative", **args)
    if value > LIMIT and high is None:
        raise AnswerError("answer-too-large", **{**args, "max": LIMIT})
    if indicator.kind == "integer" and value != value.to_integral_value():
        raise AnswerError("answer-not-whole", **args)
    if (low is not None and value < low) or (high is not None and value > high):
        if low is not None and high is not None:
            raise AnswerError("answer-out-of-range", **args)
        raise AnswerError("answer-too-small" if high is None else "answer-too-large", **args)
    if indicator.kind == "integer":
        return int(value)
    # One spelling per number, so that stored JSON and comparisons are stable ("12.50" → 12.5).
    return value.quantize(_ONE) if value == value.to_integral_value() else value.normalize()


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
    """A staff member's name as typed: Arabic ي/ك made Persian, spaces folded."""
    name = normalize_persian(text or "")
    if not name or len(name) > NAME_MAX or name.isdigit():
        raise AnswerError("answer-bad-name", max=NAME_MAX)
    return name


def parse_external_score(spec: ExternalInput, text: str) -> Decimal:
    """An association or satisfaction score typed by the one who enters it, on [min, max]."""
    value = _parse_number(text)
    args = {"min": spec.min, "max": spec.max, "unit_fa": "", "unit_en": ""}
    if not spec.min <= value <= spec.max:
        raise AnswerError("answer-out-of-range", **args)
    return value


# ---------------------------------------------------------------------------------------------
# Values that did not come as text (buttons, JSON)


def validate_value(indicator: Indicator, value: Any) -> Any:
    """Check a value (from a button, the database, another period) and return it normalised.
    Raises AnswerError."""
    kind = indicator.kind
    if kind in ("integer", "number"):
        if isinstance(value, bool) or not isinstance(value, int | Decimal | float):
            raise AnswerError("answer-invalid")
        number = Decimal(value) if not isinstance(value, float) else Decimal(repr(value))
        if not number.is_finite():
            raise AnswerError("answer-not-a-number", text=str(value))
        return _check_number(indicator, number)
    if kind == "yes_no":
        if not isinstance(value, bool):
            raise AnswerError("answer-invalid")
        return value
    if kind == "choice":
        if not isinstance(value, str) or value not in indicator.option_keys:
            raise AnswerError("answer-unknown-option", text=_echo(str(value)))
        return value
    if kind == "multi_choice":
        return _validate_multi(indicator, value)
    return _validate_staff(indicator, value)


def _count_check(indicator: Indicator, count: int) -> None:
    low, high = indicator.min, indicator.max
    if (low is not None and count < low) or (high is not None and count > high):
        raise AnswerError("answer-count-out-of-range", count=count,
                          min=low if low is not None else 0,
                          max=high if high is not None else LIMIT)


def _validate_multi(indicator: Indicator, value: Any) -> list[str]:
    if not isinstance(value, list | tuple):
        raise AnswerError("answer-invalid")
    chosen = set()
    for key in value:
        if not isinstance(key, str) or key not in indicator.option_keys:
            raise AnswerError("answer-unknown-option", text=_echo(str(key)))
        if key in chosen:
            raise AnswerError("answer-duplicate-option", text=key)
        chosen.add(key)
    _count_check(indicator, len(chosen))
    return [o.key for o in indicator.options if o.key in chosen]


def _validate_staff(indicator: Indicator, value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list | tuple):
        raise AnswerError("answer-invalid")
    fields = [f.key for f in indicator.staff_fields]
    allowed = {"name", *fields}
    members = []
    for i, member in enumerate(value, start=1):
        if not isinstance(member, Mapping) or set(member) - allowed:
            raise AnswerError("answer-bad-staff", number=i)
        name = member.get("name")
        # Names are normalised where they are typed (parse_staff_name); here only checked, as this
        # runs for every member of every office each time a period is ranked.
        if not isinstance(name, str) or not name.strip() or len(name) > NAME_MAX:
            raise AnswerError("answer-bad-staff", number=i)
        clean: dict[str, Any] = {"name": name}
        for field in fields:
            flag = member.get(field, False)
            if not isinstance(flag, bool):
                raise AnswerError("answer-bad-staff", number=i)
            clean[field] = flag
        members.append(clean)
    _count_check(indicator, len(members))
    return members


class AnswersError(ValueError):
    """Some answers of a set were refused: `problems` maps indicator key → AnswerError."""

    def __init__(self, problems: dict[str, AnswerError]) -> None:
        super().__init__(", ".join(f"{k}: {e.key}" for k, e in problems.items()))
        self.problems = problems


def validate_answers(rubric: Rubric, office_type: str,
                     answers: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a whole answer set for an office type; return the normalised answers that apply
    (keys of other office types, or of another period's rubric, are dropped). Unanswered items
    are not an error here (see `missing_items`). Raises AnswersError listing every refusal."""
    clean: dict[str, Any] = {}
    problems: dict[str, AnswerError] = {}
    for indicator in rubric.indicators_for(office_type):
        value = answers.get(indicator.key)
        if value is None:
            continue
        try:
            clean[indicator.key] = validate_value(indicator, value)
        except AnswerError as exc:
            problems[indicator.key] = exc
    if problems:
        raise AnswersError(problems)
    return clean


# ---------------------------------------------------------------------------------------------
# What is still missing


@dataclass(frozen=True, slots=True)
class Missing:
    """An item that keeps a declaration from being complete: `reason` is "unanswered" (a required
    item) or "evidence" (fewer files than `needed`)."""

    key: str
    reason: str
    title_fa: str
    title_en: str
    needed: int = 0
    have: int = 0


def has_substance(value: Any) -> bool:
    """Whether an answer has anything to show evidence for: no staff, no facilities, «no» or 0
    need no files."""
    if value is None or value is False:
        return False
    if isinstance(value, list | tuple):
        return bool(value)
    if isinstance(value, int | Decimal):
        return value != 0
    return True


def missing_items(rubric: Rubric, office_type: str, answers: Mapping[str, Any],
                  evidence_counts: Mapping[str, int] | None = None) -> list[Missing]:
    """Required items unanswered, and answered items whose evidence is below `min_count`, in
    asking order."""
    counts = evidence_counts or {}
    out = []
    for indicator in rubric.applicable(office_type):
        value = answers.get(indicator.key)
        if value is None:
            if indicator.required:
                out.append(Missing(indicator.key, "unanswered", indicator.title_fa,
                                   indicator.title_en))
            continue
        need = indicator.evidence.min_count
        have = counts.get(indicator.key, 0)
        if indicator.needs_evidence and has_substance(value) and have < need:
            out.append(Missing(indicator.key, "evidence", indicator.title_fa, indicator.title_en,
                               needed=need, have=have))
    return out


def next_unanswered(rubric: Rubric, office_type: str,
                    answers: Mapping[str, Any]) -> Any:
    """The first indicator (in asking order) without an answer, or None: where a wizard resumes."""
    for indicator in rubric.applicable(office_type):
        if answers.get(indicator.key) is None:
            return indicator
    return None


# ---------------------------------------------------------------------------------------------
# JSON


def to_json(value: Any) -> Any:
    """A value as JSON-ready data: Decimal becomes a string, everything else stays."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, Mapping):
        return {k: to_json(v) for k, v in value.items()}
    return value


def from_json(indicator: Indicator, raw: Any) -> Any:
    """The value stored by `to_json`, typed and validated again. Raises AnswerError."""
    if raw is None:
        return None
    if indicator.kind in ("integer", "number") and isinstance(raw, str):
        try:
            raw = Decimal(raw)
        except ArithmeticError:
            raise AnswerError("answer-not-a-number", text=_echo(raw)) from None
    return validate_value(indicator, raw)


def answers_to_json(answers: Mapping[str, Any]) -> dict[str, Any]:
    return {key: to_json(value) for key, value in answers.items()}


def answers_from_json(rubric: Rubric, raw: Mapping[str, Any],
                      keys: Iterable[str] | None = None) -> dict[str, Any]:
    """Typed answers from stored JSON; keys the rubric does not know are dropped."""
    out = {}
    for key in keys if keys is not None else raw:
        try:
            indicator = rubric.indicator(key)
        except KeyError:
            continue
        if raw.get(key) is not None:
            out[key] = from_json(indicator, raw[key])
    return out
