"""The rubric loader: the sample loads, and every kind of mistake comes back with its path."""

from __future__ import annotations

import copy
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from scoring.rubric import (
    OFFICE_TYPES,
    SAMPLE_PATH,
    Rubric,
    RubricError,
    load_rubric,
    load_sample_rubric,
    parse_rubric_text,
    rubric_from_dict,
    rubric_to_toml_text,
    sample_rubric_text,
)


def sample_data() -> dict[str, Any]:
    return tomllib.loads(sample_rubric_text(), parse_float=Decimal)


def errors_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(RubricError) as caught:
        rubric_from_dict(data)
    return caught.value.errors


def index_of(data: dict[str, Any], key: str) -> int:
    return next(i for i, ind in enumerate(data["indicators"]) if ind["key"] == key)


def test_the_sample_loads_and_is_labelled_a_sample() -> None:
    rubric = load_sample_rubric()
    assert rubric.sample is True
    text = sample_rubric_text()
    header = " ".join(text[: text.index("code =")].replace("#", " ").split())
    assert "SAMPLE RUBRIC — NOT THE OFFICIAL POINT TABLE" in header
    assert "rank thresholds (Table 5-2) are not public" in header
    assert "Replace this file with the regulator's own rubric" in header
    assert "Calibration." in header and "calibrate_thresholds" in header


def test_the_sample_covers_the_indicators_of_the_domain() -> None:
    rubric = load_sample_rubric()
    kinds = {i.key: i.kind for i in rubric.indicators}
    assert kinds["area"] == "integer"
    assert kinds["staff"] == "staff_list"
    assert {f.key for f in rubric.indicator("staff").staff_fields} == {"insured", "disabled"}
    assert kinds["location_urban"] == kinds["location_rural"] == "choice"
    assert kinds["holder_years"] == "integer"
    assert kinds["facilities"] == "multi_choice"
    assert [n.key for n in rubric.negatives] == [
        "overcharging", "forgery", "relocation", "no_facilities"]
    assert rubric.external.association.points > 0
    assert rubric.external.satisfaction.points > 0
    assert rubric.completeness.points > 0
    assert rubric.ranks.service_share == [100, 70, 30]
    # The asking order of the issue: area, staff, location, the holder's years, facilities.
    order = [i.key for i in rubric.indicators_for("urban")]
    assert order.index("area") < order.index("staff") < order.index("location_urban")
    assert order.index("location_urban") < order.index("holder_years") < order.index("facilities")


def test_the_sample_writes_persian_properly() -> None:
    text = sample_rubric_text()
    assert "ي" not in text and "ك" not in text, "Arabic yeh or kaf in the sample rubric"
    rubric = load_sample_rubric()
    assert "\u200c" in rubric.indicator("area").hint_fa  # «اجاره‌نامه» with its half-space
    for indicator in rubric.indicators:
        assert indicator.title_fa and indicator.title_en and indicator.hint_fa
        if indicator.needs_evidence:
            assert indicator.evidence.prompt_fa and indicator.evidence.prompt_en


@pytest.mark.parametrize("office_type", OFFICE_TYPES)
def test_indicators_for_keeps_the_asking_order_and_the_office_type(office_type: str) -> None:
    rubric = load_sample_rubric()
    asked = rubric.indicators_for(office_type)
    assert [i.key for i in asked] == [
        i.key for i in rubric.indicators if office_type in i.office_types]
    assert rubric.max_total(office_type) == Decimal(100)
    sections = [s.key for s in rubric.sections_for(office_type)]
    assert sections == ["office", "staff", "location", "holder", "facilities"]


def test_unknown_office_type_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown office type"):
        load_sample_rubric().indicators_for("mobile")


def test_rank_and_share_follow_the_thresholds() -> None:
    rubric = load_sample_rubric()
    first, second = rubric.ranks.thresholds["urban"]
    assert rubric.rank_for("urban", first) == 1
    assert rubric.rank_for("urban", first - Decimal("0.01")) == 2
    assert rubric.rank_for("urban", second) == 2
    assert rubric.rank_for("urban", second - Decimal("0.01")) == 3
    assert [rubric.service_share(r) for r in (1, 2, 3)] == [100, 70, 30]


def test_load_rubric_reads_a_file_and_text(tmp_path: Path) -> None:
    path = tmp_path / "period.toml"
    path.write_text(sample_rubric_text(), encoding="utf-8")
    assert load_rubric(path) == load_rubric(str(path)) == load_rubric(sample_rubric_text())
    assert load_rubric(SAMPLE_PATH) == load_sample_rubric()


@pytest.mark.parametrize("text", ["x" * 5000, "a\x00b", "code = 1", ""])
def test_odd_text_is_parsed_as_text_not_taken_for_a_path(text: str) -> None:
    with pytest.raises(RubricError) as caught:
        load_rubric(text)
    assert caught.value.errors


def test_a_missing_file_is_an_error_with_its_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(RubricError) as caught:
        load_rubric(missing)
    assert caught.value.errors[0].startswith(f"{missing}: cannot read")


def test_toml_syntax_error_is_reported_with_line_not_traceback() -> None:
    with pytest.raises(RubricError) as caught:
        parse_rubric_text('code = "x"\ntitle_fa = \n')
    [message] = caught.value.errors
    assert message.startswith("(toml): ") and "line 2" in message


def test_bands_must_increase() -> None:
    data = sample_data()
    area = index_of(data, "area")
    bands = data["indicators"][area]["points"]["bands"]
    bands[2]["min"] = bands[1]["min"]
    errors = errors_of(data)
    assert any(e.startswith(f"indicators[{area}].points.bands: thresholds must increase")
               for e in errors), errors


def test_band_points_must_not_decrease() -> None:
    data = sample_data()
    area = index_of(data, "area")
    data["indicators"][area]["points"]["bands"][3]["points"] = 1
    assert any(e.startswith(f"indicators[{area}].points.bands[3].points: points must not")
               for e in errors_of(data))


def test_unknown_office_type_is_reported_at_its_place() -> None:
    data = sample_data()
    data["indicators"][0]["office_types"] = ["urban", "mobile"]
    errors = errors_of(data)
    assert any(e.startswith("indicators[0].office_types[1]:") and "urban" in e for e in errors)


def test_choice_points_naming_an_unknown_option() -> None:
    data = sample_data()
    loc = index_of(data, "location_urban")
    data["indicators"][loc]["points"]["choices"]["roof"] = 3
    assert f"indicators[{loc}].points.choices.roof: no such option; the options are alley, " \
           "commercial, main_street, side_street" in errors_of(data)


def test_staff_points_naming_an_unknown_field() -> None:
    data = sample_data()
    staff = index_of(data, "staff")
    data["indicators"][staff]["points"]["attributes"]["married"] = 1
    assert any(e.startswith(f"indicators[{staff}].points.attributes.married: no such staff")
               for e in errors_of(data))


def test_duplicate_keys_are_reported() -> None:
    data = sample_data()
    data["indicators"].append(copy.deepcopy(data["indicators"][0]))
    last = len(data["indicators"]) - 1
    assert f"indicators[{last}].key: duplicate 'area' (first at indicators[0])" in errors_of(data)
    data = sample_data()
    data["negatives"][1]["key"] = data["negatives"][0]["key"]
    assert any(e.startswith("negatives[1].key: duplicate") for e in errors_of(data))


def test_points_must_suit_the_kind() -> None:
    data = sample_data()
    years = index_of(data, "holder_years")
    data["indicators"][years]["points"] = {"type": "yes_no", "yes": 2}
    assert any(e.startswith(f"indicators[{years}].points.type: a integer indicator takes")
               for e in errors_of(data))


def test_thresholds_must_be_reachable_and_decreasing() -> None:
    data = sample_data()
    data["ranks"]["thresholds"]["urban"] = [Decimal(150), Decimal(40)]
    assert any(e.startswith("ranks.thresholds.urban[0]: rank 1 needs 150")
               for e in errors_of(data))
    data["ranks"]["thresholds"]["urban"] = [Decimal(40), Decimal(60)]
    assert any(e.startswith("ranks.thresholds.urban: thresholds must decrease")
               for e in errors_of(data))
    data["ranks"]["thresholds"]["urban"] = [Decimal(60)]
    assert any(e.startswith("ranks.thresholds.urban: needs 2 thresholds") for e in errors_of(data))
    del data["ranks"]["thresholds"]["urban"]
    assert "ranks.thresholds: no thresholds for 'urban'" in errors_of(data)


def test_missing_and_unknown_fields_name_their_path() -> None:
    data = sample_data()
    del data["indicators"][1]["title_en"]
    data["indicators"][2]["colour"] = "blue"
    data["external"]["association"]["points"] = True
    errors = errors_of(data)
    assert "indicators[1].title_en: missing (required)" in errors
    assert "indicators[2].colour: unknown field (a typo?)" in errors
    assert any(e.startswith("external.association.points:") for e in errors)


def test_every_error_is_collected_not_only_the_first() -> None:
    data = sample_data()
    area = index_of(data, "area")
    data["indicators"][area]["points"]["bands"][1]["min"] = -5  # thresholds no longer increase
    data["indicators"][area]["evidence"]["min_count"] = -1
    loc = index_of(data, "location_urban")
    data["indicators"][loc]["points"]["choices"]["roof"] = 3
    data["negatives"][0]["points"] = 0
    data["external"]["satisfaction"]["max"] = -1
    errors = errors_of(data)
    expected = [
        f"indicators[{area}].points.bands:", f"indicators[{area}].evidence.min_count:",
        f"indicators[{loc}].points.choices.roof:", "negatives[0].points:",
        "external.satisfaction.max:",
    ]
    for prefix in expected:
        assert any(e.startswith(prefix) for e in errors), (prefix, errors)
    text = str(RubricError(errors))
    assert all(e in text for e in errors)


def test_nan_and_infinity_are_refused() -> None:
    text = sample_rubric_text().replace("per_unit = 1\n", "per_unit = nan\n")
    with pytest.raises(RubricError) as caught:
        parse_rubric_text(text)
    assert any(".points.per_unit:" in e for e in caught.value.errors)


def test_unbounded_points_are_refused() -> None:
    data = sample_data()
    years = index_of(data, "holder_years")
    del data["indicators"][years]["points"]["cap"]
    del data["indicators"][years]["max"]
    assert f"indicators[{years}].points.cap: the points need a cap or the indicator a max" \
        in errors_of(data)


def test_snapshot_text_reads_back_into_an_equal_rubric() -> None:
    rubric = load_sample_rubric()
    text = rubric_to_toml_text(rubric)
    again = parse_rubric_text(text)
    assert again == rubric
    assert again.model_dump() == rubric.model_dump()


def test_models_are_frozen() -> None:
    rubric = load_sample_rubric()
    with pytest.raises(ValueError):
        rubric.code = "other"  # type: ignore[misc]
    assert isinstance(rubric, Rubric)
