"""Headquarters' buttons on an office's links (`/links <office code>`): `hql:<action>:<office
code>:<platform>:<user id>`, `u` asks to unlink that account, `uy` confirms. Nothing is trusted:
the service checks the presser is hq and that the link exists (a second press is refused)."""

from __future__ import annotations

from typing import Literal

from aiogram.filters.callback_data import CallbackData


class LinkCb(CallbackData, prefix="hql"):
    action: Literal["u", "uy"]
    office: str  # the office code (digits)
    platform: Literal["bale", "telegram"]
    user: int
