"""Synthetic offices: realistic answers, external inputs and committee decisions.

Used to calibrate a rubric's points and rank thresholds (see the header of
`scoring/rubrics/sample.toml`), by the calibration test and by the ranking benchmark. Nothing here
is real data. The distributions are plausible guesses for Iranian counter offices, written down so
that they can be argued with:

- usable area: log-normal, median 55 m² (urban) / 30 m² (rural ICT);
- staff besides the holder: mostly 2–5 (urban), 0–2 (rural ICT); each insured with probability
  0.8 / 0.55, except the 8 % of offices that insure nobody; 4 % / 3 % with a disability;
- location: urban main street 30 %, complex 20 %, side street 35 %, alley 15 %; rural village
  centre 55 %, main road 30 %, edge 15 %;
- the holder's years: triangular on 0–16 (the first offices opened around 1388), mode 10 / 8;
- step-free access 65 % / 75 %; facilities drawn one by one (seating and priority queueing common,
  ramps less, accessible toilets and parking rare);
- association score: none for 8 % of offices, otherwise normal around 72 of 100 (sd 12);
- satisfaction: no survey for 20 %, otherwise a 1–5 mean around 4.1 (sd 0.35);
- committee decisions: overcharging 4 %, moving without consent 1 %, no facilities 2 % (6 % of
  offices without any), forgery 0.5 %;
- 3 % of answers left empty and 5 % of evidence short, which the completeness points see.

Indicators of a rubric this module does not know are answered uniformly within their bounds.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from scoring.rubric import Indicator, Rubric
from scoring.score import AppliedNegative, Breakdown, ExternalInputs, score

H1_1399_MIX = {"urban": 6630, "rural_ict": 1313}
PUBLISHED_SHARES = (Decimal(57), Decimal(41), Decimal(2))

_FIRST_NAMES = ("زهرا", "علی", "فاطمه", "محمد", "مریم", "حسین", "نرگس", "رضا", "سمیه", "مهدی",
                "الهام", "امیر", "لیلا", "سعید", "نسرین", "جواد")
_LAST_NAMES = ("رضایی", "محمدی", "حسینی", "احمدی", "کریمی", "موسوی", "جعفری", "طاهری",
               "صادقی", "نوری", "قاسمی", "رحیمی")


@dataclass(frozen=True, slots=True)
class SyntheticOffice:
    office_type: str
    answers: dict[str, Any]
    external: ExternalInputs
    negatives: tuple[AppliedNegative, ...]
    evidence_counts: dict[str, int]


def _clip(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _within(indicator: Indicator, value: float) -> float:
    low = float(indicator.min) if indicator.min is not None else -math.inf
    high = float(indicator.max) if indicator.max is not None else math.inf
    return _clip(value, low, high)


def _area(ind: Indicator, office_type: str, rng: random.Random) -> int:
    median = 55 if office_type == "urban" else 30
    return int(round(_within(ind, rng.lognormvariate(math.log(median), 0.45))))


# Staff besides the holder; cumulative weights, computed once (random.choices is slow otherwise).
_URBAN_STAFF = range(1, 9)
_URBAN_STAFF_CUM = list(itertools.accumulate((5, 15, 25, 25, 15, 8, 4, 3)))
_RURAL_STAFF = range(0, 4)
_RURAL_STAFF_CUM = list(itertools.accumulate((20, 45, 25, 10)))


def _staff(ind: Indicator, office_type: str, rng: random.Random) -> list[dict[str, Any]]:
    if office_type == "urban":
        count = rng.choices(_URBAN_STAFF, cum_weights=_URBAN_STAFF_CUM)[0]
        insured_p, disabled_p = 0.8, 0.04
    else:
        count = rng.choices(_RURAL_STAFF, cum_weights=_RURAL_STAFF_CUM)[0]
        insured_p, disabled_p = 0.55, 0.03
    if rng.random() < 0.08:
        insured_p = 0.0
    count = int(_within(ind, count))
    field_p = {"insured": insured_p, "disabled": disabled_p}
    members = []
    for _ in range(count):
        member: dict[str, Any] = {"name": f"{rng.choice(_FIRST_NAMES)} {rng.choice(_LAST_NAMES)}"}
        for f in ind.staff_fields:
            member[f.key] = rng.random() < field_p.get(f.key, 0.3)
        members.append(member)
    return members


def _holder_years(ind: Indicator, office_type: str, rng: random.Random) -> int:
    mode = 10 if office_type == "urban" else 8
    return int(_within(ind, int(rng.triangular(0, 16.99, mode))))


_CHOICE_WEIGHTS = {
    "location_urban": {"main_street": 30, "commercial": 20, "side_street": 35, "alley": 15},
    "location_rural": {"village_centre": 55, "main_road": 30, "village_edge": 15},
}
_YES_P = {"step_free": {"urban": 0.65, "rural_ict": 0.75}}
_MULTI_P = {
    "facilities": {
        "urban": {"ramp": 0.35, "toilet": 0.12, "seating": 0.8, "priority": 0.55,
                  "low_counter": 0.15, "parking": 0.08},
        "rural_ict": {"ramp": 0.15, "toilet": 0.05, "seating": 0.6, "priority": 0.4,
                      "low_counter": 0.05, "parking": 0.05},
    },
}
_BY_KEY: dict[str, Callable[[Indicator, str, random.Random], Any]] = {
    "area": _area,
    "staff": _staff,
    "holder_years": _holder_years,
}


def synthetic_value(indicator: Indicator, office_type: str, rng: random.Random) -> Any:
    """One plausible answer to one indicator (valid for the rubric)."""
    maker = _BY_KEY.get(indicator.key)
    if maker is not None and _fits(indicator, maker):
        return maker(indicator, office_type, rng)
    kind = indicator.kind
    if kind == "choice":
        keys, cum = _cumulative(indicator)
        return rng.choices(keys, cum_weights=cum)[0]
    if kind == "multi_choice":
        chances = _MULTI_P.get(indicator.key, {}).get(office_type, {})
        chosen = [o.key for o in indicator.options if rng.random() < chances.get(o.key, 0.3)]
        low = int(indicator.min or 0)
        high = int(indicator.max) if indicator.max is not None else len(chosen)
        for option in indicator.options:
            if len(chosen) >= low:
                break
            if option.key not in chosen:
                chosen.append(option.key)
        chosen = chosen[:high]
        return [o.key for o in indicator.options if o.key in chosen]
    if kind == "yes_no":
        return rng.random() < _YES_P.get(indicator.key, {}).get(office_type, 0.5)
    if kind == "staff_list":
        return _staff(indicator, office_type, rng)
    low = float(indicator.min) if indicator.min is not None else 0.0
    high = float(indicator.max) if indicator.max is not None else max(low, 0.0) + 100.0
    value = rng.uniform(low, high)
    if kind == "integer":
        return int(_clip(round(value), math.ceil(low), math.floor(high)))
    number = Decimal(str(round(value, 1)))
    return min(max(number, Decimal(str(low))), Decimal(str(high)))


def _cumulative(indicator: Indicator) -> tuple[list[str], list[int]]:
    weights = _CHOICE_WEIGHTS.get(indicator.key, {})
    keys = [o.key for o in indicator.options]
    return keys, list(itertools.accumulate(weights.get(k, 10) for k in keys))


def _fits(indicator: Indicator, maker: Callable[..., Any]) -> bool:
    expected = {_area: ("integer", "number"), _holder_years: ("integer", "number"),
                _staff: ("staff_list",)}
    return indicator.kind in expected[maker]


def synthetic_answers(rubric: Rubric, office_type: str, rng: random.Random) -> dict[str, Any]:
    """A plausible answer set; about 3 % of items are left unanswered."""
    answers = {}
    for indicator in rubric.applicable(office_type):
        value = synthetic_value(indicator, office_type, rng)
        if rng.random() >= 0.03:
            answers[indicator.key] = value
    return answers


def synthetic_external(rubric: Rubric, rng: random.Random) -> ExternalInputs:
    association = None
    spec = rubric.external.association
    if rng.random() >= 0.08:
        share = _clip(rng.gauss(0.72, 0.12), 0, 1)
        association = (spec.min + (spec.max - spec.min) * Decimal(str(round(share, 2)))
                       ).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    mean = None
    sat = rubric.external.satisfaction
    if rng.random() >= 0.2:
        fraction = _clip(rng.gauss(0.775, 0.0875), 0, 1)  # 4.1 ± 0.35 on a 1–5 scale
        mean = sat.mean_min + (sat.mean_max - sat.mean_min) * Decimal(str(round(fraction, 3)))
        mean = mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return ExternalInputs(association=association, satisfaction_mean=mean)


_NEGATIVE_P = {"overcharging": 0.04, "forgery": 0.005, "relocation": 0.01, "no_facilities": 0.02}


def synthetic_negatives(rubric: Rubric, rng: random.Random,
                        answers: dict[str, Any] | None = None) -> tuple[AppliedNegative, ...]:
    applied = []
    for item in rubric.negatives:
        chance = _NEGATIVE_P.get(item.key, 0.01)
        if item.key == "no_facilities" and answers is not None and answers.get("facilities") == []:
            chance = 0.06
        if rng.random() < chance:
            count = 2 if item.max_count > 1 and rng.random() < 0.15 else 1
            applied.append(AppliedNegative(item.key, count))
    return tuple(applied)


def synthetic_evidence(rubric: Rubric, office_type: str, answers: dict[str, Any],
                       rng: random.Random) -> dict[str, int]:
    counts = {}
    for indicator in rubric.applicable(office_type):
        if indicator.key in answers and indicator.needs_evidence:
            need = indicator.evidence.min_count
            counts[indicator.key] = need - 1 if rng.random() < 0.05 else need + rng.randint(0, 2)
    return counts


def synthetic_office(rubric: Rubric, office_type: str, rng: random.Random) -> SyntheticOffice:
    answers = synthetic_answers(rubric, office_type, rng)
    return SyntheticOffice(
        office_type=office_type, answers=answers, external=synthetic_external(rubric, rng),
        negatives=synthetic_negatives(rubric, rng, answers),
        evidence_counts=synthetic_evidence(rubric, office_type, answers, rng),
    )


def office_types_for(n: int, mix: dict[str, int] | None = None) -> list[str]:
    """`n` office types in the proportions of `mix` (default: H1 1399, 6,630 : 1,313)."""
    mix = mix or H1_1399_MIX
    whole = sum(mix.values())
    types: list[str] = []
    names = list(mix)
    for name in names[:-1]:
        types += [name] * round(n * mix[name] / whole)
    types += [names[-1]] * (n - len(types))
    return types


def synthetic_population(rubric: Rubric, n: int, rng: random.Random,
                         mix: dict[str, int] | None = None) -> list[SyntheticOffice]:
    return [synthetic_office(rubric, t, rng) for t in office_types_for(n, mix)]


def score_office(rubric: Rubric, office: SyntheticOffice) -> Breakdown:
    return score(rubric, office.office_type, office.answers, office.external, office.negatives,
                 evidence_counts=office.evidence_counts)


def totals_by_type(rubric: Rubric, population: Iterable[SyntheticOffice],
                   ) -> dict[str, list[Decimal]]:
    totals: dict[str, list[Decimal]] = {}
    for office in population:
        totals.setdefault(office.office_type, []).append(score_office(rubric, office).total)
    return totals


def calibrate_thresholds(rubric: Rubric, population: Sequence[SyntheticOffice],
                         shares: Sequence[Decimal] = PUBLISHED_SHARES,
                         ) -> dict[str, list[Decimal]]:
    """Rank thresholds that split each office type's totals in `shares` (percent, rank 1 first):
    the threshold for rank r is the total below which fall the offices of ranks after r, rounded
    to whole points."""
    return thresholds_from_totals(totals_by_type(rubric, population), shares)


def thresholds_from_totals(totals: dict[str, list[Decimal]],
                           shares: Sequence[Decimal] = PUBLISHED_SHARES,
                           ) -> dict[str, list[Decimal]]:
    out = {}
    for office_type, values in totals.items():
        ordered = sorted(values)
        cuts = []
        below = Decimal(100)
        for share in shares[:-1]:
            below -= share
            index = min(len(ordered) - 1, int(len(ordered) * below / 100))
            cuts.append(ordered[index].quantize(Decimal(1), rounding=ROUND_HALF_UP))
        out[office_type] = cuts
    return out


def rank_shares(rubric: Rubric, population: Iterable[SyntheticOffice],
                ) -> dict[str, dict[int, Decimal]]:
    """Percent of offices in each rank, per office type and "all"."""
    return shares_from_totals(rubric, totals_by_type(rubric, population))


def shares_from_totals(rubric: Rubric, totals: dict[str, list[Decimal]],
                       ) -> dict[str, dict[int, Decimal]]:
    counts: dict[str, dict[int, int]] = {}
    for office_type, values in totals.items():
        for total in values:
            rank = rubric.rank_for(office_type, total)
            for group in (office_type, "all"):
                by_rank = counts.setdefault(
                    group, dict.fromkeys(range(1, rubric.lowest_rank + 1), 0))
                by_rank[rank] += 1
    return {group: {rank: Decimal(100) * n / sum(by_rank.values())
                    for rank, n in by_rank.items()}
            for group, by_rank in counts.items()}
