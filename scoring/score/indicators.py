"""Points per indicator: the line one answer earns under its indicator's point rule (bands, per
unit, per choice, yes/no, per staff member), with its reason; a refused answer scores 0.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from scoring.answers import AnswerError, has_substance, validate_value
from scoring.rubric import (
    BandsPoints,
    Indicator,
    PerChoicePoints,
    PerStaffPoints,
    PerUnitPoints,
)
from scoring.score.breakdown import ZERO, Line, _line, _zero, round_points
from scoring.score.cache import _cached, _memo
from scoring.text import to_persian_digits

_SCALAR_KINDS = frozenset({"integer", "number", "choice", "yes_no"})


def _memo_key(indicator: Indicator, raw: Any) -> tuple[Any, ...] | None:
    kind = indicator.kind
    try:
        if kind in _SCALAR_KINDS:
            key = (type(raw), raw)
            hash(key)
            return key
        if kind == "multi_choice" and isinstance(raw, list | tuple):
            key = (type(raw), *raw)
            hash(key)
            return key
    except TypeError:  # unhashable: a list where a number belongs, a signalling NaN
        return None
    return None


def _indicator_line(indicator: Indicator, raw: Any) -> tuple[Line, bool]:
    """The line for one answer and whether the answer has substance (needs evidence)."""
    memo = _memo(indicator)
    key = _memo_key(indicator, raw)
    if key is not None:
        hit = memo.get(key)
        if hit is not None:
            return hit
    try:
        value = validate_value(indicator, raw)
    except AnswerError:
        result = (_zero(indicator, "reason-invalid"), False)
    else:
        if indicator.kind == "staff_list":
            counts = tuple(sum(1 for m in value if m[f.key]) for f in indicator.staff_fields)
            line = _cached(memo, ("staff", len(value), counts), _staff, indicator,
                           indicator.points, len(value), counts)
            return line, bool(value)
        result = (_score_indicator(indicator, value), has_substance(value))
    if key is not None:
        memo[key] = result
    return result


def _score_indicator(indicator: Indicator, value: Any) -> Line:
    spec = indicator.points
    if isinstance(spec, BandsPoints):
        return _bands(indicator, spec, value)
    if isinstance(spec, PerUnitPoints):
        points = value * spec.per_unit
        units = {"value": value, "unit_fa": indicator.unit_fa, "unit_en": indicator.unit_en,
                 "per_unit": spec.per_unit}
        if spec.cap is not None and points > spec.cap:
            return _line(indicator, spec.cap, "reason-per-unit-capped",
                         points=spec.cap, **units)
        points = max(points, ZERO)
        return _line(indicator, points, "reason-per-unit", points=round_points(points), **units)
    if isinstance(spec, PerChoicePoints):
        if indicator.kind == "choice":
            option = indicator.option(value)
            points = spec.choices.get(value, ZERO)
            return _line(indicator, points, "reason-choice", option_fa=option.title_fa,
                         option_en=option.title_en, points=points)
        return _multi(indicator, spec, value)
    if isinstance(spec, PerStaffPoints):
        having = tuple(sum(1 for m in value if m[f.key]) for f in indicator.staff_fields)
        return _staff(indicator, spec, len(value), having)
    points = spec.yes if value else spec.no
    return _line(indicator, points, "reason-yes" if value else "reason-no", points=points)


def _bands(indicator: Indicator, spec: BandsPoints, value: int | Decimal) -> Line:
    bands = spec.bands
    units = {"value": value, "unit_fa": indicator.unit_fa, "unit_en": indicator.unit_en}
    if value < bands[0].min:
        return _line(indicator, ZERO, "reason-band-below", low=bands[0].min, points=ZERO,
                     **units)
    i = len(bands) - 1
    while bands[i].min > value:
        i -= 1
    band = bands[i]
    if i == len(bands) - 1:
        return _line(indicator, band.points, "reason-band-top", low=band.min,
                     points=band.points, **units)
    return _line(indicator, band.points, "reason-band", low=band.min, high=bands[i + 1].min,
                 points=band.points, **units)


def _multi(indicator: Indicator, spec: PerChoicePoints, value: list[str]) -> Line:
    if not value:
        return _line(indicator, ZERO, "reason-multi-none", points=ZERO)
    points = sum((spec.choices.get(key, ZERO) for key in value), ZERO)
    chosen = [indicator.option(key) for key in value]
    names = {"count": len(value),
             "options_fa": "، ".join(o.title_fa for o in chosen),
             "options_en": ", ".join(o.title_en for o in chosen)}
    if spec.cap is not None and points > spec.cap:
        return _line(indicator, spec.cap, "reason-multi-capped", points=spec.cap, **names)
    return _line(indicator, points, "reason-multi", points=points, **names)


def _staff(indicator: Indicator, spec: PerStaffPoints, count: int,
           having: tuple[int, ...]) -> Line:
    """Staff points from the number of members and, per staff field, how many have it."""
    if not count:
        return _line(indicator, ZERO, "reason-staff-none", points=ZERO)
    points = spec.per_member * count
    details_fa, details_en = [], []
    for staff_field, n in zip(indicator.staff_fields, having, strict=True):
        points += spec.attributes.get(staff_field.key, ZERO) * n
        details_fa.append(f"{staff_field.title_fa}: {to_persian_digits(n)}")
        details_en.append(f"{staff_field.title_en}: {n}")
    args = {"count": count, "details_fa": "، ".join(details_fa),
            "details_en": ", ".join(details_en)}
    if spec.cap is not None and points > spec.cap:
        return _line(indicator, spec.cap, "reason-staff-capped", points=spec.cap, **args)
    return _line(indicator, points, "reason-staff", points=points, **args)
