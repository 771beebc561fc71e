"""The lines that come from others: the association's score, satisfaction (a score, or a survey
mean mapped onto the scale, or the default), and the committee's negative items.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from scoring.rubric import ExternalInput, Rubric, SatisfactionInput
from scoring.score.breakdown import ZERO, AppliedNegative, Line, _computed, round_points


def _finite(name: str, value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    number = Decimal(value) if not isinstance(value, float) else Decimal(repr(value))
    if isinstance(value, bool) or not number.is_finite():
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    return number


def _scaled(spec: ExternalInput, value: Decimal) -> Decimal:
    value = min(max(value, spec.min), spec.max)
    return round_points((value - spec.min) / (spec.max - spec.min) * spec.points)


def _association(spec: ExternalInput, value: Decimal | None) -> Line:
    if value is None:
        points = ZERO if spec.default is None else _scaled(spec, spec.default)
        return _computed("association", spec.title_fa, spec.title_en, points, spec.points,
                         "reason-association-missing")
    return _computed("association", spec.title_fa, spec.title_en, _scaled(spec, value),
                     spec.points, "reason-association", value=value, max=spec.max)


def _satisfaction(spec: SatisfactionInput, score: Decimal | None, mean: Decimal | None,
                  respondents: int = 0) -> Line:
    """A satisfaction score if there is one, else a survey mean mapped onto the scale, else the
    default."""
    def line(points: Decimal, reason: str, /, **args: Any) -> Line:
        return _computed("satisfaction", spec.title_fa, spec.title_en, points, spec.points,
                         reason, **args)

    if score is not None:
        return line(_scaled(spec, score), "reason-satisfaction", value=score, max=spec.max)
    if mean is not None:
        mean = min(max(mean, spec.mean_min), spec.mean_max)
        value = spec.min + (mean - spec.mean_min) / (spec.mean_max - spec.mean_min) * (
            spec.max - spec.min)
        return line(_scaled(spec, value), "reason-satisfaction-mean", mean=mean,
                    mean_max=spec.mean_max)
    points = ZERO if spec.default is None else _scaled(spec, spec.default)
    if respondents > 0:
        return line(points, "reason-satisfaction-few", count=respondents,
                    min=spec.min_respondents)
    return line(points, "reason-satisfaction-missing")


def _negatives(rubric: Rubric, applied: Iterable[AppliedNegative]) -> list[Line]:
    counts: dict[str, int] = {}
    for item in applied:
        try:
            rubric.negative(item.key)
        except KeyError:
            raise ValueError(f"unknown negative item {item.key!r}") from None
        if item.count < 1:
            raise ValueError(f"negative item {item.key!r}: count must be at least 1")
        counts[item.key] = counts.get(item.key, 0) + item.count
    lines = []
    for negative in rubric.negatives:  # rubric order, so equal decisions give equal breakdowns
        if negative.key not in counts:
            continue
        count = min(counts[negative.key], negative.max_count)
        deduction = round_points(negative.points * count)
        lines.append(Line(negative.key, "negative", negative.title_fa, negative.title_en,
                          -deduction, ZERO, "reason-negative", MappingProxyType(
                              {"count": count, "per": negative.points, "deduction": deduction})))
    return lines
