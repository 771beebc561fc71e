"""What keeps a declaration from being complete: required items unanswered, answers short of their
evidence (`missing_items`), and where a wizard resumes (`next_unanswered`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from scoring.rubric import Rubric


@dataclass(frozen=True, slots=True)
class Missing:
    """An item that keeps a declaration from being complete: `reason` is "unanswered" (a required
    item) or "evidence" (fewer files than `needed`)."""

    key: str
    reason: str
    title_fa: str
    title_en: str
    needed: int = 0
    have: int = 0


def has_substance(value: Any) -> bool:
    """Whether an answer has anything to show evidence for: no staff, no facilities, «no» or 0
    need no files."""
    if value is None or value is False:
        return False
    if isinstance(value, list | tuple):
        return bool(value)
    if isinstance(value, int | Decimal):
        return value != 0
    return True


def missing_items(rubric: Rubric, office_type: str, answers: Mapping[str, Any],
                  evidence_counts: Mapping[str, int] | None = None) -> list[Missing]:
    """Required items unanswered, and answered items whose evidence is below `min_count`, in
    asking order."""
    counts = evidence_counts or {}
    out = []
    for indicator in rubric.applicable(office_type):
        value = answers.get(indicator.key)
        if value is None:
            if indicator.required:
                out.append(Missing(indicator.key, "unanswered", indicator.title_fa,
                                   indicator.title_en))
            continue
        need = indicator.evidence.min_count
        have = counts.get(indicator.key, 0)
        if indicator.needs_evidence and has_substance(value) and have < need:
            out.append(Missing(indicator.key, "evidence", indicator.title_fa, indicator.title_en,
                               needed=need, have=have))
    return out


def next_unanswered(rubric: Rubric, office_type: str,
                    answers: Mapping[str, Any]) -> Any:
    """The first indicator (in asking order) without an answer, or None: where a wizard resumes."""
    for indicator in rubric.applicable(office_type):
        if answers.get(indicator.key) is None:
            return indicator
    return None
