"""Answers as the database stores them: JSON-ready values (`to_json`) and back, typed and validated
again (`from_json`), one value or a whole set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from scoring.answers.errors import AnswerError, _echo
from scoring.answers.validate import validate_value
from scoring.rubric import Indicator, Rubric


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
