"""Score, rank and service share of one office, with the reason for every point.

`score()` is a pure function of (rubric, office type, answers, external inputs, negative items):
the same arguments always give the same breakdown.

Rounding rule: all arithmetic is exact Decimal (28 significant digits, a fixed context, whatever
the caller's); every line (indicator, completeness, association, satisfaction, each negative item)
is rounded to 2 decimal places, half up; the subtotal is the sum of the rounded positive lines, the
penalty the sum of the rounded negative lines, and total = max(min_total, subtotal + penalty). The
rank compares that total with the rubric's thresholds (total ≥ threshold).

Period rule (`resolve_source`, `score_period`): an office that submitted in the window is scored on
its declaration; one that did not has its last confirmed declaration carried forward; one with no
data at all gets the minimum score (`min_total`) and the lowest rank.

Every line names its reason with a Fluent message id in `locales/*/scoring.ftl` (`REASON_KEYS`) and
the arguments that fill it; titles and units come in both languages (`*_fa`, `*_en`) so that each
catalog picks its own.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, localcontext
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from scoring.answers import AnswerError, has_substance, validate_value
from scoring.rubric import (
    BandsPoints,
    ExternalInput,
    Indicator,
    PerChoicePoints,
    PerStaffPoints,
    PerUnitPoints,
    Rubric,
    SatisfactionInput,
)
from scoring.text import to_persian_digits

CENT = Decimal("0.01")
ZERO = Decimal(0)
_ZERO_ARGS = MappingProxyType({"points": ZERO})
_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)

Source = Literal["declared", "carried_forward", "minimum"]

REASON_KEYS = frozenset({
    "reason-band",
    "reason-band-top",
    "reason-band-below",
    "reason-per-unit",
    "reason-per-unit-capped",
    "reason-choice",
    "reason-multi",
    "reason-multi-capped",
    "reason-multi-none",
    "reason-yes",
    "reason-no",
    "reason-staff",
    "reason-staff-capped",
    "reason-staff-none",
    "reason-unanswered",
    "reason-invalid",
    "reason-completeness",
    "reason-association",
    "reason-association-missing",
    "reason-satisfaction",
    "reason-satisfaction-mean",
    "reason-satisfaction-missing",
    "reason-satisfaction-few",
    "reason-negative",
    "reason-no-data",
})


def round_points(value: Decimal) -> Decimal:
    """The rounding rule for one line: 2 decimal places, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class ExternalInputs:
    """Scores entered by others. `association` and `satisfaction` are on the rubric's scale of
    each; `satisfaction_mean` (a survey mean, 1–5) is used when `satisfaction` is None."""

    association: Decimal | None = None
    satisfaction: Decimal | None = None
    satisfaction_mean: Decimal | None = None
    # Survey respondents; with no mean, some respondents means "too few to use", not "none".
    respondents: int | None = None


NO_EXTERNAL = ExternalInputs()


@dataclass(frozen=True, slots=True)
class AppliedNegative:
    """A committee's decision: negative item `key`, `count` times."""

    key: str
    count: int = 1


class Line(NamedTuple):
    """One line of a breakdown. `kind` is "indicator", "completeness", "association",
    "satisfaction" or "negative"; a negative line has points ≤ 0. Lines are shared between
    breakdowns (see `_memo`), so `reason_args` is read-only."""

    key: str
    kind: str
    title_fa: str
    title_en: str
    points: Decimal
    max_points: Decimal
    reason_key: str
    reason_args: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Breakdown:
    rubric_code: str
    office_type: str
    source: str
    lines: tuple[Line, ...]
    subtotal: Decimal
    negatives: tuple[Line, ...]
    penalty: Decimal
    total: Decimal
    max_total: Decimal
    rank: int
    service_share: int

    def line(self, key: str) -> Line:
        for line in (*self.lines, *self.negatives):
            if line.key == key:
                return line
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: points as strings (exact); numbers among the reason arguments as JSON
        numbers (they are only shown)."""
        return {
            "rubric_code": self.rubric_code, "office_type": self.office_type,
            "source": self.source, "lines": [_line_to_dict(x) for x in self.lines],
            "subtotal": str(self.subtotal),
            "negatives": [_line_to_dict(x) for x in self.negatives],
            "penalty": str(self.penalty), "total": str(self.total),
            "max_total": str(self.max_total), "rank": self.rank,
            "service_share": self.service_share,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Breakdown:
        return cls(
            rubric_code=data["rubric_code"], office_type=data["office_type"],
            source=data["source"], lines=tuple(_line_from_dict(x) for x in data["lines"]),
            subtotal=Decimal(data["subtotal"]),
            negatives=tuple(_line_from_dict(x) for x in data["negatives"]),
            penalty=Decimal(data["penalty"]), total=Decimal(data["total"]),
            max_total=Decimal(data["max_total"]), rank=int(data["rank"]),
            service_share=int(data["service_share"]),
        )


def _line_to_dict(line: Line) -> dict[str, Any]:
    args = {k: float(v) if isinstance(v, Decimal) else v for k, v in line.reason_args.items()}
    return {"key": line.key, "kind": line.kind, "title_fa": line.title_fa,
            "title_en": line.title_en, "points": str(line.points),
            "max_points": str(line.max_points), "reason_key": line.reason_key,
            "reason_args": args}


def _line_from_dict(data: Mapping[str, Any]) -> Line:
    return Line(key=data["key"], kind=data["kind"], title_fa=data["title_fa"],
                title_en=data["title_en"], points=Decimal(data["points"]),
                max_points=Decimal(data["max_points"]), reason_key=data["reason_key"],
                reason_args=MappingProxyType(dict(data["reason_args"])))


# ---------------------------------------------------------------------------------------------
# Score


def score(rubric: Rubric, office_type: str, answers: Mapping[str, Any],
          external: ExternalInputs | None = None,
          negatives: Iterable[AppliedNegative] = (), *,
          evidence_counts: Mapping[str, int] | None = None,
          source: Source = "declared") -> Breakdown:
    """The breakdown of one office's answers. Answers the rubric would refuse (e.g. carried over
    from a period with another rubric) score 0 with reason `reason-invalid`; keys the rubric does
    not ask this office type are ignored. `evidence_counts`, when given, also makes an answer
    without its evidence count as incomplete for the completeness points. Raises ValueError only
    for an unknown office type or negative item, or an external score that is not a number."""
    if office_type not in rubric.office_types:
        raise ValueError(f"the rubric does not rank office type {office_type!r}")
    external = external or NO_EXTERNAL
    with localcontext(_CONTEXT):
        lines: list[Line] = []
        complete = 0
        count_evidence = evidence_counts is not None and rubric.completeness.count_evidence
        indicators = rubric.applicable(office_type)
        for indicator in indicators:
            raw = answers.get(indicator.key)
            if raw is None:
                lines.append(_zero(indicator, "reason-unanswered"))
                continue
            line, substance = _indicator_line(indicator, raw)
            lines.append(line)
            if line.reason_key == "reason-invalid":
                continue
            if (count_evidence and substance and indicator.needs_evidence
                    and evidence_counts.get(indicator.key, 0) < indicator.evidence.min_count):
                continue
            complete += 1
        memo = _memo(rubric)
        lines.append(_cached(memo, ("completeness", complete, len(indicators)),
                             _completeness, rubric, complete, len(indicators)))
        association = _finite("association", external.association)
        lines.append(_cached(memo, ("association", association),
                             _association, rubric.external.association, association))
        satisfaction = (_finite("satisfaction", external.satisfaction),
                        _finite("satisfaction_mean", external.satisfaction_mean),
                        external.respondents or 0)
        lines.append(_cached(memo, ("satisfaction", *satisfaction),
                             _satisfaction, rubric.external.satisfaction, *satisfaction))
        negative_lines = _negatives(rubric, negatives)
        return _finish(rubric, office_type, source, lines, negative_lines)


# Lines depend only on (indicator, value), and most offices give one of a few values (the same
# location, the same band of area, the same mix of insured staff), so each rubric object keeps a
# small cache of the lines it has made. It lives beside the rubric, not in it, so that equal
# rubrics stay equal and a copied rubric starts afresh; it is dropped with the rubric.
_MEMOS: dict[int, dict[Any, Any]] = {}
_MEMO_SIZE = 4096


def _memo(owner: object) -> dict[Any, Any]:
    memo = _MEMOS.get(id(owner))
    if memo is None:
        memo = _MEMOS[id(owner)] = {}
        weakref.finalize(owner, _MEMOS.pop, id(owner), None)
    elif len(memo) > _MEMO_SIZE:
        memo.clear()
    return memo


def clear_caches() -> None:
    """Forget every cached line (for benchmarks that must start cold)."""
    _MEMOS.clear()


def _cached(memo: dict[Any, Any], key: tuple[Any, ...], make: Any, *args: Any) -> Any:
    try:
        return memo[key]
    except KeyError:
        value = memo[key] = make(*args)
        return value


def _finite(name: str, value: Decimal | None) -> Decimal | None:
    if value is None:
        return None
    number = Decimal(value) if not isinstance(value, float) else Decimal(repr(value))
    if isinstance(value, bool) or not number.is_finite():
        raise ValueError(f"{name} must be a finite number, not {value!r}")
    return number


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


def _finish(rubric: Rubric, office_type: str, source: str, lines: list[Line],
            negative_lines: list[Line]) -> Breakdown:
    subtotal = sum((line.points for line in lines), ZERO)
    penalty = sum((line.points for line in negative_lines), ZERO)
    total = max(rubric.min_total, subtotal + penalty)
    rank = rubric.rank_for(office_type, total)
    return Breakdown(
        rubric_code=rubric.code, office_type=office_type, source=source, lines=tuple(lines),
        subtotal=subtotal, negatives=tuple(negative_lines), penalty=penalty, total=total,
        max_total=rubric.max_total(office_type), rank=rank,
        service_share=rubric.service_share(rank),
    )


def _line(indicator: Indicator, points: Decimal, reason: str, /, **args: Any) -> Line:
    return Line(indicator.key, "indicator", indicator.title_fa, indicator.title_en,
                round_points(points), indicator.max_points, reason, MappingProxyType(args))


def _zero(indicator: Indicator, reason: str) -> Line:
    return Line(indicator.key, "indicator", indicator.title_fa, indicator.title_en, ZERO,
                indicator.max_points, reason, _ZERO_ARGS)


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


def _computed(key: str, title_fa: str, title_en: str, points: Decimal, max_points: Decimal,
              reason: str, **args: Any) -> Line:
    return Line(key, key, title_fa, title_en, points, max_points, reason,
                MappingProxyType({"points": points, **args}))


def _completeness(rubric: Rubric, done: int, total: int) -> Line:
    spec = rubric.completeness
    points = spec.points if total == 0 else round_points(spec.points * done / total)
    return _computed("completeness", spec.title_fa, spec.title_en, points, spec.points,
                     "reason-completeness", done=done, total=total)


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


# ---------------------------------------------------------------------------------------------
# The period rule


def minimum_breakdown(rubric: Rubric, office_type: str) -> Breakdown:
    """An office with no data at all: every line 0, total `min_total`, the lowest rank."""
    lines = [_zero(i, "reason-no-data") for i in rubric.applicable(office_type)]
    spec = rubric.completeness
    lines.append(_computed("completeness", spec.title_fa, spec.title_en, ZERO, spec.points,
                           "reason-no-data"))
    for key, ext in (("association", rubric.external.association),
                     ("satisfaction", rubric.external.satisfaction)):
        lines.append(_computed(key, ext.title_fa, ext.title_en, ZERO, ext.points,
                               "reason-no-data"))
    rank = rubric.lowest_rank
    return Breakdown(
        rubric_code=rubric.code, office_type=office_type, source="minimum", lines=tuple(lines),
        subtotal=ZERO, negatives=(), penalty=ZERO, total=rubric.min_total,
        max_total=rubric.max_total(office_type), rank=rank,
        service_share=rubric.service_share(rank),
    )


def resolve_source(this_period: Mapping[str, Any] | None,
                   last_confirmed: Mapping[str, Any] | None,
                   ) -> tuple[Source, Mapping[str, Any]]:
    """Which answers score an office at the end of a period.

    `this_period`: the answers the office submitted in this window (submitted, returned and
    re-submitted, or confirmed), or None if it submitted nothing; a draft never submitted counts
    as nothing. `last_confirmed`: the answers of its last confirmed declaration in an earlier
    period, or None. Not announcing changes counts as confirming the previous information.
    """
    if this_period is not None:
        return "declared", this_period
    if last_confirmed is not None:
        return "carried_forward", last_confirmed
    return "minimum", {}


def score_period(rubric: Rubric, office_type: str, this_period: Mapping[str, Any] | None,
                 last_confirmed: Mapping[str, Any] | None,
                 external: ExternalInputs | None = None,
                 negatives: Iterable[AppliedNegative] = (), *,
                 evidence_counts: Mapping[str, int] | None = None) -> Breakdown:
    """`resolve_source` then `score` (or `minimum_breakdown` for an office with no data)."""
    source, answers = resolve_source(this_period, last_confirmed)
    if source == "minimum":
        return minimum_breakdown(rubric, office_type)
    return score(rubric, office_type, answers, external, negatives,
                 evidence_counts=evidence_counts, source=source)
