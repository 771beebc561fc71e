"""Building blocks shared by every part of the rubric model: office types and indicator kinds, the
field types (numbers that refuse true/false, keys, texts), the frozen base model, and how a
validator reports several problems at once, each with its path (`Problems`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

OFFICE_TYPES: tuple[str, ...] = ("urban", "rural_ict")
OFFICE_TYPE_TITLES: dict[str, tuple[str, str]] = {
    "urban": ("دفتر پیشخوان خدمات دولت (شهری)", "Urban government service counter office"),
    "rural_ict": ("دفتر ICT روستایی", "Rural ICT office"),
}
KINDS: tuple[str, ...] = ("integer", "number", "choice", "multi_choice", "yes_no", "staff_list")
# Line keys the score uses for what is not an indicator; an indicator may not take them.
RESERVED_KEYS = frozenset({"completeness", "association", "satisfaction", "total"})

OfficeType = Literal["urban", "rural_ict"]
Kind = Literal["integer", "number", "choice", "multi_choice", "yes_no", "staff_list"]


def _no_bool(value: object) -> object:
    # TOML `true` is not a number; pydantic's lax mode would take it as 1.
    if isinstance(value, bool):
        raise ValueError("a number is needed, not true/false")
    return value


Num = Annotated[Decimal, BeforeValidator(_no_bool), Field(allow_inf_nan=False)]
Points = Annotated[Decimal, BeforeValidator(_no_bool), Field(ge=0, allow_inf_nan=False)]
# Keys travel inside buttons: `w:<period>:<action>:<key>[:<more>]` is the callback data Telegram
# and Bale cap at 64 bytes. The longest wizard button around a key takes 22 bytes
# (`w:2147483647:sf:99999:`), so 32 leaves room; tests/unit/test_wizard_callbacks.py packs every
# button with a key this long. A longer key is refused when the rubric is loaded, saying so.
CALLBACK_DATA_BYTES = 64
MAX_KEY_LENGTH = 32
KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]*")


def _key(value: str) -> str:
    if not KEY_PATTERN.fullmatch(value):
        raise ValueError(f"{value[:40]!r} is not a key: a lowercase Latin letter, then "
                         "lowercase letters, digits or _")
    if len(value) > MAX_KEY_LENGTH:
        raise ValueError(
            f"the key {value!r} is {len(value)} characters: buttons carry it in their callback "
            f"data, which would overflow the platforms' {CALLBACK_DATA_BYTES} bytes; use at "
            f"most {MAX_KEY_LENGTH} characters")
    return value


Key = Annotated[str, Field(strict=True), AfterValidator(_key)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]


class Problems(ValueError):
    """Several semantic problems found by one validator, each with a path below the model."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))
        self.problems = problems


def _raise(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise Problems(problems)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _duplicates(path: str, keys: list[str], key: bool = False) -> list[tuple[str, str]]:
    seen: dict[str, int] = {}
    problems = []
    for i, name in enumerate(keys):
        if name in seen:
            where = f"{path}[{i}].key" if key else f"{path}[{i}]"
            problems.append((where, f"duplicate {name!r} (first at {path}[{seen[name]}])"))
        else:
            seen[name] = i
    return problems


def _listing(keys: Iterable[str]) -> str:
    names = sorted(keys)
    return ", ".join(names) if names else "(none)"

