"""Answers as owners type them, as buttons send them, and as the database stores them."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.answers import (
    ANSWER_ERROR_KEYS,
    AnswerError,
    AnswersError,
    answers_from_json,
    answers_to_json,
    from_json,
    missing_items,
    next_unanswered,
    parse_answer,
    parse_external_score,
    parse_staff_name,
    to_json,
    validate_answers,
    validate_value,
)
from scoring.rubric import Indicator, load_sample_rubric
from scoring.text import to_persian_digits

RUBRIC = load_sample_rubric()
AREA = RUBRIC.indicator("area")  # integer, 10–2000 m²
YEARS = RUBRIC.indicator("holder_years")  # integer, 0–40
STAFF = RUBRIC.indicator("staff")
FACILITIES = RUBRIC.indicator("facilities")
LOCATION = RUBRIC.indicator("location_urban")
STEP_FREE = RUBRIC.indicator("step_free")


def number_indicator(**overrides: Any) -> Indicator:
    data = {"key": "rent", "section": "office", "title_fa": "اجاره", "title_en": "Rent",
            "kind": "number", "unit_fa": "میلیون ریال", "unit_en": "million rials",
            "points": {"type": "per_unit", "per_unit": 1, "cap": 5}, **overrides}
    return Indicator.model_validate(data)


def refused(indicator: Indicator, text: str) -> AnswerError:
    with pytest.raises(AnswerError) as caught:
        parse_answer(indicator, text)
    assert caught.value.key in ANSWER_ERROR_KEYS
    return caught.value


@pytest.mark.parametrize(("text", "value"), [
    ("85", 85), ("۸۵", 85), ("٨٥", 85), (" ۸۵ ", 85), ("\u200f۸۵\u200e", 85),
    ("1,200", 1200), ("۱٬۲۰۰", 1200), ("85.0", 85), ("۸۵٫۰", 85),
])
def test_integers_in_every_digit_script(text: str, value: int) -> None:
    parsed = parse_answer(AREA, text)
    assert parsed == value and type(parsed) is int


@pytest.mark.parametrize(("text", "value"), [
    ("12.5", Decimal("12.5")), ("۱۲٫۵", Decimal("12.5")), ("١٢٫٥", Decimal("12.5")),
    ("3", Decimal(3)), ("12.50", Decimal("12.5")), ("1,000.25", Decimal("1000.25")),
])
def test_decimals_with_the_persian_separator(text: str, value: Decimal) -> None:
    parsed = parse_answer(number_indicator(), text)
    assert parsed == value and isinstance(parsed, Decimal)
    assert str(parsed) == str(value)  # one spelling per number


@pytest.mark.parametrize(("text", "key"), [
    ("", "answer-empty"), ("   ", "answer-empty"), ("دوازده", "answer-not-a-number"),
    ("12a", "answer-not-a-number"), ("nan", "answer-not-a-number"), ("inf", "answer-not-a-number"),
    ("Infinity", "answer-not-a-number"), ("1e5", "answer-not-a-number"),
    ("12,00", "answer-bad-grouping"), ("۱٬۲", "answer-bad-grouping"),
    ("12.5", "answer-not-whole"), ("-3", "answer-negative"), ("−3", "answer-negative"),
    ("3", "answer-out-of-range"), ("2001", "answer-out-of-range"),
    ("9" * 40, "answer-too-long"),
])
def test_refusals_have_a_message_key(text: str, key: str) -> None:
    assert refused(AREA, text).key == key


def test_out_of_range_says_the_bounds_and_unit() -> None:
    error = refused(AREA, "۴")
    assert error.args == {"min": Decimal(10), "max": Decimal(2000), "unit_fa": "متر مربع",
                          "unit_en": "m²"}
    assert "answer-out-of-range" in str(error)


def test_not_a_number_echoes_the_text() -> None:
    assert refused(AREA, "دوازده").args == {"text": "دوازده"}
    long_text = "کلمه " * 50
    assert len(refused(AREA, long_text).args["text"]) <= 40


def test_one_sided_bounds_and_the_hard_limit() -> None:
    only_min = number_indicator(min=10)
    assert refused(only_min, "9").key == "answer-too-small"
    only_max = number_indicator(max=10)
    assert refused(only_max, "11").key == "answer-too-large"
    unbounded = number_indicator()
    assert refused(unbounded, "2000000000").key == "answer-too-large"
    assert refused(unbounded, "-1").key == "answer-negative"
    may_be_negative = number_indicator(min=-5)
    assert parse_answer(may_be_negative, "-5") == Decimal(-5)
    assert refused(may_be_negative, "-6").key == "answer-too-small"


def test_yes_no_choice_and_multi_choice_from_text() -> None:
    assert parse_answer(STEP_FREE, "بله") is True
    assert parse_answer(STEP_FREE, "خير") is False  # Arabic yeh, as some keyboards type it
    assert parse_answer(STEP_FREE, "No") is False
    assert refused(STEP_FREE, "شاید").key == "answer-not-yes-no"
    assert parse_answer(LOCATION, "بر خیابان اصلی") == "main_street"
    assert parse_answer(LOCATION, "۳") == LOCATION.options[2].key
    assert parse_answer(LOCATION, "alley") == "alley"
    assert refused(LOCATION, "پشت بام").key == "answer-unknown-option"
    assert parse_answer(FACILITIES, "صندلی انتظار ویژهٔ سالمندان، ramp") == ["ramp", "seating"]
    assert parse_answer(FACILITIES, "هیچ‌کدام") == []
    assert refused(STAFF, "۳ نفر").key == "answer-use-buttons"


def test_validate_value_accepts_buttons_and_refuses_nonsense() -> None:
    assert validate_value(AREA, 85) == 85
    assert validate_value(AREA, Decimal("85.0")) == 85
    assert validate_value(LOCATION, "commercial") == "commercial"
    assert validate_value(FACILITIES, ("seating", "ramp")) == ["ramp", "seating"]
    assert validate_value(STEP_FREE, True) is True
    for indicator, value, key in [
        (AREA, True, "answer-invalid"), (AREA, "85", "answer-invalid"),
        (AREA, Decimal("NaN"), "answer-not-a-number"), (AREA, float("inf"), "answer-not-a-number"),
        (AREA, 10**30, "answer-out-of-range"), (AREA, 12.5, "answer-not-whole"),
        (LOCATION, "roof", "answer-unknown-option"), (LOCATION, 1, "answer-unknown-option"),
        (FACILITIES, ["ramp", "ramp"], "answer-duplicate-option"),
        (FACILITIES, "ramp", "answer-invalid"), (STEP_FREE, 1, "answer-invalid"),
        (STAFF, [{"name": "علی", "insured": "yes"}], "answer-bad-staff"),
        (STAFF, [{"name": "", "insured": True}], "answer-bad-staff"),
        (STAFF, [{"name": "علی", "salary": 1}], "answer-bad-staff"),
        (STAFF, [{"name": "علی"}] * 31, "answer-count-out-of-range"),
    ]:
        with pytest.raises(AnswerError) as caught:
            validate_value(indicator, value)
        assert caught.value.key == key, (indicator.key, value)


def test_staff_members_are_normalised() -> None:
    members = validate_value(STAFF, [{"name": "علی", "insured": True}])
    assert members == [{"name": "علی", "insured": True, "disabled": False}]
    assert parse_staff_name("  علي   رضايي ") == "علی رضایی"
    for bad in ("", "   ", "۱۲۳", "x" * 81):
        with pytest.raises(AnswerError) as caught:
            parse_staff_name(bad)
        assert caught.value.key == "answer-bad-name"


def test_external_scores_are_checked_against_their_scale() -> None:
    spec = RUBRIC.external.association
    assert parse_external_score(spec, "۸۵٫۵") == Decimal("85.5")
    with pytest.raises(AnswerError) as caught:
        parse_external_score(spec, "120")
    assert caught.value.key == "answer-out-of-range" and caught.value.args["max"] == 100


def test_validate_answers_reports_every_refusal_and_drops_foreign_keys() -> None:
    answers = {"area": 85, "holder_years": -1, "location_urban": "roof",
               "location_rural": "village_centre", "old_indicator": 3}
    with pytest.raises(AnswersError) as caught:
        validate_answers(RUBRIC, "urban", answers)
    assert set(caught.value.problems) == {"holder_years", "location_urban"}
    clean = validate_answers(RUBRIC, "urban", {"area": Decimal(85), "location_rural": "x"})
    assert clean == {"area": 85}


def test_missing_items_lists_unanswered_and_short_evidence_in_order() -> None:
    answers = {"area": 85, "staff": [], "holder_years": 0, "facilities": ["ramp"],
               "step_free": False}
    missing = missing_items(RUBRIC, "urban", answers, {"facilities": 1})
    assert [(m.key, m.reason) for m in missing] == [
        ("area", "evidence"), ("location_urban", "unanswered")]
    area = missing[0]
    assert (area.needed, area.have) == (1, 0) and area.title_fa == "مساحت مفید دفتر"
    # An empty staff list, «no» and 0 years need no files; a complete set has nothing missing.
    complete = {**answers, "location_urban": "alley"}
    assert missing_items(RUBRIC, "urban", complete, {"area": 2, "facilities": 1}) == []
    assert next_unanswered(RUBRIC, "urban", answers).key == "location_urban"
    assert next_unanswered(RUBRIC, "urban", complete) is None


def test_optional_items_may_stay_unanswered() -> None:
    data = RUBRIC.model_dump()
    data["indicators"][0]["required"] = False
    from scoring.rubric import Rubric

    rubric = Rubric.model_validate(data)
    assert "area" not in {m.key for m in missing_items(rubric, "urban", {})}
    assert "area" in {m.key for m in missing_items(RUBRIC, "urban", {})}


def test_json_round_trip_of_every_kind() -> None:
    answers = {"area": 85, "staff": [{"name": "علی", "insured": True, "disabled": False}],
               "location_urban": "alley", "holder_years": 7, "step_free": True,
               "facilities": ["ramp", "seating"]}
    stored = json.loads(json.dumps(answers_to_json(answers)))
    assert answers_from_json(RUBRIC, stored) == answers
    rent = number_indicator()
    assert to_json(Decimal("12.5")) == "12.5"
    assert from_json(rent, "12.5") == Decimal("12.5")
    assert from_json(rent, None) is None
    with pytest.raises(AnswerError):
        from_json(rent, "twelve")
    assert answers_from_json(RUBRIC, {"gone": 1, "area": 85}) == {"area": 85}


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=10, max_value=2000), st.sampled_from(["ascii", "fa", "grouped"]))
def test_any_integer_in_range_parses_back(value: int, script: str) -> None:
    text = {"ascii": str(value), "fa": to_persian_digits(value),
            "grouped": to_persian_digits(f"{value:,}").replace(",", "٬")}[script]
    assert parse_answer(AREA, text) == value


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_any_text_is_a_value_or_a_keyed_refusal(text: str) -> None:
    for indicator in (AREA, number_indicator(), STEP_FREE, LOCATION, FACILITIES):
        try:
            value = parse_answer(indicator, text)
        except AnswerError as exc:
            assert exc.key in ANSWER_ERROR_KEYS
        else:
            assert validate_value(indicator, value) == value


def test_a_typed_staff_name_keeps_its_non_joiner_and_loses_stray_marks() -> None:
    assert parse_staff_name("زهرا کريمی\u200cنژاد\u200f") == "زهرا کریمی\u200cنژاد"
    with pytest.raises(AnswerError):
        parse_staff_name("\u200c \u200c")
