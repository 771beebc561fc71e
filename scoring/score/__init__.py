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

Where things are:
- `breakdown`: `Line`, `Breakdown` and their JSON, the inputs' types, reason keys, rounding;
- `indicators`: the points and reason of one answer under its indicator's point rule;
- `external`: association, satisfaction and the committee's negative items;
- `total`: `score()` itself, completeness, the total and the rank;
- `period`: the period rule and the minimum breakdown;
- `cache`: the line cache beside each rubric.
"""

from scoring.score.breakdown import (
    CENT,
    NO_EXTERNAL,
    REASON_KEYS,
    ZERO,
    AppliedNegative,
    Breakdown,
    ExternalInputs,
    Line,
    Source,
    round_points,
)
from scoring.score.cache import clear_caches
from scoring.score.external import _satisfaction  # storage.survey_scores uses the same rule
from scoring.score.period import minimum_breakdown, resolve_source, score_period
from scoring.score.total import score

__all__ = [
    "CENT",
    "NO_EXTERNAL",
    "REASON_KEYS",
    "ZERO",
    "AppliedNegative",
    "Breakdown",
    "ExternalInputs",
    "Line",
    "Source",
    "_satisfaction",
    "clear_caches",
    "minimum_breakdown",
    "resolve_source",
    "round_points",
    "score",
    "score_period",
]
