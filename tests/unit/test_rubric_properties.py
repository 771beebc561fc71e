"""Property: a malformed rubric is refused with the path of what is wrong, never a traceback."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.rubric import RubricError, parse_rubric_text, rubric_from_dict
from tests.unit.test_rubric_strategies import rubric_data

Data = dict[str, Any]
# A mutation breaks a valid rubric in one place and returns the path the error must name; None if
# it does not apply to this rubric.
Mutation = Callable[[Data, st.DrawFn], str | None]


def _pick(draw: st.DrawFn, items: list[Any]) -> int:
    return draw(st.integers(0, len(items) - 1))


def bands_not_increasing(data: Data, draw: st.DrawFn) -> str | None:
    found = [i for i, ind in enumerate(data["indicators"])
             if ind["points"]["type"] == "bands" and len(ind["points"]["bands"]) > 1]
    if not found:
        return None
    i = draw(st.sampled_from(found))
    bands = data["indicators"][i]["points"]["bands"]
    j = draw(st.integers(1, len(bands) - 1))
    bands[j]["min"] = bands[j - 1]["min"] - draw(st.integers(0, 5))
    return f"indicators[{i}].points.bands"


def unknown_office_type(data: Data, draw: st.DrawFn) -> str | None:
    i = _pick(draw, data["indicators"])
    types = data["indicators"][i]["office_types"]
    types.append(draw(st.sampled_from(["mobile", "URBAN", "rural", ""])))
    return f"indicators[{i}].office_types[{len(types) - 1}]"


def choice_names_unknown_option(data: Data, draw: st.DrawFn) -> str | None:
    found = [i for i, ind in enumerate(data["indicators"])
             if ind["points"]["type"] == "per_choice"]
    if not found:
        return None
    i = draw(st.sampled_from(found))
    data["indicators"][i]["points"]["choices"]["zz_unknown"] = 1
    return f"indicators[{i}].points.choices.zz_unknown"


def duplicate_indicator_key(data: Data, draw: st.DrawFn) -> str | None:
    i = _pick(draw, data["indicators"])
    data["indicators"].append(copy.deepcopy(data["indicators"][i]))
    return f"indicators[{len(data['indicators']) - 1}].key"


def negative_points_not_positive(data: Data, draw: st.DrawFn) -> str | None:
    if not data["negatives"]:
        return None
    i = _pick(draw, data["negatives"])
    data["negatives"][i]["points"] = draw(st.integers(-10, 0))
    return f"negatives[{i}].points"


def thresholds_increasing(data: Data, draw: st.DrawFn) -> str | None:
    office_type = draw(st.sampled_from(sorted(data["ranks"]["thresholds"])))
    data["ranks"]["thresholds"][office_type].reverse()
    return f"ranks.thresholds.{office_type}"


def required_field_removed(data: Data, draw: st.DrawFn) -> str | None:
    i = _pick(draw, data["indicators"])
    name = draw(st.sampled_from(["key", "kind", "title_fa", "title_en", "points", "section"]))
    del data["indicators"][i][name]
    return f"indicators[{i}]"


def number_given_as_text(data: Data, draw: st.DrawFn) -> str | None:
    data["completeness"]["points"] = draw(st.sampled_from(["five", "", "۵ امتیاز"]))
    return "completeness.points"


def unknown_section(data: Data, draw: st.DrawFn) -> str | None:
    i = _pick(draw, data["indicators"])
    data["indicators"][i]["section"] = "zz_nowhere"
    return f"indicators[{i}].section"


def service_share_increasing(data: Data, draw: st.DrawFn) -> str | None:
    data["ranks"]["service_share"] = [30, 70, 100]
    return "ranks.service_share"


def bounds_reversed(data: Data, draw: st.DrawFn) -> str | None:
    found = [i for i, ind in enumerate(data["indicators"]) if ind.get("max") is not None]
    if not found:
        return None
    i = draw(st.sampled_from(found))
    data["indicators"][i]["min"] = data["indicators"][i]["max"] + 1
    return f"indicators[{i}]"


MUTATIONS = [bands_not_increasing, unknown_office_type, choice_names_unknown_option,
             duplicate_indicator_key, negative_points_not_positive, thresholds_increasing,
             required_field_removed, number_given_as_text, unknown_section,
             service_share_increasing, bounds_reversed]


@settings(max_examples=40, deadline=None)
@given(rubric_data(), st.sampled_from(MUTATIONS), st.data())
def test_a_broken_rubric_is_refused_with_the_path(data: Data, mutation: Mutation,
                                                  drawer: st.DataObject) -> None:
    path = mutation(data, drawer.draw)
    if path is None:
        return
    with pytest.raises(RubricError) as caught:
        rubric_from_dict(data)
    errors = caught.value.errors
    assert errors
    assert all(": " in e for e in errors)
    assert any(e.startswith(path) for e in errors), (path, errors)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5)
    | st.decimals(allow_nan=True, allow_infinity=True),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                 max_size=3),
    max_leaves=12,
)


@settings(max_examples=40, deadline=None)
@given(rubric_data(), st.data())
def test_any_junk_anywhere_gives_rubric_error_only(data: Data, drawer: st.DataObject) -> None:
    # Replace one value somewhere in a valid rubric by arbitrary junk.
    node: Any = data
    while True:
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        if not keys:
            break
        key = drawer.draw(st.sampled_from(keys))
        child = node[key]
        if isinstance(child, dict | list) and child and drawer.draw(st.booleans()):
            node = child
            continue
        node[key] = drawer.draw(JSONISH)
        break
    try:
        rubric_from_dict(data)
    except RubricError as exc:
        assert exc.errors and all(": " in e for e in exc.errors)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_a_rubric_or_rubric_error(text: str) -> None:
    try:
        parse_rubric_text(text)
    except RubricError as exc:
        assert exc.errors


def test_a_nearly_empty_rubric_lists_every_missing_part() -> None:
    with pytest.raises(RubricError) as caught:
        rubric_from_dict({"code": "x"})
    assert {e.split(":")[0] for e in caught.value.errors} == {
        "title_fa", "title_en", "sections", "indicators", "external", "completeness", "ranks"}
