"""Values that did not come as text (a button, the database, another period): each checked against
its indicator (kind, bounds, options, staff fields) and returned normalised; a whole answer set
checked at once (`validate_answers`).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from scoring.answers.errors import AnswerError, AnswersError, _echo
from scoring.rubric import Indicator, Rubric

# No area, count or number of years in this domain comes near; a bigger number is a typo.
LIMIT = Decimal(10) ** 9
NAME_MAX = 80
_ONE = Decimal(1)


def _bounds_args(indicator: Indicator) -> dict[str, Any]:
    return {"min": indicator.min, "max": indicator.max,
            "unit_fa": indicator.unit_fa, "unit_en": indicator.unit_en}


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
