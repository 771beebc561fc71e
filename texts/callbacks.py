"""Typed buttons shared by several features: the main menu, choosing an office, the language.

Each is an aiogram `CallbackData` factory: the keyboards pack them, the handlers filter on them,
and nothing hand-splits a string. The packed forms are the ones older messages carry
(`menu:main`, `of:12`, `lang:fa`), so a button on a message sent before an upgrade still works.
"""

from __future__ import annotations

from typing import Literal

from aiogram.filters.callback_data import CallbackData

MenuAction = Literal["main", "continue", "review", "results", "contact", "disc", "help", "lang",
                     "offices"]


class MenuCb(CallbackData, prefix="menu"):
    action: MenuAction


class OfficeCb(CallbackData, prefix="of"):
    """Act for this office from now on (it must be one of the account's own)."""

    office: int


class LangCb(CallbackData, prefix="lang"):
    lang: Literal["fa", "en"]


class ResumeCb(CallbackData, prefix="w"):
    """Continue the declaration of this office (a reminder's button): `w:resume:<office>`."""

    action: Literal["resume", "review"] = "resume"
    office: int
