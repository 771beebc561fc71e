"""The declaration wizard's buttons, typed.

Every one packs to `w:<period>:<action>[:<args>]`, the form buttons on older messages carry,
so a message sent before an upgrade still works. aiogram tells them apart by the number of
parts and by `action` (a `Literal` per factory); nothing splits the string by hand. The
period is checked against the one open now: a button of another period is stale.

Compact by design (Telegram and Bale refuse more than 64 bytes): actions are one or two
letters, and a choice names its option by its place among the options, so the longest
payload for the longest keys the rubric allows (32 characters, `scoring.rubric.base.Key`)
still fits; `tests/unit/test_wizard_callbacks.py` packs it. A reminder's button (continue
this office's declaration) is `texts.callbacks.ResumeCb`, `w:resume:<office>`.
"""

from __future__ import annotations

from typing import Literal

from aiogram.filters.callback_data import CallbackData

from texts.callbacks import ResumeCb


class WizardCb(CallbackData, prefix="w"):
    """`rv` the review, `go` the next question, `ka` «no change» for everything, `sd` the staff
    list is complete, `sv` back to the staff list, `sub` submit, `subok` submit confirmed."""

    period: int
    action: Literal["rv", "go", "ka", "sd", "sv", "sub", "subok"]


class ItemCb(CallbackData, prefix="w"):
    """A button about one question: `td` multi-choice done, `k` «no change», `s` skip,
    `b` back, `e` edit (from the review), `ee` edit a submitted declaration (confirmed),
    `n` keep this answer and go on, `ed` its files are done, `el` list its files,
    `eb` back to sending its files."""

    period: int
    action: Literal["td", "k", "s", "b", "e", "ee", "n", "ed", "el", "eb"]
    key: str


class SectionCb(CallbackData, prefix="w"):
    """«No change» for a whole section."""

    period: int
    action: Literal["ks"]
    section: str


class OptionCb(CallbackData, prefix="w"):
    """`a` choose an option, `t` tick or untick one of a multi-choice. `option` is the
    option's place (`0`, `1`…); buttons sent before carry its key (never all digits)."""

    period: int
    action: Literal["a", "t"]
    key: str
    option: str


class YesNoCb(CallbackData, prefix="w"):
    period: int
    action: Literal["y"]
    key: str
    yes: bool


class StaffCb(CallbackData, prefix="w"):
    """A staff member (by place in the list): `sm` open the card, `sr` rename, `sx` remove."""

    period: int
    action: Literal["sm", "sr", "sx"]
    index: int


class StaffFieldCb(CallbackData, prefix="w"):
    """Tick or untick one yes/no field of a staff member."""

    period: int
    action: Literal["sf"]
    index: int
    field: str


class EvidenceCb(CallbackData, prefix="w"):
    """Remove one file (it must be one of the owner's own declaration)."""

    period: int
    action: Literal["er"]
    evidence: int


WIZARD_FACTORIES: tuple[type[CallbackData], ...] = (
    WizardCb, ItemCb, SectionCb, OptionCb, YesNoCb, StaffCb, StaffFieldCb, EvidenceCb,
    ResumeCb)
