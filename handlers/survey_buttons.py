"""The survey's buttons, typed.

Every factory packs to the strings the first version wrote by hand (`sv:<step>:…`), so the
buttons of messages sent before still work. The longest: a stars button with a 24-character
link token and a 16-character service key, 48 bytes (tests/survey/test_buttons.py).
"""

from __future__ import annotations

from typing import Literal

from aiogram.filters.callback_data import CallbackData

__all__ = ["FeeCb", "FinishCb", "FlagCb", "OwnerCb", "ServiceCb", "StarsCb"]


class ServiceCb(CallbackData, prefix="sv"):
    """`sv:s:<token>:<service>`: the service the citizen received."""

    step: Literal["s"] = "s"
    token: str
    service: str


class StarsCb(CallbackData, prefix="sv"):
    """`sv:r:<token>:<service>:<stars>`: the rating (the faces)."""

    step: Literal["r"] = "r"
    token: str
    service: str
    stars: int


class FeeCb(CallbackData, prefix="sv"):
    """`sv:f:<rating>:<y|n|x>`: a fee beyond the tariff asked: yes, no, rather not say."""

    step: Literal["f"] = "f"
    rating: int
    answer: Literal["y", "n", "x"]


class FinishCb(CallbackData, prefix="sv"):
    """`sv:c:<rating>`: done, no comment."""

    step: Literal["c"] = "c"
    rating: int


class FlagCb(CallbackData, prefix="sv"):
    """`sv:k:<flag>` counts a held burst's ratings, `sv:x:<flag>` sets them aside."""

    step: Literal["k", "x"]
    flag: int


class OwnerCb(CallbackData, prefix="sv"):
    """`sv:o`: the owner's summary; `sv:p`: the poster."""

    step: Literal["o", "p"]
