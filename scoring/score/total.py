"""`score()`: every line of one office (indicators, completeness, association, satisfaction,
negative items), then the total and the rank it earns (`_finish`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_EVEN, Context, localcontext
from typing import Any

from scoring.rubric import Rubric
from scoring.score.breakdown import (
    NO_EXTERNAL,
    ZERO,
    AppliedNegative,
    Breakdown,
    ExternalInputs,
    Line,
    Source,
    _computed,
    _zero,
    round_points,
)
from scoring.score.cache import _cached, _memo
from scoring.score.external import _association, _finite, _negatives, _satisfaction
from scoring.score.indicators import _indicator_line

_CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN)


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


def _completeness(rubric: Rubric, done: int, total: int) -> Line:
    spec = rubric.completeness
    points = spec.points if total == 0 else round_points(spec.points * done / total)
    return _computed("completeness", spec.title_fa, spec.title_en, points, spec.points,
                     "reason-completeness", done=done, total=total)


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
