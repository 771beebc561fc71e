"""The rubric as a whole: sections, indicators, negative items, external inputs (association,
satisfaction), completeness and ranks; the checks that span them (keys, sections, office types,
reachable rank thresholds); and the look-ups the score and the bot use (indicators for an office
type, the most points possible, the rank a total earns).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StrictBool, StrictInt, model_validator

from scoring.rubric.base import (
    OFFICE_TYPES,
    RESERVED_KEYS,
    Key,
    Num,
    OfficeType,
    Points,
    Problems,
    Text,
    _duplicates,
    _listing,
    _Model,
    _no_bool,
    _raise,
)
from scoring.rubric.indicator import Indicator


class Section(_Model):
    key: Key
    title_fa: Text
    title_en: Text


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

