"""A rubric key travels inside buttons (callback data, at most 64 bytes on both platforms): the
loader refuses a key that would not fit, naming the key and saying why (issue 23)."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from typing import Any

import pytest

from scoring.rubric import RubricError, parse_rubric_text, rubric_from_dict, sample_rubric_text


def sample() -> dict[str, Any]:
    return tomllib.loads(sample_rubric_text(), parse_float=Decimal)


def errors_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(RubricError) as caught:
        rubric_from_dict(data)
    return caught.value.errors


def test_an_indicator_key_too_long_for_a_button_is_refused_by_name() -> None:
    data = sample()
    long_key = "office_area_in_square_metres_net_x"  # 34 characters
    data["indicators"][0]["key"] = long_key
    [message] = [e for e in errors_of(data) if e.startswith("indicators[0].key")]
    assert long_key in message
    assert "callback data" in message and "64 bytes" in message
    assert "at most 32" in message


@pytest.mark.parametrize("where", ["section", "negative", "option"])
def test_every_kind_of_key_is_checked(where: str) -> None:
    data = sample()
    long_key = "k" * 33
    if where == "section":
        data["sections"][0]["key"] = long_key
        path = "sections[0].key"
    elif where == "negative":
        data["negatives"][0]["key"] = long_key
        path = "negatives[0].key"
    else:
        index = next(i for i, ind in enumerate(data["indicators"]) if ind.get("options"))
        data["indicators"][index]["options"][0]["key"] = long_key
        path = f"indicators[{index}].options[0].key"
    found = [e for e in errors_of(data) if e.startswith(path + ":")]
    assert found and long_key in found[0] and "64 bytes" in found[0], errors_of(data)


def test_a_key_of_32_characters_loads() -> None:
    text = sample_rubric_text()
    data = sample()
    old = data["indicators"][0]["key"]
    rubric = parse_rubric_text(text.replace(f'key = "{old}"', f'key = "{"k" * 32}"', 1))
    assert rubric.indicators[0].key == "k" * 32


def test_a_key_that_is_not_a_key_says_what_a_key_is() -> None:
    data = sample()
    data["indicators"][0]["key"] = "Office Area"
    [message] = [e for e in errors_of(data) if e.startswith("indicators[0].key")]
    assert "'Office Area' is not a key" in message
