"""aiogram's inline keyboard builder, without its deep copies.

`InlineKeyboardBuilder.export()` deep-copies the whole markup, and `adjust`, `attach` and
`as_markup` each call it: a question's keyboard of nine buttons took 1.2 ms to build, more than
the database work of the update it answers (`python -m bench.keyboards`). Here only the rows are
copied: the markup a builder returns shares its button objects with the builder. Nothing in this
project changes a button once built (a keyboard is built, sent and dropped within one update);
keep it so. Everything else (`button`, `row`, `adjust`, `attach`, the limits it checks) is
aiogram's own.
"""

from __future__ import annotations

from typing import Any

from aiogram.types import InlineKeyboardButton
from aiogram.utils import keyboard


class InlineKeyboardBuilder(keyboard.InlineKeyboardBuilder):
    def export(self) -> list[list[InlineKeyboardButton]]:
        return [list(row) for row in self._markup]

    def _button(self, **kwargs: Any) -> InlineKeyboardBuilder:
        # `button` passes all thirteen fields, mostly None (each field's default): validating
        # only the given ones is the same button in half the time.
        return super()._button(**{k: v for k, v in kwargs.items() if v is not None})  # type: ignore[return-value]

    def copy(self) -> InlineKeyboardBuilder:
        return InlineKeyboardBuilder(markup=self.export())
