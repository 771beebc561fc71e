"""Inline keyboards: aiogram's own builder, used as it is.

An earlier subclass skipped the builder's deep copies (≈1 ms a question's keyboard); at the
load the deployment plans for (about 21 actions a second at the busiest minute) that is not
worth overriding a library's private method, so it was removed.
"""

from __future__ import annotations

from aiogram.utils.keyboard import InlineKeyboardBuilder

__all__ = ["InlineKeyboardBuilder"]
