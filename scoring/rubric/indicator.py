"""One question of the declaration (`Indicator`) and its parts: options, staff fields, the evidence
it asks for, and the checks that keep its kind, bounds and points consistent.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import Field, StrictBool, StrictInt, model_validator

from scoring.rubric.base import (
    OFFICE_TYPES,
    Key,
    Kind,
    LongText,
    Num,
    OfficeType,
    Text,
    _duplicates,
    _listing,
    _Model,
    _raise,
)
from scoring.rubric.points import (
    _POINTS_FOR_KIND,
    PerChoicePoints,
    PerStaffPoints,
    PerUnitPoints,
    PointsSpec,
)


class Option(_Model):
    key: Key
    title_fa: Text
    title_en: Text


class StaffField(_Model):
    """A yes/no attribute asked for each staff member, e.g. `insured`, `disabled`."""

    key: Key
    title_fa: Text
    title_en: Text


class Evidence(_Model):
    """What an answer must be backed by. Only a non-empty answer needs evidence (no staff, no
    facilities, «no», 0: nothing to show)."""

    kind: Literal["none", "photo", "document", "either"] = "none"
    min_count: StrictInt = Field(default=0, ge=0, le=20)
    prompt_fa: LongText = ""
    prompt_en: LongText = ""

    @model_validator(mode="after")
    def _check(self) -> Evidence:
        problems = []
        if self.kind == "none" and self.min_count:
            problems.append(("min_count", "must be 0 when no evidence is asked (kind = \"none\")"))
        if self.kind != "none" and not (self.prompt_fa and self.prompt_en):
            problems.append(("prompt_fa", "evidence needs a prompt in both languages"))
        _raise(problems)
        return self


class Indicator(_Model):
    """One question of the declaration. For `multi_choice` and `staff_list`, `min`/`max` bound the
    number of options chosen or of staff members."""

    key: Key
    section: Key
    title_fa: Text
    title_en: Text
    hint_fa: LongText = ""
    hint_en: LongText = ""
    kind: Kind
    unit_fa: LongText = ""
    unit_en: LongText = ""
    min: Num | None = None
    max: Num | None = None
    required: StrictBool = True
    options: list[Option] = Field(default_factory=list)
    staff_fields: list[StaffField] = Field(default_factory=list)
    evidence: Evidence = Field(default_factory=Evidence)
    office_types: list[OfficeType] = Field(default_factory=lambda: list(OFFICE_TYPES),
                                           min_length=1)
    points: PointsSpec

    @model_validator(mode="after")
    def _check(self) -> Indicator:
        problems: list[tuple[str, str]] = []
        kind = self.kind
        if self.points.type not in _POINTS_FOR_KIND[kind]:
            allowed = " or ".join(_POINTS_FOR_KIND[kind])
            problems.append(("points.type", f"a {kind} indicator takes {allowed} points, "
                                            f"not {self.points.type}"))
        if kind in ("choice", "multi_choice"):
            if len(self.options) < 2:
                problems.append(("options", f"a {kind} indicator needs at least 2 options"))
        elif self.options:
            problems.append(("options", f"only choice indicators have options, not {kind}"))
        if kind != "staff_list" and self.staff_fields:
            problems.append(("staff_fields", f"only staff_list indicators have staff fields, "
                                             f"not {kind}"))
        problems += _duplicates("options", [o.key for o in self.options])
        problems += _duplicates("staff_fields", [f.key for f in self.staff_fields])
        problems += _duplicates("office_types", list(self.office_types))
        problems += self._bounds_problems()
        option_keys = {o.key for o in self.options}
        if isinstance(self.points, PerChoicePoints):
            for name in self.points.choices:
                if name not in option_keys:
                    problems.append((f"points.choices.{name}",
                                     f"no such option; the options are {_listing(option_keys)}"))
        if isinstance(self.points, PerStaffPoints):
            field_keys = {f.key for f in self.staff_fields}
            for name in self.points.attributes:
                if name not in field_keys:
                    problems.append((f"points.attributes.{name}", "no such staff field; the "
                                     f"fields are {_listing(field_keys)}"))
        if isinstance(self.points, PerUnitPoints | PerStaffPoints):
            if self.points.cap is None and self.max is None:
                problems.append(("points.cap", "the points need a cap or the indicator a max"))
        _raise(problems)
        return self

    def _bounds_problems(self) -> list[tuple[str, str]]:
        problems = []
        low, high = self.min, self.max
        if self.kind in ("choice", "yes_no"):
            for name, value in (("min", low), ("max", high)):
                if value is not None:
                    problems.append((name, f"a {self.kind} indicator has no bounds"))
            return problems
        whole = self.kind != "number"
        for name, value in (("min", low), ("max", high)):
            if value is None:
                continue
            if whole and value != value.to_integral_value():
                problems.append((name, f"must be a whole number for a {self.kind} indicator"))
            if self.kind in ("multi_choice", "staff_list") and value < 0:
                problems.append((name, "a count cannot be negative"))
        if low is not None and high is not None and low > high:
            problems.append(("max", f"must not be below min ({high} < {low})"))
        if self.kind == "multi_choice" and low is not None and low > len(self.options):
            problems.append(("min", "asks for more choices than there are options"))
        return problems

    def model_post_init(self, context: Any, /) -> None:
        self._max_points = self.points.max_points(self)
        self._option_keys = frozenset(o.key for o in self.options)

    @property
    def max_points(self) -> Decimal:
        """The most points this indicator can give."""
        return self._max_points

    @property
    def option_keys(self) -> frozenset[str]:
        return self._option_keys

    def option(self, key: str) -> Option | None:
        for option in self.options:
            if option.key == key:
                return option
        return None

    @property
    def needs_evidence(self) -> bool:
        return self.evidence.kind != "none" and self.evidence.min_count > 0

