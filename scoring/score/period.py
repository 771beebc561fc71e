"""The period rule: which answers score an office at the end of a period (its own, the last
confirmed ones carried forward, or none), and the minimum breakdown for an office with no data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scoring.rubric import Rubric
from scoring.score.breakdown import (
    ZERO,
    AppliedNegative,
    Breakdown,
    ExternalInputs,
    Source,
    _computed,
    _zero,
)
from scoring.score.total import score


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
