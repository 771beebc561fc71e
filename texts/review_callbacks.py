"""Typed buttons of the review, the association's panel, discrepancy reports and headquarters.

The packed forms are the ones older messages carry (`rv:o:12`, `rv:ai:12:0`, `rv:l:s:0`,
`as:e`, `dc:f:name`, `hq:py:3`), so a button sent before an upgrade still works. A reviewer's
button has one of a few shapes, each its own factory under the prefix `rv` (aiogram tells them
apart by the number of parts and the action's literal); whatever matches none of them is a
stale (or forged) button. Nothing a button carries is trusted: every id is loaded again and
checked against the presser's regions or provinces.
"""

from __future__ import annotations

from typing import Literal

from aiogram.filters.callback_data import CallbackData

# `rv:<action>`: the queue, a committee decision, no note, the discrepancy list, the next one.
Plain = Literal["q", "ng", "ngn", "d", "n"]
# `rv:<action>:<id>` (a declaration, a file, an office or a report).
OnId = Literal["o", "f", "c", "cy", "a", "r", "rs", "n",  # declaration
               "x", "xt", "xc", "ux",  # file
               "ngo",  # office
               "do", "df", "da", "de"]  # discrepancy report
# `rv:<action>:<id>:<number>`: an item's index, a quick reason's, grace days, a negative item.
OnIdNumber = Literal["ai", "ri", "rg", "xr", "ngi"]


class ReviewCb(CallbackData, prefix="rv"):
    action: Plain


class ReviewIdCb(CallbackData, prefix="rv"):
    action: OnId
    id: int


class ReviewPairCb(CallbackData, prefix="rv"):
    action: OnIdNumber
    id: int
    n: int


class ReviewListCb(CallbackData, prefix="rv"):
    """`rv:l:<s|r|c>:<page>`: a page of the submitted, returned or confirmed list."""

    action: Literal["l"] = "l"
    which: Literal["s", "r", "c"]
    page: int


class ReviewTypeCb(CallbackData, prefix="rv"):
    """`rv:dt:<report>:<u|r>`: a reported office type corrected to urban or rural ICT."""

    action: Literal["dt"] = "dt"
    id: int
    kind: Literal["u", "r"]


class AssocCb(CallbackData, prefix="as"):
    """`as:e` enter scores one by one, `as:f` send a file, `as:q` done (the panel)."""

    action: Literal["e", "f", "q"]


class DiscFieldCb(CallbackData, prefix="dc"):
    """`dc:f:<field>`: report a discrepancy in this base field."""

    action: Literal["f"] = "f"
    field: Literal["name", "type", "address", "holder"]


class DiscCb(CallbackData, prefix="dc"):
    """`dc:cancel`, `dc:done` (no photo)."""

    action: Literal["cancel", "done"]


class HqCb(CallbackData, prefix="hq"):
    """`hq:r:<period>` rank, `hq:p:<period>` ask to publish, `hq:py:<period>` publish."""

    action: Literal["r", "p", "py"]
    period: int


FACTORIES: tuple[type[CallbackData], ...] = (ReviewCb, ReviewIdCb, ReviewPairCb, ReviewListCb,
                                             ReviewTypeCb, AssocCb, DiscFieldCb, DiscCb, HqCb)
