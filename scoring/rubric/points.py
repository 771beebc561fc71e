"""How an indicator's answer turns into points: the five point rules (bands, per unit, per choice,
yes/no, per staff member), each with its own checks and the most points it can give, and which rule
each kind of indicator may take.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BeforeValidator, Field, model_validator

from scoring.rubric.base import Key, Num, Points, _Model, _no_bool, _raise

if TYPE_CHECKING:
    from scoring.rubric.indicator import Indicator


class Band(_Model):
    min: Num
    points: Points


class BandsPoints(_Model):
    """Points by bands: a value scores the points of the last band whose `min` it reaches;
    below the first band it scores 0."""

    type: Literal["bands"]
    bands: list[Band] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> BandsPoints:
        problems = []
        for i in range(1, len(self.bands)):
            before, band = self.bands[i - 1], self.bands[i]
            if band.min <= before.min:
                problems.append(("bands", f"thresholds must increase ({band.min} after "
                                          f"{before.min} at bands[{i}])"))
            if band.points < before.points:
                problems.append((f"bands[{i}].points", "points must not decrease as the "
                                 f"value grows ({band.points} after {before.points})"))
        _raise(problems)
        return self

    def max_points(self, indicator: Indicator) -> Decimal:
        return self.bands[-1].points


class PerUnitPoints(_Model):
    """`per_unit` points for each unit of the value, at most `cap`."""

    type: Literal["per_unit"]
    per_unit: Annotated[Decimal, BeforeValidator(_no_bool), Field(gt=0, allow_inf_nan=False)]
    cap: Points | None = None

    def max_points(self, indicator: Indicator) -> Decimal:
        bounds = [] if self.cap is None else [self.cap]
        if indicator.max is not None:
            bounds.append(max(Decimal(0), indicator.max) * self.per_unit)
        return min(bounds, default=Decimal(0))  # unbounded is refused by Indicator's check


class PerChoicePoints(_Model):
    """Points per option; a multi-choice answer sums its options' points, at most `cap`. Options
    not named here score 0."""

    type: Literal["per_choice"]
    choices: dict[Key, Points]
    cap: Points | None = None

    def max_points(self, indicator: Indicator) -> Decimal:
        values = list(self.choices.values()) or [Decimal(0)]
        if indicator.kind == "choice":
            return max(values)
        total = sum(values, Decimal(0))
        return total if self.cap is None else min(total, self.cap)


class YesNoPoints(_Model):
    type: Literal["yes_no"]
    yes: Points
    no: Points = Decimal(0)

    def max_points(self, indicator: Indicator) -> Decimal:
        return max(self.yes, self.no)


class PerStaffPoints(_Model):
    """`per_member` points for each staff member plus, per member, the points of each yes/no
    attribute they have (e.g. insured 2, disabled 2); at most `cap`."""

    type: Literal["per_staff"]
    per_member: Points = Decimal(0)
    attributes: dict[Key, Points] = Field(default_factory=dict)
    cap: Points | None = None

    def max_points(self, indicator: Indicator) -> Decimal:
        bounds = [] if self.cap is None else [self.cap]
        if indicator.max is not None:
            each = self.per_member + sum(self.attributes.values(), Decimal(0))
            bounds.append(max(Decimal(0), indicator.max) * each)
        return min(bounds, default=Decimal(0))  # unbounded is refused by Indicator's check


PointsSpec = Annotated[
    BandsPoints | PerUnitPoints | PerChoicePoints | YesNoPoints | PerStaffPoints,
    Field(discriminator="type"),
]
POINT_TYPES = ("bands", "per_unit", "per_choice", "yes_no", "per_staff")
_POINTS_FOR_KIND = {
    "integer": ("bands", "per_unit"),
    "number": ("bands", "per_unit"),
    "choice": ("per_choice",),
    "multi_choice": ("per_choice",),
    "yes_no": ("yes_no",),
    "staff_list": ("per_staff",),
}

