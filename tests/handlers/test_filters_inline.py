"""No filter or handler of the bot runs in a thread (`handlers/filters.py` says why).

aiogram hands every callable that is not a coroutine to `asyncio.to_thread`; a filter written
as `F.text`, a `State` or a plain function slipped in would cost each update a trip to a
thread per handler it is tried against. This walks the router tree the bot runs and names any.
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiogram import Dispatcher, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup

from handlers import build_router
from handlers.filters import TYPED, when


def threaded(router: Router) -> list[str]:
    found: list[str] = []
    for name, observer in router.observers.items():
        for check in getattr(observer, "filters", None) or []:
            if not check.awaitable:
                found.append(f"{router.name}.{name} (router filter): {check.callback!r}")
        for handler in observer.handlers:
            label = getattr(handler.callback, "__qualname__", repr(handler.callback))
            if not handler.awaitable:
                found.append(f"{router.name}.{name}: handler {label}")
            for check in handler.filters or []:
                if not check.awaitable:
                    found.append(f"{router.name}.{name} → {label}: {check.callback!r}")
    for child in router.sub_routers:
        found += threaded(child)
    return found


def test_every_filter_and_handler_of_the_bot_is_a_coroutine() -> None:
    dispatcher = Dispatcher()
    dispatcher.include_router(build_router())
    assert threaded(dispatcher) == [], (
        "these would run in a thread: use handlers.filters.when(F…), StateFilter(state) or "
        "an async def")


def test_the_walk_sees_what_would_run_in_a_thread() -> None:
    class Steps(StatesGroup):
        one = State()

    def plain(_event: Any) -> bool:
        return True

    router = Router(name="probe")
    router.message.register(plain, F.text)
    router.message.register(plain, Steps.one)
    router.message.register(plain, plain)
    assert len(threaded(router)) == 6  # the handler three times, and three filters

    inline = Router(name="inline")

    async def handler(_event: Any) -> None:
        return None

    inline.message.register(handler, when(F.text), StateFilter(Steps.one), TYPED)
    assert threaded(inline) == []


class _Message:
    def __init__(self, text: str | None) -> None:
        self.text = text
        self.photo = None
        self.document = None


def test_when_answers_as_the_magic_filter_it_wraps() -> None:
    async def check(text: str | None) -> Any:
        return await TYPED(_Message(text))  # type: ignore[arg-type]

    assert asyncio.run(check("۱۲۳"))
    assert not asyncio.run(check("/start"))
    assert not asyncio.run(check(None))
    as_name = when(F.text.as_("typed"))
    assert asyncio.run(as_name(_Message("x"))) == {"typed": "x"}  # type: ignore[arg-type]
