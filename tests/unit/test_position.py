"""`Position`: the wizard's place, read from and written to the stored strings unchanged."""

from __future__ import annotations

import pytest

from services.position import Position, stored


@pytest.mark.parametrize(("text", "position"), [
    ("office_area", Position.question("office_area")),
    ("ev:office_area", Position.evidence("office_area")),
    ("sr:0", Position.staff(0)),
    ("sr:12", Position.staff(12)),
])
def test_the_stored_strings_read_back_and_write_unchanged(text: str, position: Position
                                                          ) -> None:
    assert Position.parse(text) == position
    assert str(position) == text
    assert stored(position) == text


def test_none_and_nonsense() -> None:
    assert Position.parse(None) is None
    assert Position.parse("") is None
    assert Position.parse("sr:x") is None  # not a staff member anybody can be on
    assert stored(None) is None


def test_kinds() -> None:
    assert Position.evidence("a").is_evidence and not Position.evidence("a").is_question
    assert Position.staff(3).is_staff and Position.staff(3).index == 3
    assert Position.question("a").is_question
