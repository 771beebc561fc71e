"""Typed buttons of the contact feature: the owner's (`tk:o:…`) and the answerers' (`tk:e:…`).

Every factory packs to `tk:<side>:<action>:<id>:<value>`, the form older messages carry, so a
button on a message sent before an upgrade still works; `handlers.BUTTON_PREFIXES` routes the
`tk:o:` ones to `handlers.contact` and the `tk:e:` ones to `handlers.experts`. Data that none of
them unpacks (garbled, or an action that no longer exists) reaches the feature's «no longer
valid» handler. What a press may do is decided by `services.tickets` against the database: the
data is never trusted.
"""

from __future__ import annotations

from typing import Literal

from aiogram.filters.callback_data import CallbackData

Category = Literal["declaration", "evidence", "scoring", "technical", "discrepancy"]
OwnerAction = Literal["ask", "cancel", "list", "view", "reply", "done", "close"]
AnswererAction = Literal["inbox", "view", "ans", "cancel", "faq", "tr"]


class OwnerTicketCb(CallbackData, prefix="tk"):
    """`tk:o:<action>:<id>:`: `id` is the ticket (the office for `ask`, 0 for none)."""

    side: Literal["o"] = "o"
    action: OwnerAction
    id: int = 0
    arg: Literal[""] = ""


class CategoryTicketCb(CallbackData, prefix="tk"):
    """`tk:o:cat:<office>:<category>`: ask this office's question on this topic."""

    side: Literal["o"] = "o"
    action: Literal["cat"] = "cat"
    office: int
    category: Category


class RateTicketCb(CallbackData, prefix="tk"):
    """`tk:o:rate:<ticket>:<stars>`."""

    side: Literal["o"] = "o"
    action: Literal["rate"] = "rate"
    id: int
    rating: int


class AnswererTicketCb(CallbackData, prefix="tk"):
    """`tk:e:<action>:<ticket>:` (0 for none: the inbox, cancel)."""

    side: Literal["e"] = "e"
    action: AnswererAction
    id: int = 0
    arg: Literal[""] = ""


class ClaimTicketCb(CallbackData, prefix="tk"):
    """`tk:e:claim:<ticket>:<seen>`: `seen` is whom the card showed holding it (0: nobody), so
    of two experts claiming at once the second is told; empty on buttons from before."""

    side: Literal["e"] = "e"
    action: Literal["claim"] = "claim"
    id: int
    seen: int | None = None


class FaqTicketCb(CallbackData, prefix="tk"):
    """`tk:e:fq:<ticket>:<faq>`: send this prepared answer."""

    side: Literal["e"] = "e"
    action: Literal["fq"] = "fq"
    id: int
    faq: int


class TransferTicketCb(CallbackData, prefix="tk"):
    """`tk:e:to:<ticket>:<account>`: pass the ticket to this account."""

    side: Literal["e"] = "e"
    action: Literal["to"] = "to"
    id: int
    to: int


FACTORIES: tuple[type[CallbackData], ...] = (
    OwnerTicketCb, CategoryTicketCb, RateTicketCb, AnswererTicketCb, ClaimTicketCb,
    FaqTicketCb, TransferTicketCb)
