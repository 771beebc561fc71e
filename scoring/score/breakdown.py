"""What a score is made of: `Line` and `Breakdown` (and their JSON), the external inputs and
negative decisions a score takes, the reason keys, the rounding rule for one line, and the helpers
that build a line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from scoring.rubric import Indicator

CENT = Decimal("0.01")
ZERO = Decimal(0)
_ZERO_ARGS = MappingProxyType({"points": ZERO})

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
    breakdowns (see `scoring.score.cache`), so `reason_args` is read-only."""

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


def _line(indicator: Indicator, points: Decimal, reason: str, /, **args: Any) -> Line:
    return Line(indicator.key, "indicator", indicator.title_fa, indicator.title_en,
                round_points(points), indicator.max_points, reason, MappingProxyType(args))


def _zero(indicator: Indicator, reason: str) -> Line:
    return Line(indicator.key, "indicator", indicator.title_fa, indicator.title_en, ZERO,
                indicator.max_points, reason, _ZERO_ARGS)


def _computed(key: str, title_fa: str, title_en: str, points: Decimal, max_points: Decimal,
              reason: str, **args: Any) -> Line:
    return Line(key, key, title_fa, title_en, points, max_points, reason,
                MappingProxyType({"points": points, **args}))
