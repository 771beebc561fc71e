"""The rubric: what is asked, how it scores, and how a total becomes a rank.

A rubric is data: one TOML file per period (`scoring/rubrics/sample.toml` ships as a sample). This
module holds its typed model (pydantic v2, frozen) and the loader. The loader never lets a
traceback through: every problem, syntactic or semantic, comes back in `RubricError.errors` as
``"<path>: <message>"``, where the path is written like ``indicators[3].points.bands[1].min``
(indexes count from 0, as in the file's order of ``[[indicators]]`` blocks).

Rules a rubric must keep, so that scores behave (the property tests rely on them):
- every number of points is ≥ 0; negative items subtract a positive number;
- band thresholds increase and band points never decrease, so more of a quantity never scores less;
- every indicator's points are bounded (a cap, or the indicator's `max`);
- rank thresholds decrease from rank 1 down and are reachable; the service share decreases too.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    ValidationError,
    model_validator,
)

OFFICE_TYPES: tuple[str, ...] = ("urban", "rural_ict")
OFFICE_TYPE_TITLES: dict[str, tuple[str, str]] = {
    "urban": ("دفتر پیشخوان خدمات دولت (شهری)", "Urban government service counter office"),
    "rural_ict": ("دفتر ICT روستایی", "Rural ICT office"),
}
KINDS: tuple[str, ...] = ("integer", "number", "choice", "multi_choice", "yes_no", "staff_list")
# Line keys the score uses for what is not an indicator; an indicator may not take them.
RESERVED_KEYS = frozenset({"completeness", "association", "satisfaction", "total"})
SAMPLE_PATH = Path(__file__).resolve().parent / "rubrics" / "sample.toml"

OfficeType = Literal["urban", "rural_ict"]
Kind = Literal["integer", "number", "choice", "multi_choice", "yes_no", "staff_list"]


def _no_bool(value: object) -> object:
    # TOML `true` is not a number; pydantic's lax mode would take it as 1.
    if isinstance(value, bool):
        raise ValueError("a number is needed, not true/false")
    return value


Num = Annotated[Decimal, BeforeValidator(_no_bool), Field(allow_inf_nan=False)]
Points = Annotated[Decimal, BeforeValidator(_no_bool), Field(ge=0, allow_inf_nan=False)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,31}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]


class Problems(ValueError):
    """Several semantic problems found by one validator, each with a path below the model."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))
        self.problems = problems


def _raise(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise Problems(problems)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Option(_Model):
    key: Key
    title_fa: Text
    title_en: Text


class StaffField(_Model):
    """A yes/no attribute asked for each staff member, e.g. `insured`, `disabled`."""

    key: Key
    title_fa: Text
    title_en: Text


class Section(_Model):
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


class NegativeItem(_Model):
    """A violation decided by a committee: `points` subtracted per occurrence, for at most
    `max_count` occurrences."""

    key: Key
    title_fa: Text
    title_en: Text
    points: Annotated[Decimal, BeforeValidator(_no_bool), Field(gt=0, allow_inf_nan=False)]
    max_count: StrictInt = Field(default=1, ge=1, le=100)


class ExternalInput(_Model):
    """A score entered by someone else on the scale [`min`, `max`]; it earns up to `points`,
    linearly. `default` (on the same scale) is used when nobody entered one; without a default a
    missing score earns 0."""

    title_fa: Text
    title_en: Text
    min: Num = Decimal(0)
    max: Num
    points: Points
    default: Num | None = None

    @model_validator(mode="after")
    def _check(self) -> ExternalInput:
        problems = []
        if self.max <= self.min:
            problems.append(("max", f"must be above min ({self.max} ≤ {self.min})"))
        elif self.default is not None and not self.min <= self.default <= self.max:
            problems.append(("default", f"must lie between min and max ({self.min}–{self.max})"))
        _raise(problems)
        return self


class SatisfactionInput(ExternalInput):
    """Satisfaction: either a score on [`min`, `max`] or a survey mean on [`mean_min`,
    `mean_max`] (1–5), which maps linearly onto [`min`, `max`]."""

    mean_min: Num = Decimal(1)
    mean_max: Num = Decimal(5)
    # Fewer survey respondents than this: the mean is not used, `default` applies.
    min_respondents: StrictInt = Field(default=0, ge=0, le=100_000)

    @model_validator(mode="after")
    def _check_mean(self) -> SatisfactionInput:
        if self.mean_max <= self.mean_min:
            raise Problems([("mean_max", "must be above mean_min")])
        return self


class External(_Model):
    association: ExternalInput
    satisfaction: SatisfactionInput


class Completeness(_Model):
    """Computed, not asked: `points` × (items answered, with their evidence) / (items that
    apply)."""

    title_fa: Text
    title_en: Text
    points: Points
    count_evidence: StrictBool = True


class Ranks(_Model):
    """`thresholds[type][i]` is the least total for rank i+1; below the last one, the lowest rank.
    `service_share[i]` is the share of services (percent) rank i+1 may offer."""

    service_share: list[StrictInt] = Field(min_length=2, max_length=9)
    thresholds: dict[OfficeType, list[Num]]

    @model_validator(mode="after")
    def _check(self) -> Ranks:
        problems = []
        shares = self.service_share
        for i, share in enumerate(shares):
            if not 0 <= share <= 100:
                problems.append((f"service_share[{i}]", "must be a percentage (0–100)"))
        if any(b >= a for a, b in zip(shares, shares[1:], strict=False)):
            problems.append(("service_share", "must decrease from rank 1 down"))
        for office_type, cuts in self.thresholds.items():
            path = f"thresholds.{office_type}"
            if len(cuts) != len(shares) - 1:
                problems.append((path, f"needs {len(shares) - 1} thresholds for "
                                       f"{len(shares)} ranks, not {len(cuts)}"))
            if any(b >= a for a, b in zip(cuts, cuts[1:], strict=False)):
                problems.append((path, "thresholds must decrease from rank 1 down"))
        _raise(problems)
        return self


class Rubric(_Model):
    code: Key
    title_fa: Text
    title_en: Text
    sample: StrictBool = False
    office_types: list[OfficeType] = Field(default_factory=lambda: list(OFFICE_TYPES),
                                           min_length=1)
    min_total: Num = Decimal(0)
    sections: list[Section] = Field(min_length=1)
    indicators: list[Indicator] = Field(min_length=1)
    negatives: list[NegativeItem] = Field(default_factory=list)
    external: External
    completeness: Completeness
    ranks: Ranks

    @model_validator(mode="after")
    def _check(self) -> Rubric:
        problems: list[tuple[str, str]] = []
        problems += _duplicates("indicators", [i.key for i in self.indicators], key=True)
        problems += _duplicates("negatives", [n.key for n in self.negatives], key=True)
        problems += _duplicates("sections", [s.key for s in self.sections], key=True)
        problems += _duplicates("office_types", list(self.office_types))
        section_keys = {s.key for s in self.sections}
        for i, indicator in enumerate(self.indicators):
            if indicator.key in RESERVED_KEYS:
                problems.append((f"indicators[{i}].key", f"{indicator.key!r} is reserved"))
            if indicator.section not in section_keys:
                problems.append((f"indicators[{i}].section", f"no such section "
                                 f"{indicator.section!r}; sections are {_listing(section_keys)}"))
            for office_type in indicator.office_types:
                if office_type not in self.office_types:
                    problems.append((f"indicators[{i}].office_types",
                                     f"{office_type!r} is not among the rubric's office_types"))
        for office_type in self.office_types:
            cuts = self.ranks.thresholds.get(office_type)
            if cuts is None:
                problems.append(("ranks.thresholds", f"no thresholds for {office_type!r}"))
                continue
            top = _max_total(self, office_type)
            for i, cut in enumerate(cuts):
                if cut > top:
                    problems.append((f"ranks.thresholds.{office_type}[{i}]",
                                     f"rank {i + 1} needs {cut} but at most {top} points are "
                                     f"possible for {office_type!r}"))
                elif cut <= self.min_total:
                    problems.append((f"ranks.thresholds.{office_type}[{i}]",
                                     f"must be above min_total ({self.min_total}), or the lowest "
                                     f"rank is unreachable"))
        _raise(problems)
        return self

    def model_post_init(self, context: Any, /) -> None:
        # Look-ups the score uses for every office; computed once, from the fields only, so that
        # two equal rubrics stay equal.
        self._by_key = {i.key: i for i in self.indicators}
        self._negative_by_key = {n.key: n for n in self.negatives}
        self._for_type = {t: tuple(i for i in self.indicators if t in i.office_types)
                          for t in OFFICE_TYPES}
        self._max_total = {t: _max_total(self, t) for t in OFFICE_TYPES}

    def indicators_for(self, office_type: str) -> list[Indicator]:
        """The indicators an office of this type is asked, in asking order."""
        try:
            return list(self._for_type[office_type])
        except KeyError:
            raise ValueError(f"unknown office type {office_type!r}") from None

    def applicable(self, office_type: str) -> tuple[Indicator, ...]:
        """Like `indicators_for`, without the copy (for hot loops)."""
        return self._for_type[office_type]

    def indicator(self, key: str) -> Indicator:
        return self._by_key[key]

    def negative(self, key: str) -> NegativeItem:
        return self._negative_by_key[key]

    def sections_for(self, office_type: str) -> list[Section]:
        """The sections that hold at least one question for this office type, in asking order."""
        used = {i.section for i in self.applicable(office_type)}
        return [s for s in self.sections if s.key in used]

    def section_indicators(self, office_type: str, section: str) -> list[Indicator]:
        return [i for i in self.applicable(office_type) if i.section == section]

    def max_total(self, office_type: str) -> Decimal:
        """The most points an office of this type can reach."""
        return self._max_total[office_type]

    @property
    def lowest_rank(self) -> int:
        return len(self.ranks.service_share)

    def rank_for(self, office_type: str, total: Decimal) -> int:
        """Rank 1 if the total reaches the first threshold, and so on; the lowest rank below
        all of them."""
        for i, cut in enumerate(self.ranks.thresholds[office_type]):
            if total >= cut:
                return i + 1
        return self.lowest_rank

    def service_share(self, rank: int) -> int:
        return self.ranks.service_share[rank - 1]


def _max_total(rubric: Rubric, office_type: str) -> Decimal:
    total = sum((i.max_points for i in rubric.indicators if office_type in i.office_types),
                Decimal(0))
    return (total + rubric.completeness.points + rubric.external.association.points
            + rubric.external.satisfaction.points)


def _duplicates(path: str, keys: list[str], key: bool = False) -> list[tuple[str, str]]:
    seen: dict[str, int] = {}
    problems = []
    for i, name in enumerate(keys):
        if name in seen:
            where = f"{path}[{i}].key" if key else f"{path}[{i}]"
            problems.append((where, f"duplicate {name!r} (first at {path}[{seen[name]}])"))
        else:
            seen[name] = i
    return problems


def _listing(keys: Iterable[str]) -> str:
    names = sorted(keys)
    return ", ".join(names) if names else "(none)"


# ---------------------------------------------------------------------------------------------
# Loading


class RubricError(ValueError):
    """A rubric that cannot be used. `errors` lists every problem as "<path>: <message>"."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("invalid rubric:\n" + "\n".join(f"- {e}" for e in errors))
        self.errors = errors


def parse_rubric_text(text: str) -> Rubric:
    """Parse and check a rubric from TOML text. Raises RubricError with every problem found."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise RubricError([f"(toml): {exc}"]) from None
    return rubric_from_dict(data)


def rubric_from_dict(data: dict[str, Any]) -> Rubric:
    try:
        return Rubric.model_validate(data)
    except ValidationError as exc:
        raise RubricError(_messages(exc)) from None


def load_rubric(source: str | Path) -> Rubric:
    """A rubric from a file path, or from TOML text (a str with a newline, or one that is neither
    an existing file nor a name ending in `.toml`). Raises RubricError, never anything else, for
    a file that cannot be used."""
    if isinstance(source, str) and ("\n" in source or not (
            source.strip().endswith(".toml") or _is_file(source))):
        return parse_rubric_text(source)
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RubricError([f"{path}: cannot read the file ({exc})"]) from None
    return parse_rubric_text(text)


def _is_file(name: str) -> bool:
    try:
        return Path(name).is_file()
    except (OSError, ValueError):  # a name too long, a NUL byte: text, not a path
        return False


def load_sample_rubric() -> Rubric:
    return load_rubric(SAMPLE_PATH)


def sample_rubric_text() -> str:
    return SAMPLE_PATH.read_text(encoding="utf-8")


def _messages(exc: ValidationError) -> list[str]:
    out = []
    for error in exc.errors():
        path = _path(error["loc"])
        cause = (error.get("ctx") or {}).get("error")
        if isinstance(cause, Problems):
            for sub, message in cause.problems:
                out.append(f"{_join(path, sub)}: {message}")
            continue
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "missing":
            message = "missing (required)"
        elif error["type"] == "extra_forbidden":
            message = "unknown field (a typo?)"
        out.append(f"{path or '(top)'}: {message}")
    return out


def _path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for i, part in enumerate(loc):
        if isinstance(part, int):
            text += f"[{part}]"
        elif i > 0 and loc[i - 1] == "points" and part in POINT_TYPES:
            continue  # pydantic puts the union's tag into the path; the file has no such level
        else:
            text += f".{part}" if text else str(part)
    return text


def _join(path: str, sub: str) -> str:
    if not path:
        return sub
    return path + sub if sub.startswith("[") else f"{path}.{sub}"


# ---------------------------------------------------------------------------------------------
# Writing a rubric back as TOML (a snapshot of a rubric built in code; a loaded file should be
# stored as its own text, comments and all).

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def rubric_to_toml_text(rubric: Rubric) -> str:
    """TOML text that `parse_rubric_text` reads back into an equal rubric."""
    data = rubric.model_dump(mode="python", exclude_none=True)
    lines: list[str] = []
    _emit_table(lines, [], data)
    return "\n".join(lines).strip() + "\n"


def _emit_table(lines: list[str], path: list[str], table: dict[str, Any]) -> None:
    nested = []
    for name, value in table.items():
        if isinstance(value, dict) or _is_table_list(value):
            nested.append((name, value))
        else:
            lines.append(f"{_toml_key(name)} = {_toml_value(value)}")
    for name, value in nested:
        sub = [*path, _toml_key(name)]
        if isinstance(value, dict):
            lines += ["", f"[{'.'.join(sub)}]"]
            _emit_table(lines, sub, value)
        else:
            for item in value:
                lines += ["", f"[[{'.'.join(sub)}]]"]
                _emit_table(lines, sub, item)


def _is_table_list(value: object) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _toml_key(name: str) -> str:
    return name if _BARE.match(name) else json.dumps(name, ensure_ascii=False)


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        if value == value.to_integral_value() and abs(value) < 10**15:
            return str(int(value))
        return str(value).replace("E", "e")
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")
