"""Hypothesis strategies for rubrics and answers, shared by the property tests; and the property
that every generated rubric is valid and survives a TOML snapshot."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.rubric import OFFICE_TYPES, Indicator, Rubric, parse_rubric_text, rubric_to_toml_text

KEYS = st.from_regex(r"[a-z][a-z0-9_]{0,7}", fullmatch=True).filter(
    lambda k: k not in {"completeness", "association", "satisfaction", "total"})
SMALL = st.integers(min_value=0, max_value=20)
POINTS = st.decimals(min_value=0, max_value=20, places=2)


def _titles(key: str) -> dict[str, str]:
    return {"title_fa": f"عنوان {key}", "title_en": f"Title {key}"}


@st.composite
def numeric_indicator(draw: st.DrawFn, key: str, kind: str) -> tuple[dict[str, Any], Decimal]:
    high = draw(st.integers(min_value=1, max_value=500))
    data: dict[str, Any] = {"key": key, "kind": kind, "min": 0, "max": high, **_titles(key),
                            "unit_fa": "واحد", "unit_en": "units"}
    if draw(st.booleans()):
        mins = sorted(draw(st.lists(st.integers(0, high), min_size=1, max_size=5, unique=True)))
        points = sorted(draw(st.lists(POINTS, min_size=len(mins), max_size=len(mins))))
        data["points"] = {"type": "bands",
                          "bands": [{"min": m, "points": p} for m, p in zip(mins, points,
                                                                            strict=True)]}
        return data, points[-1]
    per_unit = draw(st.decimals(min_value=Decimal("0.1"), max_value=5, places=1))
    cap = draw(POINTS.filter(lambda p: p > 0))
    data["points"] = {"type": "per_unit", "per_unit": per_unit, "cap": cap}
    return data, min(cap, per_unit * high)


@st.composite
def choice_indicator(draw: st.DrawFn, key: str, kind: str) -> tuple[dict[str, Any], Decimal]:
    names = draw(st.lists(KEYS, min_size=2, max_size=5, unique=True))
    values = draw(st.lists(POINTS, min_size=len(names), max_size=len(names)))
    data: dict[str, Any] = {
        "key": key, "kind": kind, **_titles(key),
        "options": [{"key": n, **_titles(n)} for n in names],
        "points": {"type": "per_choice", "choices": dict(zip(names, values, strict=True))},
    }
    if kind == "choice":
        return data, max(values)
    cap = draw(st.none() | POINTS)
    total = sum(values, Decimal(0))
    if cap is not None:
        data["points"]["cap"] = cap
        total = min(total, cap)
    return data, total


@st.composite
def staff_indicator(draw: st.DrawFn, key: str) -> tuple[dict[str, Any], Decimal]:
    fields = draw(st.lists(KEYS, max_size=3, unique=True))
    cap = draw(POINTS.filter(lambda p: p > 0))
    most, per_member = draw(st.integers(1, 30)), draw(POINTS)
    attributes = {f: draw(POINTS) for f in fields}
    data = {
        "key": key, "kind": "staff_list", "min": 0, "max": most,
        **_titles(key), "staff_fields": [{"key": f, **_titles(f)} for f in fields],
        "points": {"type": "per_staff", "per_member": per_member, "attributes": attributes,
                   "cap": cap},
    }
    return data, min(cap, most * (per_member + sum(attributes.values(), Decimal(0))))


@st.composite
def indicator_data(draw: st.DrawFn, key: str, section: str) -> tuple[dict[str, Any], Decimal]:
    kind = draw(st.sampled_from(
        ["integer", "number", "choice", "multi_choice", "yes_no", "staff_list"]))
    if kind in ("integer", "number"):
        data, top = draw(numeric_indicator(key, kind))
    elif kind in ("choice", "multi_choice"):
        data, top = draw(choice_indicator(key, kind))
    elif kind == "yes_no":
        yes, no = sorted(draw(st.lists(POINTS, min_size=2, max_size=2)), reverse=True)
        data, top = {"key": key, "kind": kind, **_titles(key),
                     "points": {"type": "yes_no", "yes": yes, "no": no}}, yes
    else:
        data, top = draw(staff_indicator(key))
    data["section"] = section
    data["required"] = draw(st.booleans())
    data["office_types"] = draw(st.sampled_from([["urban"], ["rural_ict"], list(OFFICE_TYPES)]))
    if draw(st.booleans()):
        data["evidence"] = {"kind": draw(st.sampled_from(["photo", "document", "either"])),
                            "min_count": draw(st.integers(0, 3)),
                            "prompt_fa": "مدرک را بفرستید.", "prompt_en": "Send the document."}
    return data, top


@st.composite
def rubric_data(draw: st.DrawFn) -> dict[str, Any]:
    """A valid rubric as the dict a TOML file would give."""
    keys = draw(st.lists(KEYS, min_size=1, max_size=6, unique=True))
    sections = draw(st.lists(KEYS, min_size=1, max_size=3, unique=True))
    indicators, tops = [], {t: Decimal(0) for t in OFFICE_TYPES}
    for key in keys:
        data, top = draw(indicator_data(key, draw(st.sampled_from(sections))))
        indicators.append(data)
        for office_type in data["office_types"]:
            tops[office_type] += top
    completeness = draw(st.decimals(min_value=1, max_value=10, places=0))
    association = draw(POINTS)
    satisfaction = draw(POINTS)
    thresholds = {}
    for office_type in OFFICE_TYPES:
        most = tops[office_type] + completeness + association + satisfaction
        first = (most * draw(st.sampled_from([Decimal("0.5"), Decimal("0.7"), Decimal("1")])))
        second = first * draw(st.sampled_from([Decimal("0.2"), Decimal("0.5")]))
        thresholds[office_type] = [first.quantize(Decimal("0.01")),
                                   second.quantize(Decimal("0.01"))]
    negatives = [{"key": k, **_titles(k), "points": draw(st.integers(1, 30)),
                  "max_count": draw(st.integers(1, 3))}
                 for k in draw(st.lists(KEYS, max_size=4, unique=True))]
    return {
        "code": "generated", "title_fa": "جدول آزمایشی", "title_en": "Test rubric",
        "sections": [{"key": s, **_titles(s)} for s in sections],
        "indicators": indicators, "negatives": negatives,
        "external": {
            "association": {**_titles("a"), "min": 0, "max": 100, "points": association},
            "satisfaction": {**_titles("s"), "min": 0, "max": 10, "points": satisfaction,
                             "default": draw(st.none() | st.integers(0, 10))},
        },
        "completeness": {**_titles("c"), "points": completeness},
        "ranks": {"service_share": [100, 70, 30], "thresholds": thresholds},
    }


def rubrics() -> st.SearchStrategy[Rubric]:
    return rubric_data().map(Rubric.model_validate)


def answer_value(indicator: Indicator) -> st.SearchStrategy[Any]:
    """Values the rubric's own validation accepts for an indicator."""
    kind = indicator.kind
    low = int(indicator.min) if indicator.min is not None else 0
    high = int(indicator.max) if indicator.max is not None else 10_000
    if kind == "integer":
        return st.integers(low, high)
    if kind == "number":
        return st.decimals(min_value=low, max_value=high, places=2)
    if kind == "choice":
        return st.sampled_from([o.key for o in indicator.options])
    if kind == "multi_choice":
        keys = [o.key for o in indicator.options]
        return st.lists(st.sampled_from(keys), unique=True).map(
            lambda chosen: [k for k in keys if k in chosen])
    if kind == "yes_no":
        return st.booleans()
    member = st.fixed_dictionaries({
        "name": st.sampled_from(["زهرا رضایی", "علی محمدی", "Sara"]),
        **{f.key: st.booleans() for f in indicator.staff_fields},
    })
    return st.lists(member, min_size=low, max_size=min(high, 8))


@st.composite
def answer_sets(draw: st.DrawFn, rubric: Rubric, office_type: str) -> dict[str, Any]:
    answers = {}
    for indicator in rubric.indicators_for(office_type):
        if draw(st.integers(0, 9)) > 0:  # now and then an item is left unanswered
            answers[indicator.key] = draw(answer_value(indicator))
    return answers


@settings(max_examples=40, deadline=None)
@given(rubric_data())
def test_generated_rubrics_are_valid_and_survive_a_toml_snapshot(data: dict[str, Any]) -> None:
    rubric = Rubric.model_validate(data)
    assert parse_rubric_text(rubric_to_toml_text(rubric)) == rubric
