"""The review's, association's, discrepancy reports' and headquarters' typed buttons: the
longest payload of each fits Telegram's 64 bytes, the packed forms are the ones older messages
carry, and each payload is taken by exactly one factory."""

from __future__ import annotations

import typing

import pytest
from aiogram.filters.callback_data import CallbackData

from texts.review_callbacks import (
    FACTORIES,
    AssocCb,
    DiscCb,
    DiscFieldCb,
    HqCb,
    ReviewCb,
    ReviewIdCb,
    ReviewListCb,
    ReviewPairCb,
    ReviewTypeCb,
)

BIGGEST_ID = 2**63 - 1  # more than any id column holds (PostgreSQL's bigint)


def _longest(factory: type[CallbackData]) -> CallbackData:
    """The factory's longest instance: the longest literal of each field, the biggest id."""
    values: dict[str, object] = {}
    for name, field in factory.model_fields.items():
        annotation = field.annotation
        if typing.get_origin(annotation) is typing.Literal:
            values[name] = max(typing.get_args(annotation), key=lambda v: len(str(v)))
        else:
            assert annotation is int, (factory, name, annotation)
            values[name] = BIGGEST_ID
    return factory(**values)


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda f: f.__name__)
def test_the_longest_payload_fits_64_bytes(factory: type[CallbackData]) -> None:
    packed = _longest(factory).pack()  # pack() itself refuses more than 64 bytes
    assert len(packed.encode()) <= 64, packed


@pytest.mark.parametrize(("button", "packed"), [
    (ReviewCb(action="q"), "rv:q"),
    (ReviewIdCb(action="o", id=12), "rv:o:12"),
    (ReviewIdCb(action="n", id=0), "rv:n:0"),
    (ReviewPairCb(action="ai", id=12, n=0), "rv:ai:12:0"),
    (ReviewPairCb(action="rg", id=12, n=7), "rv:rg:12:7"),
    (ReviewListCb(which="s", page=0), "rv:l:s:0"),
    (ReviewTypeCb(id=5, kind="r"), "rv:dt:5:r"),
    (AssocCb(action="e"), "as:e"),
    (DiscFieldCb(field="holder"), "dc:f:holder"),
    (DiscCb(action="cancel"), "dc:cancel"),
    (HqCb(action="py", period=3), "hq:py:3"),
])
def test_packed_forms_are_the_ones_older_messages_carry(button: CallbackData,
                                                        packed: str) -> None:
    assert button.pack() == packed


def _takers(data: str) -> list[str]:
    takers = []
    for factory in FACTORIES:
        try:
            factory.unpack(data)
        except (TypeError, ValueError):
            continue
        takers.append(factory.__name__)
    return takers


@pytest.mark.parametrize("data", ["rv:q", "rv:n", "rv:n:4", "rv:o:4", "rv:xr:4:1",
                                  "rv:l:c:2", "rv:dt:4:u", "as:q", "dc:f:name", "dc:done",
                                  "hq:r:1"])
def test_each_payload_is_taken_by_exactly_one_factory(data: str) -> None:
    assert len(_takers(data)) == 1, (data, _takers(data))


@pytest.mark.parametrize("data", ["rv:zz:1", "rv:o:abc", "rv:l:zz:0", "rv:dt:4:x",
                                  "rv:o", "rv:q:1", "dc:f:phone", "as:z", "hq:x:1"])
def test_a_forged_or_stale_payload_is_taken_by_none(data: str) -> None:
    assert _takers(data) == []
