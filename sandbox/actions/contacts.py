"""Sharing a contact card: the user's own (the proof of their phone) or someone else's, with the
phone written the way each platform writes it."""

from __future__ import annotations

import re
from typing import Any

from sandbox.actions.incoming import append_in
from sandbox.state import BotWorld, ControlError


def _national(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("0098"):
        digits = digits[4:]
    elif digits.startswith("98"):
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = digits[1:]
    return digits


def format_phone(phone: str, style: str) -> Any:
    """Render an Iranian number the way a platform sends it.

    ``plus`` -> ``+989121234567`` (Telegram), ``bare`` -> ``989121234567`` (Bale, and some
    Telegram clients), ``zero`` -> ``09121234567``, ``number`` -> the int ``989121234567`` (BALE.md
    warns the number might even arrive as a JSON number), ``raw`` -> unchanged.
    """
    if style == "raw":
        return phone
    national = _national(phone)
    if style == "plus":
        return "+98" + national
    if style == "bare":
        return "98" + national
    if style == "zero":
        return "0" + national
    if style == "number":
        return int("98" + national)
    raise ControlError(400, f"unknown phone style {style!r}")


def default_phone(user_id: int) -> str:
    return f"0912{abs(user_id) % 10_000_000:07d}"


def share_contact(
    bot: BotWorld,
    user_id: int,
    profile: dict[str, Any] | None = None,
    *,
    phone: str | None = None,
    own: bool = True,
    contact_user_id: int | None = None,
    omit_user_id: bool = False,
    first_name: str | None = None,
    last_name: str | None = None,
    phone_style: str | None = None,
    via_button: bool = False,
) -> dict[str, Any]:
    """Share a contact card.

    Own contact: ``user_id`` is the sender and the phone is the user's (formatted per platform
    unless ``phone`` is given verbatim). Someone else's: ``user_id`` is ``contact_user_id`` or
    absent - which is exactly the case the bot must not accept as proof of identity.

    ``via_button``: sent by a ``request_contact`` button (what :func:`press` does). On Bale the
    bot's ``contact_user_ids`` quirk decides whether ``user_id`` comes at all: ``button`` keeps
    it only for the button's own contact, ``never`` leaves it out of every card.
    """
    if bot.flavour == "bale":
        mode = bot.quirks.contact_user_ids
        if mode == "never" or (mode == "button" and not (own and via_button)):
            omit_user_id = True
    chat = bot.ensure_user(user_id, profile)
    style = phone_style or ("plus" if bot.flavour == "telegram" else "bare")
    contact: dict[str, Any] = {}
    if own:
        number = (
            phone
            if phone is not None
            else format_phone(bot.phones.get(user_id) or default_phone(user_id), style)
        )
        contact["phone_number"] = number
        contact["first_name"] = first_name or chat.user.get("first_name", "")
        last = last_name or chat.user.get("last_name")
        if last:
            contact["last_name"] = last
        if not omit_user_id:
            contact["user_id"] = user_id
    else:
        if phone is None:
            raise ControlError(400, "sharing someone else's contact needs a phone")
        contact["phone_number"] = phone if phone_style is None else format_phone(phone, style)
        contact["first_name"] = first_name or "مخاطب"
        if last_name:
            contact["last_name"] = last_name
        if contact_user_id is not None and not omit_user_id:
            contact["user_id"] = contact_user_id
    return append_in(bot, chat, "contact", {"contact": contact}, {"contact": contact})
