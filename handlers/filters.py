"""Filters that run in the event loop, not in a thread.

aiogram (3.31) runs every filter that is not a coroutine in a worker thread: a magic filter
(`F.text`), a `State` written as a filter, a plain function
(`aiogram/dispatcher/event/handler.py`, `CallableObject.call`: `await asyncio.to_thread(...)`).
An update is tried against handler after handler down the router tree, so a text message paid
a dozen trips to a thread (each a context copy, a queue and the GIL handed back and forth) for
checks that take a microsecond. Through aiogram's public `Filter` (a coroutine) the same checks
run inline:

- `when(F.text)` for a magic filter;
- `StateFilter(Step.value)` (aiogram's own) for a state;
- `async def` for a function of ours.

`tests/handlers/test_filters_inline.py` fails when a filter that would run in a thread is
registered, and names it.
"""

from __future__ import annotations

from typing import Any

from aiogram import F
from aiogram.filters import Filter
from aiogram.types import TelegramObject
from aiogram.utils.magic_filter import MagicFilter


class When(Filter):
    """A magic filter (`F.text`, `F.data.startswith("w:")`) resolved against the event, in the
    loop. Its result is aiogram's: falsy refuses, a dict (`.as_("name")`) adds to the data."""

    __slots__ = ("magic",)

    def __init__(self, magic: MagicFilter) -> None:
        self.magic = magic

    async def __call__(self, event: TelegramObject) -> Any:
        return self.magic.resolve(event)

    def __str__(self) -> str:
        return f"when({self.magic!r})"


def when(magic: MagicFilter) -> When:
    return When(magic)


# What the handlers ask most.
TEXT = when(F.text)
FILE = when(F.photo | F.document)
# Typed text for a step: a command is never taken as an answer.
TYPED = when(F.text & ~F.text.startswith("/"))
