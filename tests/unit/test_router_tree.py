"""Each feature builds its own router (`setup()`), so one process can build several
dispatchers (the demo, the tests) without touching aiogram's private attributes."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from aiogram import Dispatcher, Router

import handlers
from handlers import build_router

FEATURES = sorted(
    name for _, name, _ in pkgutil.iter_modules(handlers.__path__)
    if hasattr(importlib.import_module(f"handlers.{name}"), "setup"))


def test_two_dispatchers_in_one_process() -> None:
    first, second = build_router(), build_router()
    assert first is not second
    Dispatcher().include_router(first)
    Dispatcher().include_router(second)  # aiogram refuses a router that has a parent


@pytest.mark.parametrize("name", FEATURES)
def test_setup_builds_a_new_router_each_time(name: str) -> None:
    module = importlib.import_module(f"handlers.{name}")
    one, two = module.setup(), module.setup()
    assert isinstance(one, Router) and one is not two


def test_no_feature_module_keeps_a_router_of_its_own() -> None:
    """A module-level Router would be shared by every dispatcher: only `setup()` makes one."""
    for _, name, _ in pkgutil.iter_modules(handlers.__path__):
        module = importlib.import_module(f"handlers.{name}")
        shared = [attr for attr, value in vars(module).items() if isinstance(value, Router)]
        assert shared == [], f"handlers.{name} keeps {shared} at module level"
    assert len(FEATURES) >= 12
