"""The wizard's typed buttons: every one fits Telegram's 64 bytes with the longest keys the
rubric allows, packs to the form older messages carry, and reads back what it packed."""

from __future__ import annotations

import typing

import pytest
from aiogram.filters.callback_data import MAX_CALLBACK_LENGTH, CallbackData
from pydantic import TypeAdapter, ValidationError

from scoring.rubric.base import MAX_KEY_LENGTH, Key
from texts.callbacks import ResumeCb
from texts.wizard_callbacks import (
    WIZARD_FACTORIES,
    EvidenceCb,
    ItemCb,
    OptionCb,
    SectionCb,
    StaffCb,
    StaffFieldCb,
    WizardCb,
    YesNoCb,
)

BIGGEST_ID = 2**31 - 1  # ids are INTEGER columns (periods, offices, evidence)
# A keyboard holds at most 100 buttons, so an option's place has two digits; a staff list is
# bounded by the rubric, far below this.
BIGGEST_INDEX = 99_999


def _longest_key() -> str:
    """The longest key `scoring.rubric.base.Key` accepts, found by asking it."""
    keys = TypeAdapter(Key)
    longest = "k" * MAX_KEY_LENGTH
    assert keys.validate_python(longest) == longest
    with pytest.raises(ValidationError):
        keys.validate_python(longest + "k")
    return longest


def _longest_of_each() -> list[CallbackData]:
    key, p = _longest_key(), BIGGEST_ID
    buttons: list[CallbackData] = []
    for action in typing.get_args(WizardCb.model_fields["action"].annotation):
        buttons.append(WizardCb(period=p, action=action))
    for action in typing.get_args(ItemCb.model_fields["action"].annotation):
        buttons.append(ItemCb(period=p, action=action, key=key))
    buttons += [
        SectionCb(period=p, action="ks", section=key),
        OptionCb(period=p, action="a", key=key, option="99"),
        OptionCb(period=p, action="t", key=key, option="99"),
        YesNoCb(period=p, action="y", key=key, yes=False),
        StaffCb(period=p, action="sx", index=BIGGEST_INDEX),
        StaffFieldCb(period=p, action="sf", index=BIGGEST_INDEX, field=key),
        EvidenceCb(period=p, action="er", evidence=BIGGEST_ID),
        ResumeCb(action="review", office=BIGGEST_ID),
    ]
    return buttons


def test_the_longest_key_allowed_is_32_characters() -> None:
    assert len(_longest_key()) == 32


@pytest.mark.parametrize("button", _longest_of_each(), ids=lambda b: f"{type(b).__name__}")
def test_the_longest_payload_fits_64_bytes(button: CallbackData) -> None:
    packed = button.pack()  # aiogram refuses more than 64 bytes itself; say so plainly too
    assert len(packed.encode()) <= MAX_CALLBACK_LENGTH, packed
    assert type(button).unpack(packed) == button


def test_every_factory_is_covered() -> None:
    assert {type(b) for b in _longest_of_each()} == set(WIZARD_FACTORIES)


@pytest.mark.parametrize(("data", "factory"), [
    ("w:7:rv", WizardCb), ("w:7:subok", WizardCb),
    ("w:7:e:office_area", ItemCb), ("w:7:ks:base", SectionCb),
    ("w:7:a:location_urban:main_street", OptionCb), ("w:7:a:location_urban:2", OptionCb),
    ("w:7:y:has_ramp:1", YesNoCb), ("w:7:sm:0", StaffCb), ("w:7:sf:0:insured", StaffFieldCb),
    ("w:7:er:55", EvidenceCb), ("w:resume:12", ResumeCb),
])
def test_the_packed_forms_of_older_messages_are_read_by_exactly_one_factory(
        data: str, factory: type[CallbackData]) -> None:
    readers = []
    for candidate in WIZARD_FACTORIES:
        try:
            candidate.unpack(data)
        except (TypeError, ValueError):
            continue
        readers.append(candidate)
    assert readers == [factory]
